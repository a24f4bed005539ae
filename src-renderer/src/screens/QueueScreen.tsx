import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  CASE_STATUSES,
  QUEUE_SORT_COLUMNS,
  type CaseSummary,
  type QueueFilter,
  type QueueSortColumn,
} from '../../../src-shared/domain';
import { TRAVEL_RULE_OUTCOMES, type TravelRuleOutcome } from '../../../src-shared/checks';
import { useApp } from '../state/app-store';
import { useQueue } from '../state/queue-store';
import { ErrorBanner } from '../components/ErrorBanner';
import { NAV_SHORTCUTS } from '../components/Nav';
import { connecting } from '../components/StatusBar';
import { count, IVMS_LABEL, plural, SCREENING_LABEL, STATUS_LABEL, time, TRAVEL_LABEL } from '../format';

const ROW_HEIGHT = 26;
const col = createColumnHelper<CaseSummary>();
const sortable = (id: string): id is QueueSortColumn => (QUEUE_SORT_COLUMNS as readonly string[]).includes(id);

const columns = [
  col.accessor('transferTime', { header: 'Transfer time', cell: (c) => time(c.getValue()) }),
  col.accessor('status', {
    header: 'Status',
    cell: (c) => (
      <>
        <span className={`status status-${c.getValue()}`}>{STATUS_LABEL[c.getValue()] ?? c.getValue()}</span>
        {c.row.original.awaitingApproval && (
          <span className="tag warn" title="A decision waits for a second analyst">
            4 eyes
          </span>
        )}
        {c.row.original.waitingToSync && (
          <span className="tag" title="Decided here; the backend has not acknowledged it yet">
            waiting to sync
          </span>
        )}
      </>
    ),
  }),
  col.accessor('direction', {
    header: 'Dir.',
    enableSorting: false,
    cell: (c) => (c.getValue() === 'withdrawal' ? 'Out' : 'In'),
  }),
  col.accessor('asset', { header: 'Asset', cell: (c) => `${c.getValue()} · ${c.row.original.network}` }),
  col.accessor('amount', {
    header: 'Amount',
    enableSorting: false,
    cell: (c) => <span className="num">{c.getValue()}</span>,
  }),
  col.accessor('fiatAmount', {
    header: 'Value',
    cell: (c) => <span className="num">{c.getValue() ? `${c.getValue()} ${c.row.original.fiatCurrency}` : '—'}</span>,
  }),
  col.accessor('originatorName', {
    header: 'Originator',
    enableSorting: false,
    cell: (c) => c.getValue() ?? <span className="missing">missing</span>,
  }),
  col.accessor('beneficiaryName', {
    header: 'Beneficiary',
    enableSorting: false,
    cell: (c) => c.getValue() ?? <span className="missing">missing</span>,
  }),
  col.accessor('counterpartyName', {
    header: 'Counterparty',
    enableSorting: false,
    cell: (c) =>
      c.getValue() ? (
        `${c.getValue()} (${c.row.original.counterpartyJurisdiction})`
      ) : (
        <span className="muted">self-hosted wallet</span>
      ),
  }),
  col.accessor('travelRuleOutcome', {
    header: 'Travel Rule',
    enableSorting: false,
    cell: (c) => <Outcome value={c.getValue()} labels={TRAVEL_LABEL} kind="travel" />,
  }),
  col.accessor('ivms101Outcome', {
    header: 'IVMS101',
    enableSorting: false,
    cell: (c) => (
      <Outcome value={c.getValue()} labels={IVMS_LABEL} kind="check" title={c.row.original.ivms101Summary} />
    ),
  }),
  col.accessor('screeningOutcome', {
    header: 'Sanctions',
    enableSorting: false,
    cell: (c) => <Outcome value={c.getValue()} labels={SCREENING_LABEL} kind="screen" />,
  }),
  col.accessor('riskScore', {
    header: 'Risk',
    cell: (c) => <span className={(c.getValue() ?? 0) >= 70 ? 'risk high' : 'risk'}>{c.getValue() ?? '—'}</span>,
  }),
  col.accessor('assignedTo', {
    header: 'Analyst',
    enableSorting: false,
    cell: (c) => c.getValue() ?? <span className="muted">—</span>,
  }),
];

