import type { WritableDB } from '../store/db';
import { ScreeningIndex } from './search';
import { activeLists, activeSignature } from './store';

// The workstation's view of the lists in force. Any process may import a list (the CLI while the
// workstation serves, another window): the index is rebuilt whenever the set of versions in force
// differs from the one it was built from, and a watcher notices another connection's commit
// (SQLite's `data_version` changes only for those) and re-screens every case then.

export interface ScreeningWatcherHooks {
  /** Re-screen every case against the new index; returns how many check results changed. */
  rescreen(): number;
  /** Tell the UI: the lists and the cases changed. */
  changed(rescreened: number): void;
  onError(e: unknown): void;
}

export class ScreeningService {
  private index: ScreeningIndex | null = null;
  private builtFor = '';
  private dataVersion = -1;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: () => WritableDB) {}

  /** The index over the versions in force now (rebuilt only when they changed). */
  current(): ScreeningIndex {
    const db = this.db();
    const sig = activeSignature(db);
    if (!this.index || sig !== this.builtFor) {
      this.index = new ScreeningIndex(activeLists(db));
      this.builtFor = sig;
    }
    return this.index;
  }

  invalidate(): void {
    this.index = null;
  }

  /** Checks once: has another connection committed, and did that change the versions in force? */
  poll(hooks: ScreeningWatcherHooks): boolean {
    const db = this.db();
    const v = db.pragma('data_version', { simple: true }) as number;
    if (v === this.dataVersion) return false;
    this.dataVersion = v;
    if (activeSignature(db) === this.builtFor) return false;
    this.current();
    hooks.changed(hooks.rescreen());
    return true;
  }

  /** Watches while unlocked (browser mode, Electron); a one-shot CLI run does not need to. */
  watch(hooks: ScreeningWatcherHooks, everyMs = 1000): void {
    this.stop();
    try {
      this.dataVersion = this.db().pragma('data_version', { simple: true }) as number;
      this.current();
    } catch (e) {
      hooks.onError(e);
    }
    this.timer = setInterval(() => {
      try {
        this.poll(hooks);
      } catch (e) {
        hooks.onError(e);
      }
    }, everyMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.index = null;
    this.builtFor = '';
    this.dataVersion = -1;
  }
}
