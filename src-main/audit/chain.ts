import { createHash } from 'node:crypto';
import type { AuditVerification } from '../../src-shared/contract';
import { cached, type ReadableDB, type WritableDB } from '../store/db';
import { canonicalJson } from './canonical-json';

// Each event's hash covers the previous hash and the canonical JSON of its own header
// (seq, actor, action, case, time, payload digest). The payload itself is covered through its
// digest, so retention can later remove personal data from a payload without breaking the chain.

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  actor: string;
  action: string;
  caseId?: string | null;
  payload?: unknown;
  at?: string;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  caseId: string | null;
  payload: string | null;
  payloadDigest: string;
  prevHash: string;
  hash: string;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export function eventHash(
  prevHash: string,
  e: Pick<AuditEvent, 'seq' | 'actor' | 'action' | 'caseId' | 'at' | 'payloadDigest'>,
): string {
  const header = canonicalJson({
    seq: e.seq,
    actor: e.actor,
    action: e.action,
    caseId: e.caseId,
    at: e.at,
    payloadDigest: e.payloadDigest,
  });
  return sha256(`${prevHash}\n${header}`);
}

/** Events appended inside `auditBatch`, not yet written, and the chain's head after them. */
interface PendingEvents {
  seq: number;
  hash: string;
  events: AuditEvent[];
}
const pending = new WeakMap<WritableDB, PendingEvents>();

const INSERT_EVENT = `INSERT INTO audit_events (seq, at, actor, action, case_id, payload, payload_digest, prev_hash, hash)
  VALUES (@seq, @at, @actor, @action, @caseId, @payload, @payloadDigest, @prevHash, @hash)`;

/** Appends one event. Call inside the transaction that makes the change it records. */
export function appendAudit(db: WritableDB, input: AuditInput): AuditEvent {
  const batch = pending.get(db);
  const last = batch ?? chainHead(db);
  const payload = canonicalJson(input.payload ?? null);
  const e = {
    seq: last.seq + 1,
    at: input.at ?? new Date().toISOString(),
    actor: input.actor,
    action: input.action,
    caseId: input.caseId ?? null,
    payload,
    payloadDigest: sha256(payload),
    prevHash: last.hash,
  };
  const event = { ...e, hash: eventHash(e.prevHash, e) };
  if (batch) {
    batch.events.push(event);
    batch.seq = event.seq;
    batch.hash = event.hash;
  } else cached(db, INSERT_EVENT).run(event);
  return event;
}

function chainHead(db: ReadableDB): { seq: number; hash: string } {
  const last = cached(db, 'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: string } | undefined;
  return last ?? { seq: 0, hash: GENESIS_HASH };
}

/**
 * Runs `work` (inside the caller's transaction) with its audit events chained in memory: the head is
 * read once, each event's hash computed from the one before as appendAudit always does, and the
 * events written in bulk when `work` returns, in the same transaction and in the same order, so the
 * chain is exactly the one single appends would have written. If `work` throws, nothing is written.
 * Nothing inside `work` may read audit_events: its own events are not there yet.
 */
export function auditBatch<T>(db: WritableDB, work: () => T): T {
  if (pending.has(db)) return work();
  const head = chainHead(db);
  const batch: PendingEvents = { seq: head.seq, hash: head.hash, events: [] };
  pending.set(db, batch);
  let result: T;
  try {
    result = work();
  } finally {
    pending.delete(db);
  }
  // One prepared statement, a row per event, bound exactly as a single append binds it.
  const insert = cached(db, INSERT_EVENT);
  for (const event of batch.events) insert.run(event);
  return result;
}

/** Walks the whole chain and names the first event that does not check out. */
export function verifyAudit(db: ReadableDB): AuditVerification {
  const rows = db
    .prepare(
      'SELECT seq, at, actor, action, case_id AS caseId, payload, payload_digest AS payloadDigest, prev_hash AS prevHash, hash FROM audit_events ORDER BY seq',
    )
    .iterate() as IterableIterator<AuditEvent>;
  let expectedSeq = 1;
  let prev = GENESIS_HASH;
  let count = 0;
  for (const e of rows) {
    count++;
    const broken = (reason: string): AuditVerification => ({
      ok: false,
      events: count,
      firstBroken: { seq: e.seq, reason },
    });
    if (e.seq !== expectedSeq)
      return broken(`sequence gap: expected event ${expectedSeq}, found ${e.seq} (events were removed)`);
    if (e.prevHash !== prev) return broken('its link to the previous event does not match');
    if (e.payload !== null && sha256(e.payload) !== e.payloadDigest)
      return broken('its payload does not match its recorded digest');
    if (eventHash(prev, e) !== e.hash)
      return broken('its content does not match its hash (actor, action, case, time or digest was changed)');
    prev = e.hash;
    expectedSeq++;
  }
  return { ok: true, events: count, firstBroken: null };
}

export function auditForCase(db: ReadableDB, caseId: string): AuditEvent[] {
  return db
    .prepare(
      'SELECT seq, at, actor, action, case_id AS caseId, payload, payload_digest AS payloadDigest, prev_hash AS prevHash, hash FROM audit_events WHERE case_id = ? ORDER BY seq',
    )
    .all(caseId) as AuditEvent[];
}
