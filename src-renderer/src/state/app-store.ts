import { create } from 'zustand';
import type {
  AppStatus,
  CaseDetail,
  Events,
  ExportJob,
  InputOf,
  QueueFacets,
  RulesStatus,
  SavedView,
  ScreeningStatusView,
  Settings,
} from '../../../src-shared/contract';
import { ApiError, type Client } from '../api/client';
import { coalesce } from './coalesce';
import { useQueue } from './queue-store';

/** The least time between two readings of what changed (see `changed` below). */
const CHANGES_GAP_MS = 500;

export type View =
  | { name: 'queue' }
  | { name: 'case'; id: string }
  | { name: 'dashboard' }
  | { name: 'mail' }
  | { name: 'exports' }
  | { name: 'settings' }
  | { name: 'sanctions' };

interface AppState {
  client: Client | null;
  status: AppStatus | null;
  /** A message for the analyst, in their words, with the error code for support. */
  error: { code: string; message: string } | null;
  busy: boolean;
  lockedReason: 'manual' | 'idle' | null;
  rules: RulesStatus | null;
  sync: Events['sync.status'] | null;
  /** The sanctions lists in force and their freshness (the Sanctions screen, the status bar's warning). */
  screening: ScreeningStatusView | null;
  view: View;
  settings: Settings | null;
  facets: QueueFacets | null;
  views: SavedView[];
  detail: CaseDetail | null;
  jobs: ExportJob[];
  /** Bumped whenever the core says cases changed (new mail included): screens that list things reload. */
  changes: number;
  init(client: Client): Promise<void>;
  createVault(passphrase: string, rememberOnDevice: boolean, analyst: string): Promise<void>;
  /** Signs an analyst in; the name may be empty while only one analyst has a passphrase here. */
  unlock(passphrase: string, analyst?: string): Promise<void>;
  /** A new analyst chooses their passphrase with the one-time code a supervisor gave them. */
  redeem(name: string, code: string, passphrase: string): Promise<void>;
  unlockWithDevice(): Promise<void>;
  lock(): Promise<void>;
  navigate(view: View): void;
  openCase(id: string): Promise<void>;
  /** Runs an API call that returns the case, shows the new state; true when it worked. */
  caseAction(fn: (c: Client) => Promise<CaseDetail>): Promise<boolean>;
  loadSettings(): Promise<void>;
  saveSettings(patch: InputOf<'settings.update'>): Promise<boolean>;
  loadViews(): Promise<void>;
  setError(message: string, code?: string): void;
  clearError(): void;
  /** Theme and zoom, kept in preferences.json by the core (so the sign-in screen follows them too). */
  setAppearance(patch: InputOf<'appearance.set'>): Promise<void>;
}

export const asError = (e: unknown) =>
  e instanceof ApiError
    ? { code: e.code, message: e.message }
    : { code: 'internal', message: 'Unexpected error in the UI.' };