function Outcome({
  value,
  labels,
  kind,
  title,
}: {
  value: string | null;
  labels: Record<string, string>;
  kind: string;
  title?: string | null;
}) {
  if (!value) return <span className="muted">not checked</span>;
  return (
    <span className={`check ${kind}-${value}`} title={title ?? undefined}>
      {labels[value] ?? value}
    </span>
  );
}

const SEARCH_DEBOUNCE_MS = 250;

function FilterBar({ toRows }: { toRows: () => void }) {
  const { filter, setFilter, sort, apply } = useQueue();
  const { facets, views, client, loadViews, setError } = useApp();
  const [search, setSearch] = useState(filter.search ?? '');
  const searchRef = useRef<HTMLInputElement>(null);
  // A filter changed elsewhere (saved view, Clear filters) shows in the box; our own debounced apply
  // must not rewrite what is being typed (e.g. drop a trailing space).
  useEffect(() => setSearch((s) => (s.trim() === (filter.search ?? '') ? s : (filter.search ?? ''))), [filter.search]);
  const applySearch = (text: string) =>
    text.trim() === (useQueue.getState().filter.search ?? '')
      ? Promise.resolve()
      : setFilter({ search: text.trim() || undefined });
  // Search as you type, once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => void applySearch(search), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the text restarts the pause
  }, [search]);
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') {
      // Empties the box and lifts the filter with it (the browser's own Esc only empties the box).
      e.preventDefault();
      setSearch('');
      void applySearch('');
    } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
      // Back to the rows, on the first one, with what is typed applied now rather than after the pause.
      e.preventDefault();
      void applySearch(search).then(toRows);
    }
  };
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (
        e.key === '/' &&
        !(
          e.target instanceof HTMLInputElement ||
          e.target instanceof HTMLTextAreaElement ||
          e.target instanceof HTMLSelectElement
        )
      ) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const select = (
    label: string,
    id: string,
    value: string | undefined,
    options: [string, string][],
    onChange: (v: string | undefined) => void,
  ) => (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">All</option>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
  const toggle = (label: string, key: 'missingFields' | 'sanctionsHit' | 'sanctionsAwaiting' | 'slaBreached') => (
    <label className="filter check-filter">
      <input
        type="checkbox"
        checked={filter[key] === true}
        onChange={(e) => void setFilter({ [key]: e.target.checked || undefined })}
      />
      {label}
    </label>
  );
  const [naming, setNaming] = useState<string | null>(null);
  const saveView = async () => {
    const name = naming?.trim();
    if (!name || !client) return;
    try {
      await client.call('views.save', { name, filter, sort });
      await loadViews();
      setNaming(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not save the view.');
    }
  };
  return (
    <div className="filters" role="search" aria-label="Filter the queue">
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          void applySearch(search);
        }}
      >
        <label htmlFor="queue-search" className="sr-only">
          Search names, wallets, transaction hashes, case ids
        </label>
        <input
          id="queue-search"
          ref={searchRef}
          type="search"
          placeholder="Search name, wallet, tx hash, case id  ( / )"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={onSearchKey}
          aria-keyshortcuts="/"
        />
      </form>
      {select(
        'Status',
        'f-status',
        filter.status?.length === 1 ? filter.status[0] : undefined,
        CASE_STATUSES.map((s) => [s, STATUS_LABEL[s] ?? s]),
        (v) => void setFilter({ status: v ? [v as (typeof CASE_STATUSES)[number]] : undefined }),
      )}
      {select(
        'Direction',
        'f-direction',
        filter.direction,
        [
          ['withdrawal', 'Withdrawals (out)'],
          ['deposit', 'Deposits (in)'],
        ],
        (v) => void setFilter({ direction: v as QueueFilter['direction'] }),
      )}
      {select(
        'Jurisdiction',
        'f-jurisdiction',
        filter.jurisdiction,
        (facets?.jurisdictions ?? []).map((j) => [j, j]),
        (v) => void setFilter({ jurisdiction: v }),
      )}
      {select(
        'Counterparty',
        'f-counterparty',
        filter.counterpartyVaspId,
        (facets?.counterparties ?? []).map((c) => [c.vaspId, c.name]),
        (v) => void setFilter({ counterpartyVaspId: v }),
      )}
      {select(
        'Asset',
        'f-asset',
        filter.asset,
        (facets?.assets ?? []).map((a) => [a, a]),
        (v) => void setFilter({ asset: v }),
      )}
      {select(
        'Risk',
        'f-risk',
        filter.minRisk?.toString(),
        [
          ['50', '50 and above'],
          ['70', '70 and above'],
          ['90', '90 and above'],
        ],
        (v) => void setFilter({ minRisk: v ? Number(v) : undefined }),
      )}
      {select(
        'Travel Rule',
        'f-travel',
        filter.travelRule?.length === 1 ? filter.travelRule[0] : undefined,
        TRAVEL_RULE_OUTCOMES.map((o) => [o, TRAVEL_LABEL[o] ?? o]),
        (v) => void setFilter({ travelRule: v ? [v as TravelRuleOutcome] : undefined }),
      )}
      {select(
        'Analyst',
        'f-analyst',
        filter.assignedTo,
        [['unassigned', 'Unassigned'], ...(facets?.analysts ?? []).map((a): [string, string] => [a, a])],
        (v) => void setFilter({ assignedTo: v }),
      )}
      {toggle('Missing fields', 'missingFields')}
      {toggle('Sanctions hits', 'sanctionsHit')}
      {toggle('Hit awaiting disposition', 'sanctionsAwaiting')}
      {toggle('SLA breached', 'slaBreached')}
      <span className="spacer" />
      <div className="filter">
        <label htmlFor="f-view">View</label>
        <select
          id="f-view"
          value=""
          onChange={(e) => {
            const v = views.find((x) => x.name === e.target.value);
            if (v) void apply(v.filter, v.sort);
          }}
        >
          <option value="">Saved views…</option>
          {views.map((v) => (
            <option key={v.name} value={v.name}>
              {v.name}
            </option>
          ))}
        </select>
      </div>
      {naming === null ? (
        <button type="button" onClick={() => setNaming('')}>
          Save view…
        </button>
      ) : (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void saveView();
          }}
        >
          <label htmlFor="view-name" className="sr-only">
            Name of the view
          </label>
          <input
            id="view-name"
            type="text"
            autoFocus
            placeholder="Name of the view"
            value={naming}
            onChange={(e) => setNaming(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setNaming(null)}
          />
          <button type="submit" disabled={!naming.trim()}>
            Save
          </button>
        </form>
      )}
      <button
        type="button"
        onClick={() => void apply({}, { column: 'transferTime', direction: 'desc' })}
        disabled={Object.keys(filter).length === 0}
      >
        Clear filters
      </button>
    </div>
  );
}

