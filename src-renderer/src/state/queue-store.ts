import { create } from 'zustand';
import type { CaseSummary, QueueFilter, QueueSortColumn } from '../../../src-shared/domain';
import type { Client } from '../api/client';

// The queue's window onto the store. Rows arrive a page at a time as the analyst scrolls; sorting,
// filtering and counting happen in SQLite. A change of filter or sort starts a new "epoch" so a
// slow answer for the old query can never overwrite the new one.

export const PAGE = 100;

export interface QueueStore {
  client: Client | null;
  filter: QueueFilter;
  sort: { column: QueueSortColumn; direction: 'asc' | 'desc' };
  total: number;
  pages: Record<number, CaseSummary[]>;
  epoch: number;
  loading: boolean;
  selected: number;
  error: string | null;
  /** The saved view the queue was opened with (its column layout applies), or null. */
  view: string | null;
  /** Cases ticked for a bulk action, by id (they stay ticked while the analyst scrolls). */
  checked: ReadonlySet<string>;
  setClient(c: Client): void;
  setView(name: string | null): void;
  check(ids: string[], on: boolean): void;
  uncheckAll(): void;
  setFilter(patch: Partial<QueueFilter>, replace?: boolean): Promise<void>;
  setSort(sort: QueueStore['sort']): Promise<void>;
  apply(filter: QueueFilter, sort: QueueStore['sort']): Promise<void>;
  /** Re-reads the count and the pages on screen (after a change pushed by the core). */
  refresh(): Promise<void>;
  ensure(first: number, last: number): void;
  select(index: number): void;
  clear(): void;
  rowAt(index: number): CaseSummary | undefined;
}

const inflight = new Set<string>();

/**
 * When the newest query left (its epoch), until its rows are on screen: QueueScreen calls
 * queryShown once it has committed them, which records the round trip for the benchmark
 * (performance measure "waybill:queue-query": request to rows in the DOM, rendering included).
 */
let queryStart: { epoch: number; t0: number } | null = null;
export function queryShown(epoch: number): void {
  if (queryStart?.epoch !== epoch) return;
  performance.measure('waybill:queue-query', { start: queryStart.t0, end: performance.now() });
  queryStart = null;
}

export const useQueue = create<QueueStore>((set, get) => {
  const fetchPage = async (page: number, count: boolean) => {
    const { client, filter, sort } = get();
    if (!client) return null;
    return client.call('cases.list', { offset: page * PAGE, limit: PAGE, sort, filter, count });
  };
  /** Loads page 0 with the count, under a new epoch (timed until shown: queryShown). */
  const restart = async () => {
    const epoch = get().epoch + 1;
    queryStart = { epoch, t0: performance.now() };
    // The request leaves before the loading state is set: that set renders the queue.
    const request = fetchPage(0, true);
    set({ epoch, loading: true, error: null });
    try {
      const r = await request;
      if (!r || get().epoch !== epoch) return;
      set({
        total: r.total,
        pages: { 0: r.rows },
        loading: false,
        selected: Math.min(get().selected, Math.max(0, r.total - 1)),
      });
    } catch (e) {
      if (queryStart?.epoch === epoch) queryStart = null;
      if (get().epoch === epoch) set({ loading: false, error: e instanceof Error ? e.message : String(e) });
    }
  };
  return {
    client: null,
    filter: {},
    sort: { column: 'transferTime', direction: 'desc' },
    total: 0,
    pages: {},
    epoch: 0,
    loading: false,
    selected: 0,
    error: null,
    view: null,
    checked: new Set<string>(),
    setClient: (client) => set({ client }),
    setView: (view) => set({ view }),
    check: (ids, on) =>
      set((s) => {
        const next = new Set(s.checked);
        for (const id of ids)
          if (on) next.add(id);
          else next.delete(id);
        return { checked: next };
      }),
    uncheckAll: () => set({ checked: new Set<string>() }),
    async setFilter(patch, replace = false) {
      const next = { ...(replace ? {} : get().filter), ...patch };
      for (const k of Object.keys(next) as (keyof QueueFilter)[])
        if (next[k] === undefined || next[k] === '' || next[k] === false) delete next[k];
      set({ filter: next, selected: 0, checked: new Set<string>() });
      await restart();
    },
    async setSort(sort) {
      set({ sort, selected: 0, checked: new Set<string>() });
      await restart();
    },
    async apply(filter, sort) {
      set({ filter, sort, selected: 0, checked: new Set<string>() });
      await restart();
    },
    async refresh() {
      const { epoch, pages, client } = get();
      if (!client) return;
      try {
        const loaded = Object.keys(pages).map(Number);
        const head = await fetchPage(0, true);
        if (!head || get().epoch !== epoch) return;
        const next: Record<number, CaseSummary[]> = { 0: head.rows };
        for (const p of loaded.filter((x) => x !== 0).slice(0, 5)) {
          const r = await fetchPage(p, false);
          if (!r || get().epoch !== epoch) return;
          next[p] = r.rows;
        }
        set({ total: head.total, pages: next });
      } catch {
        // The next change or scroll tries again; the status bar says if the core is gone.
      }
    },
    ensure(first, last) {
      const { pages, epoch } = get();
      for (let p = Math.floor(Math.max(0, first) / PAGE); p <= Math.floor(Math.max(0, last) / PAGE); p++) {
        const key = `${epoch}:${p}`;
        if (pages[p] || inflight.has(key)) continue;
        inflight.add(key);
        void fetchPage(p, false)
          .then((r) => {
            if (r && get().epoch === epoch) set((s) => ({ pages: { ...s.pages, [p]: r.rows } }));
          })
          .catch(() => undefined)
          .finally(() => inflight.delete(key));
      }
    },
    select: (index) => set({ selected: Math.max(0, Math.min(index, get().total - 1)) }),
    // On lock: the filter goes too, since its search may be a name the analyst typed (case data); the sort stays.
    clear: () =>
      set((s) => ({
        pages: {},
        total: 0,
        epoch: s.epoch + 1,
        checked: new Set<string>(),
        view: null,
        filter: {},
        selected: 0,
      })),
    rowAt(index) {
      return get().pages[Math.floor(index / PAGE)]?.[index % PAGE];
    },
  };
});
