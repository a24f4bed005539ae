import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { applyCipher } from '../src-main/store/db';

export interface PageCosts {
  /** CPU µs to read a page through the set-up's codec (a new connection, the file in the OS cache). */
  read: number;
  /** CPU µs to write a page: into the WAL, then checkpointed into the database (8 KiB written a page). */
  write: number;
}

/**
 * CPU a 4 KiB page costs to read (a new connection reading a whole table the OS has cached: pread and the
 * cipher) and to write (inserted, then checkpointed into the database), for one cipher set-up. Rows of
 * random text, so no page compresses or repeats.
 */
function pageCosts(file: string, setUp: (db: Database.Database) => void): PageCosts {
  const open = () => {
    const db = new Database(file);
    setUp(db);
    return db;
  };
  let db = open();
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const rows = Array.from({ length: 40_000 }, () => randomBytes(700).toString('base64'));
  const w0 = process.cpuUsage();
  db.transaction(() => {
    for (const v of rows) insert.run(v);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  const w = process.cpuUsage(w0);
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.close();
  const reads: number[] = [];
  for (let i = 0; i < 3; i++) {
    db = open();
    const r0 = process.cpuUsage();
    db.prepare('SELECT sum(length(v)) FROM t').get();
    const r = process.cpuUsage(r0);
    reads.push((r.user + r.system) / pages);
    db.close();
  }
  return { read: Math.min(...reads), write: (w.user + w.system) / pages };
}

/**
 * The page costs of the store's own cipher set-up (store/db.ts applyCipher: SQLCipher 4), of no cipher,
 * and of sqlite3mc's AEGIS (authenticated encryption on AES instructions; not used, for comparison), each
 * on a new file in `dir`.
 */
export function cipherPageCosts(dir: string): { sqlcipher: PageCosts; plain: PageCosts; aegis: PageCosts } {
  const key = randomBytes(32);
  return {
    sqlcipher: pageCosts(join(dir, 'pages-sqlcipher.db'), (db) => applyCipher(db, key)),
    plain: pageCosts(join(dir, 'pages-plain.db'), () => undefined),
    aegis: pageCosts(join(dir, 'pages-aegis.db'), (db) => {
      db.pragma(`cipher='aegis'`);
      db.pragma(`key="x'${key.toString('hex')}'"`);
    }),
  };
}
