import { create } from 'zustand';
import type { CaseSummary, QueueSortColumn } from '../../../src-shared/domain';
import type { AppStatus, Events, RulesStatus } from '../../../src-shared/contract';
import { ApiError, type Client } from '../api/client';

export interface QueueState {
  rows: CaseSummary[];
  total: number;
  offset: number;
  limit: number;
  sort: { column: QueueSortColumn; direction: 'asc' | 'desc' };
  loading: boolean;
}

interface AppState {
  client: Client | null;
  status: AppStatus | null;
  /** A message for the analyst, in their words, with the error code for support. */
  error: { code: string; message: string } | null;
  busy: boolean;
  lockedReason: 'manual' | 'idle' | null;
  rules: RulesStatus | null;
  sync: Events['sync.status'] | null;
  queue: QueueState;
  init(client: Client): Promise<void>;
  createVault(passphrase: string, rememberOnDevice: boolean): Promise<void>;
  unlock(passphrase: string): Promise<void>;
  unlockWithDevice(): Promise<void>;
  lock(): Promise<void>;
  loadQueue(patch?: Partial<Pick<QueueState, 'offset' | 'sort'>>): Promise<void>;
  clearError(): void;
}

const asError = (e: unknown) =>
  e instanceof ApiError ? { code: e.code, message: e.message } : { code: 'internal', message: 'Unexpected error in the UI.' };

export const useApp = create<AppState>((set, get) => {
  const client = () => {
    const c = get().client;
    if (!c) throw new Error('client not initialised');
    return c;
  };
  /** Runs one action with a busy flag and turns failures into the analyst-facing error. */
  const run = async (fn: () => Promise<void>) => {
    set({ busy: true, error: null });
    try {
      await fn();
    } catch (e) {
      set({ error: asError(e) });
    } finally {
      set({ busy: false });
    }
  };
  const afterUnlock = async (status: AppStatus) => {
    set({ status, lockedReason: null });
    await get().loadQueue({ offset: 0 });
    set({ sync: await client().call('sync.status', {}) });
  };

  return {
    client: null,
    status: null,
    error: null,
    busy: false,
    lockedReason: null,
    rules: null,
    sync: null,
    queue: { rows: [], total: 0, offset: 0, limit: 100, sort: { column: 'transferTime', direction: 'desc' }, loading: false },

    async init(c) {
      set({ client: c });
      c.on('vault.locked', ({ reason }) => {
        // Drop case data from memory at once; then fetch the status (settings may have changed).
        set((s) => ({
          lockedReason: reason,
          status: s.status ? { ...s.status, vault: 'locked' } : s.status,
          queue: { ...s.queue, rows: [], total: 0 },
        }));
        void c.call('app.status', {}).then((status) => set({ status }), () => {});
      });
      c.on('cases.changed', () => void get().loadQueue());
      c.on('sync.status', (sync) => set({ sync }));
      await run(async () => {
        const [status, rules] = await Promise.all([c.call('app.status', {}), c.call('rules.status', {})]);
        set({ status, rules });
        if (status.vault === 'unlocked') await get().loadQueue();
      });
    },
    createVault: (passphrase, rememberOnDevice) => run(async () => afterUnlock(await client().call('vault.create', { passphrase, rememberOnDevice }))),
    unlock: (passphrase) => run(async () => afterUnlock(await client().call('vault.unlock', { passphrase }))),
    unlockWithDevice: () => run(async () => afterUnlock(await client().call('vault.unlockWithDevice', {}))),
    lock: () =>
      run(async () => {
        const status = await client().call('vault.lock', {});
        set((s) => ({ status, lockedReason: 'manual', queue: { ...s.queue, rows: [], total: 0 } }));
      }),
    async loadQueue(patch = {}) {
      const q = { ...get().queue, ...patch };
      set({ queue: { ...q, loading: true } });
      try {
        const r = await client().call('cases.list', { offset: q.offset, limit: q.limit, sort: q.sort });
        set({ queue: { ...q, rows: r.rows, total: r.total, loading: false } });
      } catch (e) {
        set({ queue: { ...q, loading: false }, error: asError(e) });
      }
    },
    clearError: () => set({ error: null }),
  };
});
