import { parentPort, threadId, workerData } from 'node:worker_threads';
import { AppError } from '../../src-shared/result';
import { openDatabase } from './db';

// A worker thread that brings the case database up to date (store/upgrade.ts): the migrations, which
// at a million cases take tens of seconds, run here so the main process (Electron's, or the browser
// mode's server) keeps answering while the unlock waits.

const { file, key } = workerData as { file: string; key: Uint8Array };
const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
try {
  openDatabase(file, k).close();
  parentPort?.postMessage({ ok: true, threadId });
} catch (e) {
  // Only the code and message cross, as an AppError carries them; never the key or a row.
  parentPort?.postMessage(
    e instanceof AppError
      ? { ok: false, code: e.code, message: e.message, details: e.details }
      : { ok: false, code: 'internal', message: e instanceof Error ? e.message : String(e) },
  );
} finally {
  k.fill(0);
}
