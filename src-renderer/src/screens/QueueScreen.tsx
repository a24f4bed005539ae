import { useMemo } from 'react';
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type SortingState } from '@tanstack/react-table';
import { QUEUE_SORT_COLUMNS, type CaseSummary, type QueueSortColumn } from '../../../src-shared/domain';
import { useApp } from '../state/app-store';
import { ErrorBanner } from '../components/ErrorBanner';

const col = createColumnHelper<CaseSummary>();
const sortable = (id: string): id is QueueSortColumn => (QUEUE_SORT_COLUMNS as readonly string[]).includes(id);

const STATUS_LABEL: Record<string, string> = {
  pending_review: 'Pending review',
  escalated: 'Escalated',
  needs_information: 'Needs information',
  accepted: 'Accepted',
  rejected: 'Rejected',
  awaiting_counterparty: 'Awaiting counterparty',
  awaiting_email_reply: 'Awaiting e-mail reply',
  counterparty_approved: 'Counterparty approved',
  counterparty_rejected: 'Counterparty rejected',
  awaiting_tx_hash: 'Awaiting tx hash',
  completed: 'Completed',
  expired: 'Expired',
  canceled: 'Canceled',
};

const IVMS_LABEL: Record<string, string> = {
  pass: 'Valid',
  incomplete: 'Incomplete',
  invalid: 'Invalid',
  unreadable: 'Unreadable',
};

const columns = [
  col.accessor('transferTime', { header: 'Transfer time', cell: (c) => c.getValue().replace('T', ' ').slice(0, 16) }),
  col.accessor('status', { header: 'Status', cell: (c) => <span className={`status status-${c.getValue()}`}>{STATUS_LABEL[c.getValue()] ?? c.getValue()}</span> }),
  col.accessor('direction', { header: 'Dir.', enableSorting: false, cell: (c) => (c.getValue() === 'withdrawal' ? 'Out' : 'In') }),
  col.accessor('asset', { header: 'Asset', cell: (c) => `${c.getValue()} · ${c.row.original.network}` }),
  col.accessor('amount', { header: 'Amount', enableSorting: false, cell: (c) => <span className="num">{c.getValue()}</span> }),
  col.accessor('fiatAmount', {
    header: 'Value',
    cell: (c) => <span className="num">{c.getValue() ? `${c.getValue()} ${c.row.original.fiatCurrency}` : '—'}</span>,
  }),
  col.accessor('originatorName', { header: 'Originator', enableSorting: false, cell: (c) => c.getValue() ?? <span className="missing">missing</span> }),
  col.accessor('beneficiaryName', { header: 'Beneficiary', enableSorting: false, cell: (c) => c.getValue() ?? <span className="missing">missing</span> }),
  col.accessor('counterpartyName', {
    header: 'Counterparty',
    enableSorting: false,
    cell: (c) => (c.getValue() ? `${c.getValue()} (${c.row.original.counterpartyJurisdiction})` : <span className="muted">self-hosted wallet</span>),
  }),
  col.accessor('ivms101Outcome', {
    header: 'IVMS101',
    enableSorting: false,
    cell: (c) => {
      const outcome = c.getValue();
      if (!outcome) return <span className="muted">not checked</span>;
      const label = IVMS_LABEL[outcome] ?? outcome;
      return (
        <span className={`check check-${outcome}`} title={c.row.original.ivms101Summary ?? undefined}>
          {label}
        </span>
      );
    },
  }),
  col.accessor('riskScore', { header: 'Risk', cell: (c) => <span className={(c.getValue() ?? 0) >= 70 ? 'risk high' : 'risk'}>{c.getValue() ?? '—'}</span> }),
];

export function QueueScreen() {
  const { queue, loadQueue } = useApp();
  const sorting: SortingState = useMemo(() => [{ id: queue.sort.column, desc: queue.sort.direction === 'desc' }], [queue.sort]);
  const table = useReactTable({
    data: queue.rows,
    columns,
    state: { sorting },
    // Sorting and paging happen in SQLite, over indexes, not over the rows in memory.
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first && sortable(first.id)) void loadQueue({ offset: 0, sort: { column: first.id, direction: first.desc ? 'desc' : 'asc' } });
    },
    getCoreRowModel: getCoreRowModel(),
  });
  const from = queue.total === 0 ? 0 : queue.offset + 1;
  const to = Math.min(queue.offset + queue.limit, queue.total);
  return (
    <main className="queue">
      <header className="toolbar">
        <h1>Case queue</h1>
        <span className="muted" data-testid="queue-count" aria-live="polite">
          {queue.total} cases · showing {from}–{to}
        </span>
        <span className="spacer" />
        <button type="button" disabled={queue.offset === 0} onClick={() => void loadQueue({ offset: Math.max(0, queue.offset - queue.limit) })}>
          Previous
        </button>
        <button type="button" disabled={to >= queue.total} onClick={() => void loadQueue({ offset: queue.offset + queue.limit })}>
          Next
        </button>
      </header>
      <ErrorBanner />
      <div className="table-wrap">
        <table className="grid" aria-label="Cases">
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
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
            {table.getRowModel().rows.map((r) => (
              <tr key={r.id} data-case-id={r.original.id}>
                {r.getVisibleCells().map((c) => (
                  <td key={c.id}>{flexRender(c.column.columnDef.cell, c.getContext())}</td>
                ))}
              </tr>
            ))}
            {queue.rows.length === 0 && !queue.loading && (
              <tr>
                <td colSpan={columns.length} className="empty">
                  No cases yet. Import some with <code>waybill cases import</code>, or connect a backend.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </main>
  );
}
