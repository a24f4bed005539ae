import Database from 'better-sqlite3-multiple-ciphers';
import type { CaseRecord } from '../src-shared/case';

// The reference backend's own database (plain SQLite: it is a demo and test peer, not a vault).
// Every change to a case gets the next sequence number; the changes feed reads by that cursor.

export type BackendDB = Database.Database;

export function openBackendDb(file = ':memory:'): BackendDB {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS cases (
      id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL UNIQUE,
      version INTEGER NOT NULL,
      status TEXT NOT NULL,
      data TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS feed_extra (seq INTEGER PRIMARY KEY, raw TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS decisions (
      idempotency_key TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      analyst TEXT,
      body TEXT NOT NULL,
      status INTEGER NOT NULL,
      response TEXT NOT NULL,
      at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS counterparty_responses (
      idempotency_key TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      body TEXT NOT NULL,
      status INTEGER NOT NULL,
      response TEXT NOT NULL,
      at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ivms101_repairs (
      idempotency_key TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      body TEXT NOT NULL,
      status INTEGER NOT NULL,
      response TEXT NOT NULL,
      at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `);
  return db;
}

export function nextSeq(db: BackendDB): number {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'seq'").get() as { value: string } | undefined;
  const next = Number(row?.value ?? 0) + 1;
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq', ?)").run(String(next));
  return next;
}

export function currentSeq(db: BackendDB): number {
  return Number(
    (db.prepare("SELECT value FROM meta WHERE key = 'seq'").get() as { value: string } | undefined)?.value ?? 0,
  );
}

export function putCase(db: BackendDB, c: CaseRecord): CaseRecord {
  const seq = nextSeq(db);
  db.prepare('INSERT OR REPLACE INTO cases (id, seq, version, status, data) VALUES (?, ?, ?, ?, ?)').run(
    c.id,
    seq,
    c.version,
    c.status,
    JSON.stringify(c),
  );
  return c;
}

export function getCase(db: BackendDB, id: string): CaseRecord | null {
  const r = db.prepare('SELECT data FROM cases WHERE id = ?').get(id) as { data: string } | undefined;
  return r ? (JSON.parse(r.data) as CaseRecord) : null;
}

/** A new version of a case: version + 1, new updatedAt, next sequence number. */
export function updateCase(
  db: BackendDB,
  id: string,
  patch: Partial<CaseRecord>,
  at = new Date().toISOString(),
): CaseRecord {
  const c = getCase(db, id);
  if (!c) throw new Error(`no case ${id}`);
  return putCase(db, { ...c, ...patch, version: c.version + 1, updatedAt: at });
}

/** One page of the feed: each item its cursor and raw JSON text (the feed can carry what tests inject). */
export function changesAfter(db: BackendDB, after: number, limit: number): { cursor: number; raw: string }[] {
  return db
    .prepare(
      `SELECT seq AS cursor, data AS raw FROM cases WHERE seq > @after
       UNION ALL SELECT seq AS cursor, raw FROM feed_extra WHERE seq > @after
       ORDER BY cursor LIMIT @limit`,
    )
    .all({ after, limit }) as { cursor: number; raw: string }[];
}
