import { randomUUID } from 'node:crypto';
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
    -- The team (issue 15 point 4): the backend is the source of truth for who the analysts are.
    -- A credential is kept as its SHA-256 only; removing an analyst revokes it.
    CREATE TABLE IF NOT EXISTS analysts (
      name TEXT PRIMARY KEY,
      role TEXT NOT NULL CHECK (role IN ('analyst', 'supervisor')),
      state TEXT NOT NULL CHECK (state IN ('active', 'removed')),
      credential_sha256 TEXT NOT NULL UNIQUE,
      enrolled_at TEXT NOT NULL,
      enrolled_by TEXT NOT NULL,
      removed_at TEXT,
      removed_by TEXT
    );
    CREATE TABLE IF NOT EXISTS proposals (
      id TEXT PRIMARY KEY,
      case_id TEXT NOT NULL,
      state TEXT NOT NULL,
      received_at TEXT NOT NULL,
      data TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS assignments (case_id TEXT PRIMARY KEY, assignee TEXT, by TEXT NOT NULL, at TEXT NOT NULL);
    -- Claims, proposals, reviews and roster changes, in order: the team feed reads by this cursor.
    CREATE TABLE IF NOT EXISTS team_events (cursor INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);
    -- Idempotent team writes: a replay with the same key returns the first answer.
    CREATE TABLE IF NOT EXISTS team_requests (idempotency_key TEXT PRIMARY KEY, status INTEGER NOT NULL, response TEXT NOT NULL);
  `);
  // Decisions record both names of a four-eyes pair (a file from before gets the columns).
  for (const col of ['approved_by TEXT', 'proposal_id TEXT']) {
    try {
      db.exec(`ALTER TABLE decisions ADD COLUMN ${col}`);
    } catch {
      // already there
    }
  }
  return db;
}

/**
 * This store's identity, made once and kept with its data: a workstation that sees a different one at
 * the same address knows its cursor belongs to another case store (issue 18 point 3).
 */
export function backendId(db: BackendDB): string {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'backend_id'").get() as { value: string } | undefined;
  if (row) return row.value;
  const id = randomUUID();
  db.prepare("INSERT INTO meta (key, value) VALUES ('backend_id', ?)").run(id);
  return id;
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
