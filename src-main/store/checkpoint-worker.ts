import Database from 'better-sqlite3-multiple-ciphers';
import { parentPort, workerData } from 'node:worker_threads';
import { applyCipher } from './db';

// A connection of its own that copies the WAL into the database file (store/checkpointer.ts) while the
// main thread's connection goes on writing a bulk intake: each page is decrypted from the WAL and
// encrypted again into the database, about a quarter of the writer's CPU when the writer did it.

const { file, key, nativeBinding } = workerData as { file: string; key: Uint8Array; nativeBinding?: string };
const port = parentPort!;
const k = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
let db: Database.Database | null = null;
try {
  db = new Database(file, { fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  applyCipher(db, k);
  // With a wrong key this is where SQLCipher says "file is not a database".
  db.prepare('SELECT count(*) FROM sqlite_master').get();
  db.pragma('synchronous = NORMAL');
  port.postMessage({ kind: 'ready' });
} catch (e) {
  db?.close();
  db = null;
  // The message only, never the key: it was zeroed below before this reaches anyone.
  port.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
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
    port.postMessage({ kind: 'done', log: r?.log ?? 0, checkpointed: r?.checkpointed ?? 0 });
  } catch (e) {
    port.postMessage({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
});