export function QueueScreen() {
  const q = useQueue();
  const openCase = useApp((s) => s.openCase);
  const sync = useApp((s) => s.sync);
  const scrollRef = useRef<HTMLDivElement>(null);
  const sorting: SortingState = useMemo(() => [{ id: q.sort.column, desc: q.sort.direction === 'desc' }], [q.sort]);
  const virtualizer = useVirtualizer({
    count: q.total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? 0;
  const { ensure } = q;
  useEffect(() => ensure(firstIndex, lastIndex), [ensure, firstIndex, lastIndex, q.epoch]);
  // Back from a case: the selected row is where the analyst left it, and keys work at once.
  useEffect(() => {
    const { selected } = useQueue.getState();
    if (selected > 0) virtualizer.scrollToIndex(selected, { align: 'center' });
    scrollRef.current?.focus({ preventScroll: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, on mount
  }, []);

  // One table model for header and cells; the rows it sees are only those on screen.
  const visible = items.map((v) => q.rowAt(v.index));
  const table = useReactTable({
    data: visible.filter((r): r is CaseSummary => r !== undefined),
    columns,
    state: { sorting },
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    getRowId: (r) => r.id,
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first && sortable(first.id)) {
        void q.setSort({ column: first.id, direction: first.desc ? 'desc' : 'asc' });
        virtualizer.scrollToIndex(0);
      }
    },
    getCoreRowModel: getCoreRowModel(),
  });
  const rowsById = new Map(table.getRowModel().rows.map((r) => [r.id, r]));

  const move = (to: number) => {
    if (q.total === 0) return;
    const i = Math.max(0, Math.min(q.total - 1, to));
    q.select(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 600) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      j: () => move(q.selected + 1),
      ArrowDown: () => move(q.selected + 1),
      k: () => move(q.selected - 1),
      ArrowUp: () => move(q.selected - 1),
      PageDown: () => move(q.selected + page),
      PageUp: () => move(q.selected - page),
      Home: () => move(0),
      End: () => move(q.total - 1),
      Enter: () => {
        const r = q.rowAt(q.selected);
        if (r) void openCase(r.id);
      },
    };
    const fn = keys[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  };
  const shown = items.length ? `${count(firstIndex + 1)}–${count(Math.min(lastIndex + 1, q.total))}` : '0';
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <main className="queue">
      <header className="toolbar">
        <h1>Case queue</h1>
        <span className="muted" data-testid="queue-count" aria-live="polite">
          {plural(q.total, 'case')} · rows {shown}
          {q.loading ? ' · loading…' : ''}
        </span>
        <span className="spacer" />
        <span className="shortcuts" aria-label="Keyboard shortcuts">
          <kbd>j</kbd>/<kbd>k</kbd> or <kbd>↑</kbd>/<kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>/</kbd> search (
          <kbd>↓</kbd> back to the rows, <kbd>Esc</kbd> clears) · <kbd>Alt</kbd>+<kbd>1–{NAV_SHORTCUTS.length}</kbd>{' '}
          sections · <kbd>Ctrl</kbd>+<kbd>L</kbd> lock
        </span>
      </header>
      <FilterBar
        toRows={() => {
          useQueue.getState().select(0);
          virtualizer.scrollToIndex(0);
          scrollRef.current?.focus({ preventScroll: true });
        }}
      />
      <ErrorBanner />
      {q.error && (
        <div className="error-banner" role="alert">
          {q.error}
        </div>
      )}
      <div
        className="table-wrap"
        ref={scrollRef}
        tabIndex={0}
        onKeyDown={onKey}
        data-testid="queue-scroll"
        aria-label="Cases: use j and k or the arrow keys to move, Enter to open"
      >
        <table className="grid" aria-label="Cases" aria-rowcount={q.total + 1}>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id} aria-rowindex={1}>
                {hg.headers.map((h) => {
                  const dir = h.column.getIsSorted();
                  return (
                    <th key={h.id} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
                      {h.column.getCanSort() ? (
                        <button type="button" className="sort" onClick={h.column.getToggleSortingHandler()}>
                          {flexRender(h.column.columnDef.header, h.getContext())}
                          <span aria-hidden="true">{dir === 'asc' ? ' ▲' : dir === 'desc' ? ' ▼' : ''}</span>
                        </button>
                      ) : (
                        flexRender(h.column.columnDef.header, h.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true">
                <td colSpan={columns.length} className="pad" height={padTop} />
              </tr>
            )}
            {items.map((v) => {
              const data = q.rowAt(v.index);
              const row = data ? rowsById.get(data.id) : undefined;
              const selected = v.index === q.selected;
              if (!data || !row) {
                return (
                  <tr key={`loading-${v.index}`} className="loading-row" aria-rowindex={v.index + 2}>
                    <td colSpan={columns.length}>loading…</td>
                  </tr>
                );
              }
              return (
                <tr
                  key={data.id}
                  data-case-id={data.id}
                  aria-rowindex={v.index + 2}
                  aria-selected={selected}
                  className={selected ? 'selected' : undefined}
                  onClick={() => q.select(v.index)}
                  onDoubleClick={() => void openCase(data.id)}
                >
                  {row.getVisibleCells().map((c) => (
                    <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true">
                <td colSpan={columns.length} className="pad" height={padBottom} />
              </tr>
            )}
            {q.total === 0 && !q.loading && (
              <tr>
                <td colSpan={columns.length} className="empty">
                  {Object.keys(q.filter).length
                    ? 'No case matches these filters.'
                    : connecting(sync)
                      ? 'Connecting to the backend… syncing the first page of cases.'
                      : sync?.configured && !sync.lastSyncAt
                        ? 'No cases yet: the backend could not be reached. They arrive once it answers (Sync now tries again).'
                        : 'No cases yet. Import some with waybill cases import, or connect a backend in Settings.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </main>
  );
}
