import type { z } from 'zod';
import { caseRecordSchema, type CaseRecord } from '../../src-shared/case';
import { appendAudit } from '../audit/chain';
import {
  finishChecks,
  outcomesOf,
  prepareChecks,
  saveCaseChecks,
  type CheckContext,
  type DigestedCheck,
  type PreparedChecks,
} from '../checks/run';
import { parseJsonBounded } from '../input/limits';
import { displayNames } from '../ivms101/display-names';
import { readIvms101Shared, sharingIvms101Reads } from '../ivms101/engine';
import { caseHead, quarantine, storedDifferences, upsertCase, type CaseNames } from '../store/cases';
import type { WritableDB } from '../store/db';
import { pendingRepair } from '../store/repairs';

// The one door a case comes in by: a JSON Lines import, the backend's changes feed and the case a
// push answers with all pass the same rules, and what follows (store, check, audit) happens here
// once, in the caller's transaction. A case refused is quarantined with its reason; the rest go on.

/** Strictly the contract's case: an unknown field is a sign of a producer we do not understand. */
const strictCase = caseRecordSchema.strict();

// Where a status sits in the lifecycle; a change to a lower rank is a case moving backwards.
const RANK: Record<string, number> = {
  pending_review: 1,
  escalated: 2,
  needs_information: 2,
  accepted: 3,
  rejected: 3,
  awaiting_counterparty: 4,
  awaiting_email_reply: 4,
  counterparty_approved: 5,
  counterparty_rejected: 5,
  awaiting_tx_hash: 6,
  completed: 7,
  expired: 7,
  canceled: 7,
};
/** The one way back that is part of the flow: a repaired deposit returns to review. */
const ALLOWED_BACK = new Set(['needs_information>pending_review', 'escalated>pending_review']);

/** Names the field and the rule, never the value: the value may be personal data. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(record)'}: ${i.message}`)
    .join('; ');
}

/** A case as it arrived: its text (kept in quarantine if refused), and its value when the transport parsed it. */
export type RawCase = { text: string } | { text: string; value: unknown } | { text: string; error: string };

/** Where a case came from: names the quarantine source, the place within it, and who the audit trail says acted. */
export interface IntakeSource {
  /** `import:<file>` or `sync`. Also the `source` of the audit event. */
  name: string;
  /** e.g. `line 12`, `cursor 40 (page after 20, line 3)`, `push answer for case X`. */
  location: string;
  actor: string;
  /** The backend a synced case came from (its identity and address): recorded on the case's arrival. */
  origin?: { backendId: string; host: string };
}

export interface IntakeContext {
  checks: CheckContext;
  at: string;
}

export type Admission =
  | { outcome: 'inserted' | 'updated'; record: CaseRecord }
  /** The same or an older version, identical where it is the same: a replay, nothing changes. */
  | { outcome: 'unchanged' | 'purged'; record: CaseRecord }
  | { outcome: 'quarantined'; reason: string };

/**
 * A case read as far as reading needs no database: the record, or why it is refused. `ivms101Text`: the
 * record's IVMS101 payload as JSON.stringify writes it, when a worker thread sent it as text (intake-pool.ts).
 */
export type ReadCase =
  | { ok: true; record: CaseRecord; names: CaseNames; checks?: PreparedChecks; ivms101Text?: string }
  | { ok: false; reason: string };

/**
 * The pure stage of the intake: parse (depth-bounded), the strict contract, the IVMS101 reading and
 * the parties' display names; with `ctx`, also every check's database-free part (checks/run.ts
 * prepareChecks). No database: the intake's worker threads run it (cases/intake-pool.ts).
 */
export function readCase(raw: RawCase, today: string | undefined, ctx?: CheckContext): ReadCase {
  if ('error' in raw) return { ok: false, reason: raw.error };
  let value: unknown;
  if ('value' in raw) value = raw.value;
  else {
    // Depth is checked before JSON.parse: a deeply nested text never reaches a recursive walker.
    const parsed = parseJsonBounded(raw.text);
    if (!parsed.ok) return { ok: false, reason: parsed.reason };
    value = parsed.value;
  }
  const parsed = strictCase.safeParse(value);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
  const c = parsed.data;
  // Read with the checks' today, so the IVMS101 check and screening reuse this reading.
  const read = readIvms101Shared(c.ivms101, today ? { today } : {});
  if (!read.ok) return { ok: false, reason: `ivms101: ${read.reason}` };
  const names = displayNames(c.ivms101);
  return ctx ? { ok: true, record: c, names, checks: prepareChecks(c, ctx) } : { ok: true, record: c, names };
}

