import { parentPort, workerData } from 'node:worker_threads';
import { BACKGROUND_NICENESS, lowerThisThread } from '../platform/thread-priority';
import { openDatabase, type WritableDB } from './db';

// A connection of its own that copies the WAL into the database file (store/checkpointer.ts) while the
// main thread's connection goes on writing a bulk intake: each page is decrypted from the WAL and
// encrypted again into the database, about a quarter of the writer's CPU when the writer did it.

const { file, key } = workerData as { file: string; key: Uint8Array };
// Below the writer's thread, which is the intake's critical path (platform/thread-priority.ts).
lowerThisThread(BACKGROUND_NICENESS);
const port = parentPort!;
const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
let db: WritableDB | null = null;
try {
  // The store is already at this build's schema (its owner opened it): no migration here.
  db = openDatabase(file, k, { migrate: false });
  port.postMessage({ kind: 'ready' });
} catch {
  // Only that it failed crosses (the owner falls back and logs it): no path, key or row.
  port.postMessage({ kind: 'failed' });
} finally {
  k.fill(0);
}

port.on('message', (m: 'checkpoint' | 'close') => {
  if (!db) return;
  if (m === 'close') {
    db.close();
    db = null;
    port.close();
    return;
  }
  try {
    // PASSIVE: copies what no reader still needs, waits for no one (an export's snapshot keeps its frames).
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    // The WAL's frames and how many of them are now in the database (store/db.ts: a WAL wholly copied
    // starts again from its beginning at the next write; withBulkIntake waits for that when it is long).
    port.postMessage({ kind: 'done', log: r?.log ?? -1, checkpointed: r?.checkpointed ?? -1 });
  } catch {
    port.postMessage({ kind: 'failed' });
  }
});
