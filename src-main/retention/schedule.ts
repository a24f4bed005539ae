import type { Logger } from '../platform/log';
import type { WritableDB } from '../store/db';
import { readSetting, writeSetting } from '../store/settings';

const DAY_MS = 24 * 3600_000;
const CHECK_MS = 3600_000;

/** Records that a real (not dry) purge ran, so the schedule waits a day from it. */
export function recordPurgeRun(db: WritableDB, at: string): void {
  writeSetting(db, 'retention.last_run', at);
}

/**
 * The scheduled purge: once a day while unlocked — at unlock when a day has passed since the last
 * run, then checked every hour. A failure is logged (coded, no data) and tried again at the next check.
 * Returns the function that stops it.
 */
export function scheduleDailyPurge(o: {
  db: () => WritableDB | null;
  enabled: () => boolean;
  now: () => number;
  purge: () => void;
  log: Logger;
}): () => void {
  const tick = () => {
    const db = o.db();
    if (!db || !o.enabled()) return;
    const last = readSetting(db, 'retention.last_run');
    if (last && o.now() - Date.parse(last) < DAY_MS) return;
    try {
      o.purge();
    } catch (e) {
      o.log.error('retention.failed', { message: (e as Error).message });
    }
  };
  const first = setImmediate(tick);
  const timer = setInterval(tick, CHECK_MS).unref();
  return () => {
    clearImmediate(first);
    clearInterval(timer);
  };
}
