import { AppError, type ErrorCode } from '../../src-shared/result';
import { startWorker } from '../platform/worker-entry';
import { openDatabase } from './db';
import { LATEST_SCHEMA_VERSION, schemaVersion } from './migrations';

export interface Upgrade {
  from: number;
  to: number;
  /** The thread that ran the migrations (a worker's, never the caller's). */
  threadId: number;
}

/**
 * Brings the case database to this Waybill's schema before the workstation opens it, on a worker
 * thread: the first unlock after an update that adds a migration ran it on the main thread (41 s at a
 * million cases, migration 0025), and Electron's main process or the browser mode's server answered
 * nothing meanwhile. Returns the versions when it migrated, null when the store was already current.
 * A store newer than this Waybill is refused here with the same error the migrations give.
 */
export async function upgradeStore(file: string, key: Buffer): Promise<Upgrade | null> {
  const probe = openDatabase(file, key, { migrate: false });
  let from: number;
  try {
    from = schemaVersion(probe);
  } finally {
    probe.close();
  }
  if (from === LATEST_SCHEMA_VERSION) return null;
  // Newer than this build, or a new store (version 0, no rows yet): openDatabase says or does it at once.
  if (from > LATEST_SCHEMA_VERSION || from === 0) return null;
  const threadId = await new Promise<number>((resolve, reject) => {
    const worker = startWorker(
      { here: import.meta.url, source: './migrate-worker.ts', built: 'migrate-worker.cjs' },
      // A copy of the key crosses; the worker zeroes its copy when done.
      { workerData: { file, key: new Uint8Array(key) } },
    );
    let settled = false;
    type Reply = { ok: true; threadId: number } | { ok: false; code: ErrorCode; message: string; details?: object };
    worker.once('message', (m: Reply) => {
      settled = true;
      if (m.ok) resolve(m.threadId);
      else reject(new AppError(m.code, m.message, m.details as Record<string, unknown> | undefined));
    });
    worker.once('error', (e) => {
      settled = true;
      reject(new AppError('unavailable', `The case database could not be brought up to date: ${e.message}`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new AppError('unavailable', `The case database upgrade stopped (exit ${code}).`));
    });
  });
  return { from, to: LATEST_SCHEMA_VERSION, threadId };
}
