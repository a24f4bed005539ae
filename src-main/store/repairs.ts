import type { CaseRecord } from '../../src-shared/case';
import type { ReadableDB, WritableDB } from './db';

// A case's IVMS101 versions (issue 18, 9): the record as received and each repair an analyst made
// from the counterparty's answer. Rows are never changed (a trigger refuses UPDATE). The case row
// keeps the backend's record; a repair not yet taken by the backend is laid over it here, so the
// checks and the case screen read what the analyst repaired while it waits in the outbox. It sits in
// store/ because checks/ (which reads the overlay) and cases/ (which writes repairs) both need it.

export interface Ivms101VersionRow {
  n: number;
  kind: 'received' | 'repair';
  repairId: string | null;
  ivms101: Record<string, unknown>;
  /** What changed against the version before, by JSON Pointer; an absent side is a field added or removed. */
  changes: { path: string; before?: unknown; after?: unknown }[];
  note: string | null;
  analyst: string;
  caseVersion: number;
  createdAt: string;
  /** A repair's delivery to the backend (its outbox entry); null for a received version. */
  syncState: 'pending' | 'acked' | 'conflict' | 'rejected' | null;
  syncError: string | null;
}

type Raw = {
  n: number;
  kind: 'received' | 'repair';
  repair_id: string | null;
  ivms101: string;
  changes: string;
  note: string | null;
  analyst: string;
  case_version: number;
  created_at: string;
  state: Ivms101VersionRow['syncState'];
  last_error: string | null;
};

/** Every version of a case's IVMS101 record, oldest first. */
export function ivms101Versions(db: ReadableDB, caseId: string): Ivms101VersionRow[] {
  return (
    db
      .prepare(
        `SELECT v.n, v.kind, v.repair_id, v.ivms101, v.changes, v.note, v.analyst, v.case_version, v.created_at, o.state, o.last_error
         FROM ivms101_versions v LEFT JOIN outbox o ON o.idempotency_key = v.repair_id
         WHERE v.case_id = ? ORDER BY v.n`,
      )
      .all(caseId) as Raw[]
  ).map((r) => ({
    n: r.n,
    kind: r.kind,
    repairId: r.repair_id,
    ivms101: JSON.parse(r.ivms101) as Record<string, unknown>,
    changes: JSON.parse(r.changes) as Ivms101VersionRow['changes'],
    note: r.note,
    analyst: r.analyst,
    caseVersion: r.case_version,
    createdAt: r.created_at,
    syncState: r.kind === 'repair' ? (r.state ?? 'pending') : null,
    syncError: r.kind === 'repair' && r.state !== 'pending' ? r.last_error : null,
  }));
}

// Prepared once per connection: the intake asks for every case it checks (a case with no versions
// costs one index probe).
const pendingStatements = new WeakMap<ReadableDB, ReturnType<ReadableDB['prepare']>>();

/** The newest repair still waiting for the backend, or null. */
export function pendingRepair(db: ReadableDB, caseId: string): { n: number; ivms101: Record<string, unknown> } | null {
  let stmt = pendingStatements.get(db);
  if (!stmt) {
    stmt = db.prepare(
      `SELECT v.n, v.ivms101 FROM ivms101_versions v JOIN outbox o ON o.idempotency_key = v.repair_id
       WHERE v.case_id = ? AND v.kind = 'repair' AND o.state = 'pending' ORDER BY v.n DESC LIMIT 1`,
    );
    pendingStatements.set(db, stmt);
  }
  const r = stmt.get(caseId) as { n: number; ivms101: string } | undefined;
  return r ? { n: r.n, ivms101: JSON.parse(r.ivms101) as Record<string, unknown> } : null;
}

/** The case as the analyst works on it: the backend's record with a repair still in the outbox laid over it. */
export function withPendingRepair(db: ReadableDB, c: CaseRecord): CaseRecord {
  const p = pendingRepair(db, c.id);
  return p ? { ...c, ivms101: p.ivms101 } : c;
}

/** Appends a version; n must be the next number (the UNIQUE (case_id, n) refuses a race). */
export function appendIvms101Version(
  db: WritableDB,
  v: {
    caseId: string;
    n: number;
    kind: 'received' | 'repair';
    repairId: string | null;
    ivms101: Record<string, unknown>;
    changes: Ivms101VersionRow['changes'];
    note: string | null;
    analyst: string;
    caseVersion: number;
    at: string;
  },
): void {
  db.prepare(
    `INSERT INTO ivms101_versions (case_id, n, kind, repair_id, ivms101, changes, note, analyst, case_version, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    v.caseId,
    v.n,
    v.kind,
    v.repairId,
    JSON.stringify(v.ivms101),
    JSON.stringify(v.changes),
    v.note,
    v.analyst,
    v.caseVersion,
    v.at,
  );
}
