import type { ReadableDB, WritableDB } from './db';

// The outbox: what this workstation owes the backend (decisions, counterparties' answers), written in
// the same transaction as the change it reports (decisions, answers, IVMS101 repairs), then delivered at least once by the sync engine with
// its idempotency key. This module is its only writer; a decision's sync state follows its entry.
// It lives in store/, below both cases/ (which queues) and sync/ (which delivers), so neither folder
// imports the other's way round (sync/ imports cases/intake.ts).

export type OutboxKind =
  'decision' | 'counterparty_response' | 'proposal' | 'decline' | 'assignment' | 'revocation' | 'ivms101_repair';

export interface OutboxEntry {
  id: number;
  kind: OutboxKind;
  /** Null only for a revocation (it concerns an analyst, not a case). */
  caseId: string | null;
  /** The analyst whose own backend credential sends it; null for rows from before per-analyst credentials. */
  actor: string | null;
  /** The idempotency key; for a decision, the decision's id. */
  key: string;
  /** The case version the analyst saw (If-Match). */
  baseVersion: number;
  /** The JSON body, as queued. */
  payload: string;
  attempts: number;
}

/** Queues an entry, due at once. Call in the transaction of the change it reports. */
export function enqueue(
  db: WritableDB,
  e: {
    kind: OutboxKind;
    caseId: string | null;
    key: string;
    baseVersion: number;
    payload: unknown;
    at: string;
    /** Who did it: the entry is sent with their own backend credential. */
    actor: string;
  },
): number {
  const r = db
    .prepare(
      'INSERT INTO outbox (kind, case_id, idempotency_key, base_version, payload, next_attempt_at, created_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(e.kind, e.caseId, e.key, e.baseVersion, JSON.stringify(e.payload), e.at, e.at, e.actor);
  return Number(r.lastInsertRowid);
}

/**
 * The oldest entry due by `now` that has no older pending entry for its case, or null. A case's
 * entries leave in the order they were made (a proposal before its approval), whatever their backoff.
 */
export function next(db: ReadableDB, now: string): OutboxEntry | null {
  return (
    (db
      .prepare(
        `SELECT id, kind, case_id AS caseId, actor, idempotency_key AS key, base_version AS baseVersion, payload, attempts
         FROM outbox o WHERE state = 'pending' AND next_attempt_at <= ?
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state = 'pending' AND p.case_id = o.case_id AND p.id < o.id)
         ORDER BY id LIMIT 1`,
      )
      .get(now) as OutboxEntry | undefined) ?? null
  );
}

/** Whether an entry with this idempotency key was queued and not refused (a proposal the backend will know). */
export function queued(db: ReadableDB, kind: OutboxKind, key: string): boolean {
  return !!db
    .prepare("SELECT 1 FROM outbox WHERE kind = ? AND idempotency_key = ? AND state IN ('pending', 'acked')")
    .get(kind, key);
}

function settleDecision(db: WritableDB, e: OutboxEntry, state: 'acked' | 'conflict' | 'rejected'): void {
  if (e.kind === 'decision') db.prepare('UPDATE decisions SET sync_state = ? WHERE id = ?').run(state, e.key);
}

/**
 * The backend took it. `caseVersion` is the version of the case the backend answered with: when our
 * own repair made exactly the next version, what the analyst queued after it on the same case was
 * decided on the repaired record, which is that version, so its If-Match moves with it.
 */
export function ack(db: WritableDB, e: OutboxEntry, at: string, caseVersion?: number): void {
  db.prepare(
    "UPDATE outbox SET state = 'acked', acked_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
  ).run(at, e.id);
  settleDecision(db, e, 'acked');
  if (e.kind === 'ivms101_repair' && caseVersion === e.baseVersion + 1)
    db.prepare(
      "UPDATE outbox SET base_version = ? WHERE case_id = ? AND state = 'pending' AND id > ? AND base_version = ?",
    ).run(caseVersion, e.caseId, e.id, e.baseVersion);
}

/** Someone else changed the case first: the entry stops, and a conflict keeps both sides for the analyst. */
export function conflict(db: WritableDB, e: OutboxEntry & { caseId: string }, theirs: unknown, at: string): void {
  db.prepare("UPDATE outbox SET state = 'conflict', attempts = attempts + 1, last_error = ? WHERE id = ?").run(
    e.kind === 'ivms101_repair' ? 'the record changed at the backend before this repair' : 'someone else decided first',
    e.id,
  );
  settleDecision(db, e, 'conflict');
  db.prepare('INSERT INTO conflicts (case_id, outbox_id, ours, theirs, detected_at) VALUES (?, ?, ?, ?, ?)').run(
    e.caseId,
    e.id,
    e.payload,
    JSON.stringify(theirs ?? null),
    at,
  );
}

/** The backend refused it for good (a 4xx other than 409): kept with the backend's reason. */
export function reject(db: WritableDB, e: OutboxEntry, reason: string): void {
  db.prepare("UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_error = ? WHERE id = ?").run(
    reason.slice(0, 500),
    e.id,
  );
  settleDecision(db, e, 'rejected');
}

/** Not delivered this time (offline, 5xx): try again at `nextAt`. */
export function retryLater(db: WritableDB, e: Pick<OutboxEntry, 'id'>, error: string, nextAt: string): void {
  db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?').run(
    error.slice(0, 200),
    nextAt,
    e.id,
  );
}

/** Everything pending is due now (after an explicit "retry" or coming back online). */
export function retryAllNow(db: WritableDB): void {
  db.prepare("UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending'").run(new Date(0).toISOString());
}

/** How many entries wait to be delivered. */
export function depth(db: ReadableDB): number {
  return (db.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'pending'").get() as { n: number }).n;
}
