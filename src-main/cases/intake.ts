import type { z } from 'zod';
import { caseRecordSchema, type CaseRecord } from '../../src-shared/case';
import { appendAudit } from '../audit/chain';
import { computeCaseChecks, outcomesOf, saveCaseChecks, type CheckContext } from '../checks/run';
import { parseJsonBounded } from '../input/limits';
import { displayNames } from '../ivms101/display-names';
import { readIvms101Shared, sharingIvms101Reads } from '../ivms101/engine';
import { caseHead, quarantine, storedDifferences, upsertCase } from '../store/cases';
import type { WritableDB } from '../store/db';

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

/** The rules every case meets, whichever way it came: the case to store, or why it is refused. */
export function judgeCase(
  db: WritableDB,
  raw: RawCase,
  today?: string,
): { ok: true; record: CaseRecord; stored: { version: number } | null } | { ok: false; reason: string } {
  let head: { version: number } | null = null;
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
  const local = caseHead(db, c.id);
  head = local;
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
    const differs = storedDifferences(db, c, displayNames(c.ivms101));
    if (differs.length)
      return {
        ok: false,
        reason: `conflict: version ${c.version} of case ${c.id} differs from the stored version ${c.version} (${differs.slice(0, 5).join(', ')}${differs.length > 5 ? ', …' : ''})`,
      };
  }
  return { ok: true, record: c, stored: head };
}

/**
 * Admits one case: judge it, then store it by (id, version), run its checks and record its arrival
 * or change in the audit trail — or quarantine it with its reason. Call inside a transaction.
 */
export function admit(db: WritableDB, raw: RawCase, source: IntakeSource, ctx: IntakeContext): Admission {
  // The payload is read once for the rules, the IVMS101 check and screening together.
  return sharingIvms101Reads(() => admitOne(db, raw, source, ctx));
}

function admitOne(db: WritableDB, raw: RawCase, source: IntakeSource, ctx: IntakeContext): Admission {
  const verdict = judgeCase(db, raw, ctx.checks.today);
  if (!verdict.ok) {
    quarantine(db, {
      source: source.name,
      location: source.location,
      reason: verdict.reason,
      raw: raw.text.slice(0, 100_000),
      at: ctx.at,
    });
    return { outcome: 'quarantined', reason: verdict.reason };
  }
  const record = verdict.record;
  // Checks first, in memory, so the row is written once with its outcomes; a replay (same or older
  // version) is not checked at all, as before.
  const replay = verdict.stored !== null && verdict.stored.version >= record.version;
  const computed = replay ? null : computeCaseChecks(db, record, ctx.checks);
  const outcome = upsertCase(
    db,
    record,
    ctx.at,
    displayNames(record.ivms101),
    computed ? outcomesOf(computed) : undefined,
  );
  if (outcome === 'inserted' || outcome === 'updated') {
    saveCaseChecks(
      db,
      record.id,
      computed ?? computeCaseChecks(db, record, ctx.checks),
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