/** The rules that need the stored case: no move backwards in the lifecycle, one content per (id, version). */
function judgeStored(
  db: WritableDB,
  c: CaseRecord,
  names: CaseNames,
): { ok: true; stored: { version: number } | null } | { ok: false; reason: string } {
  const local = caseHead(db, c.id);
  if (
    local &&
    c.version > local.version &&
    (RANK[c.status] ?? 0) < (RANK[local.status] ?? 0) &&
    !ALLOWED_BACK.has(`${local.status}>${c.status}`)
  ) {
    return { ok: false, reason: `the case moves backwards in its lifecycle, from ${local.status} to ${c.status}` };
  }
  if (local && c.version === local.version) {
    // Issue 17: one (id, version) means one content. A second, different one is not a replay: keep
    // the first, refuse the second by name (fields only, never values) so nobody mistakes it for one.
    const differs = storedDifferences(db, c, names);
    if (differs.length)
      return {
        ok: false,
        reason: `conflict: version ${c.version} of case ${c.id} differs from the stored version ${c.version} (${differs.slice(0, 5).join(', ')}${differs.length > 5 ? ', …' : ''})`,
      };
  }
  return { ok: true, stored: local ? { version: local.version } : null };
}

/** The rules every case meets, whichever way it came: the case to store, or why it is refused. */
export function judgeCase(
  db: WritableDB,
  raw: RawCase,
  today?: string,
): { ok: true; record: CaseRecord; stored: { version: number } | null } | { ok: false; reason: string } {
  const read = readCase(raw, today);
  if (!read.ok) return read;
  const stored = judgeStored(db, read.record, read.names);
  return stored.ok ? { ok: true, record: read.record, stored: stored.stored } : stored;
}

/**
 * Admits one case: judge it, then store it by (id, version), run its checks and record its arrival
 * or change in the audit trail — or quarantine it with its reason. Call inside a transaction.
 */
export function admit(db: WritableDB, raw: RawCase, source: IntakeSource, ctx: IntakeContext): Admission {
  // The payload is read once for the rules, the IVMS101 check and screening together.
  return sharingIvms101Reads(() => admitRead(db, raw, readCase(raw, ctx.checks.today), source, ctx));
}

/**
 * The database stage of `admit`, for a case the pure stage read (here or on a worker thread, with
 * its checks prepared for `ctx.checks`): the stored-case rules, the write, the checks' dispositions
 * and the audit event — the same rows, byte for byte, as `admit`. Call inside a transaction.
 */
export function admitRead(
  db: WritableDB,
  raw: RawCase,
  read: ReadCase,
  source: IntakeSource,
  ctx: IntakeContext,
): Admission {
  const refuse = (reason: string): Admission => {
    quarantine(db, {
      source: source.name,
      location: source.location,
      reason,
      raw: raw.text.slice(0, 100_000),
      at: ctx.at,
    });
    return { outcome: 'quarantined', reason };
  };
  if (!read.ok) return refuse(read.reason);
  const verdict = judgeStored(db, read.record, read.names);
  if (!verdict.ok) return refuse(verdict.reason);
  const record = read.record;
  // Checks first, so the row is written once with its outcomes; a replay (same or older version) is
  // not checked at all, as before.
  const replay = verdict.stored !== null && verdict.stored.version >= record.version;
  const computed = replay ? null : checksOf(db, read, ctx.checks);
  const outcome = upsertCase(
    db,
    record,
    ctx.at,
    read.names,
    computed ? outcomesOf(computed) : undefined,
    verdict.stored,
    read.ivms101Text,
  );
  if (outcome === 'inserted' || outcome === 'updated') {
    saveCaseChecks(
      db,
      record.id,
      computed ?? checksOf(db, read, ctx.checks),
      ctx.at,
      computed !== null,
      outcome === 'inserted',
    );
    // Every transition is an audit event: the case's timeline starts with its arrival.
    appendAudit(db, {
      actor: source.actor,
      action: `case.${outcome === 'inserted' ? 'received' : 'updated'}`,
      caseId: record.id,
      payload: {
        source: source.name,
        version: record.version,
        status: record.status,
        ...(source.origin ? { backend: source.origin.host, backendId: source.origin.backendId } : {}),
      },
      at: ctx.at,
    });
  }
  return { outcome, record };
}

/** The checks of a read case: its prepared part when it has one and no repair is pending, finished here. */
function checksOf(db: WritableDB, read: ReadCase & { ok: true }, ctx: CheckContext): DigestedCheck[] {
  const { record } = read;
  // A repair still waiting for the backend is what the analyst works on: the checks read it too
  // (the worker could not know of it, so its prepared checks do not count then).
  const repair = pendingRepair(db, record.id);
  if (!repair && read.checks) return finishChecks(db, record.id, read.checks);
  const c = repair ? { ...record, ivms101: repair.ivms101 } : record;
  return finishChecks(db, record.id, prepareChecks(c, ctx));
}