export const useApp = create<AppState>((set, get) => {
  const client = () => {
    const c = get().client;
    if (!c) throw new Error('client not initialised');
    return c;
  };
  /** Runs one action with a busy flag and turns failures into the analyst-facing error. */
  const run = async (fn: () => Promise<void>): Promise<boolean> => {
    set({ busy: true, error: null });
    try {
      await fn();
      return true;
    } catch (e) {
      set({ error: asError(e) });
      return false;
    } finally {
      set({ busy: false });
    }
  };
  const afterUnlock = async (status: AppStatus) => {
    set({ status, lockedReason: null, view: { name: 'queue' } });
    const c = client();
    // The first page first: everything else the analyst does not need to start reading.
    await useQueue.getState().refresh();
    const [sync, settings, views, jobs] = await Promise.all([
      c.call('sync.status', {}),
      c.call('settings.get', {}),
      c.call('views.list', {}),
      c.call('export.jobs', {}),
    ]);
    set({ sync, settings, views, jobs });
    void c.call('screening.status', {}).then(
      (screening) => set({ screening }),
      () => {},
    );
    void c.call('cases.facets', {}).then(
      (facets) => set({ facets }),
      () => {},
    );
  };
  const forget = () => {
    // Drop case data from memory at once.
    useQueue.getState().clear();
    set({ detail: null, facets: null, views: [], view: { name: 'queue' } });
  };

  return {
    client: null,
    status: null,
    error: null,
    busy: false,
    lockedReason: null,
    rules: null,
    sync: null,
    screening: null,
    view: { name: 'queue' },
    settings: null,
    facets: null,
    views: [],
    detail: null,
    jobs: [],
    changes: 0,

    async init(c) {
      set({ client: c });
      useQueue.getState().setClient(c);
      c.on('vault.locked', ({ reason }) => {
        forget();
        set((s) => ({ lockedReason: reason, status: s.status ? { ...s.status, vault: 'locked' } : s.status }));
        void c.call('app.status', {}).then(
          (status) => set({ status }),
          () => {},
        );
      });
      let facetsTimer: ReturnType<typeof setTimeout> | null = null;
      // What the screens read again when cases change, at most every CHANGES_GAP_MS: a sync's pull says so
      // for every 100 cases it commits (10-15 times a second), and each reading runs on the core's thread
      // that writes the pull. A single change still shows at once (bench/ui-sync.ts).
      const changed = coalesce(async () => {
        set((st) => ({ changes: st.changes + 1 }));
        // New cases may bring new assets, jurisdictions, counterparties: refresh the filter choices, at most once a second.
        facetsTimer ??= setTimeout(() => {
          facetsTimer = null;
          void c.call('cases.facets', {}).then(
            (facets) => set({ facets }),
            () => {},
          );
        }, 1000);
        const v = get().view;
        await Promise.all([
          useQueue.getState().refresh(),
          v.name === 'case'
            ? c.call('cases.get', { id: v.id }).then(
                (detail) => set({ detail }),
                () => {},
              )
            : null,
        ]);
      }, CHANGES_GAP_MS);
      c.on('cases.changed', changed);
      c.on('sync.status', (sync) => set({ sync }));
      c.on(
        'screening.changed',
        () =>
          void c.call('screening.status', {}).then(
            (screening) => set({ screening }),
            () => {},
          ),
      );
      c.on('export.progress', (job) => set((s) => ({ jobs: [job, ...s.jobs.filter((j) => j.id !== job.id)] })));
      await run(async () => {
        const [status, rules] = await Promise.all([c.call('app.status', {}), c.call('rules.status', {})]);
        set({ status, rules });
        if (status.vault === 'unlocked') await afterUnlock(status);
      });
    },
    createVault: async (passphrase, rememberOnDevice, analyst) => {
      await run(async () =>
        afterUnlock(await client().call('vault.create', { passphrase, rememberOnDevice, analyst })),
      );
    },
    unlock: async (passphrase, analyst) => {
      await run(async () =>
        afterUnlock(await client().call('vault.unlock', { passphrase, ...(analyst ? { analyst } : {}) })),
      );
    },
    redeem: async (name, code, passphrase) => {
      await run(async () => afterUnlock(await client().call('analysts.redeem', { name, code, passphrase })));
    },
    unlockWithDevice: async () => {
      await run(async () => afterUnlock(await client().call('vault.unlockWithDevice', {})));
    },
    lock: async () => {
      await run(async () => {
        const status = await client().call('vault.lock', {});
        forget();
        set({ status, lockedReason: 'manual' });
      });
    },
    navigate(view) {
      set({ view, error: null });
      if (view.name !== 'case') set({ detail: null });
    },
    async openCase(id) {
      set({ view: { name: 'case', id }, detail: null, error: null });
      await run(async () => {
        const detail = await client().call('cases.get', { id });
        if (get().view.name === 'case') set({ detail });
      });
    },
    async caseAction(fn) {
      return run(async () => set({ detail: await fn(client()) }));
    },
    async loadSettings() {
      await run(async () => set({ settings: await client().call('settings.get', {}) }));
    },
    async saveSettings(patch) {
      return run(async () => set({ settings: await client().call('settings.update', patch) }));
    },
    async loadViews() {
      await run(async () => set({ views: await client().call('views.list', {}) }));
    },
    setError: (message, code = 'invalid_input') => set({ error: { code, message } }),
    clearError: () => set({ error: null }),
    async setAppearance(patch) {
      await run(async () => set({ status: await client().call('appearance.set', patch) }));
    },
  };
});
