import { randomUUID, timingSafeEqual } from 'node:crypto';
import Decimal from 'decimal.js';
import type { CaseRecord } from '../../src-shared/case';
import type { StoredCheck } from '../../src-shared/checks';
import type { FourEyesPolicy, Proposal } from '../../src-shared/contract';
import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import { convert, type RateSource } from '../rules/fx';
import type { ReadableDB, WritableDB } from '../store/db';
import { deriveKey, type KdfParams } from '../vault/kdf';
import { DECIDABLE, writeDecision, type DecisionInput, type RecordedDecision } from './decide';
import { enqueue, queued } from '../store/outbox';
import { consumeApproverProof, type VerifiedApprover } from '../team/approver';
import { analyst as analystRecord } from '../team/roster';

// Four eyes: on a high-risk case one analyst proposes, a different analyst approves, and only then
// does the decision exist (and go to the outbox). The approver proves who they are with their own
// passphrase, checked against an Argon2id verifier; the audit trail names both.

/** Why this case needs a second analyst; empty when one is enough. Fails closed on an unknown value. */
export function fourEyesReasons(
  c: CaseRecord,
  checks: StoredCheck<unknown>[],
  policy: FourEyesPolicy,
  rates: RateSource,
): string[] {
  const why: string[] = [];
  if (policy.riskScoreAtLeast !== null && (c.aml?.riskScore ?? 0) >= policy.riskScoreAtLeast)
    why.push(`risk score ${c.aml?.riskScore} ≥ ${policy.riskScoreAtLeast}`);
  if (policy.onSanctionsHit) {
    const s = checks.find((k) => k.name === 'screening')?.outcome;
    if (s === 'potential_match' || s === 'true_match')
      why.push(s === 'true_match' ? 'a sanctions hit recorded as a true match' : 'a potential sanctions match');
  }
  if (policy.valueAtLeast) {
    const { amount, currency } = policy.valueAtLeast;
    if (!c.fiatValue) why.push(`no fiat value to compare with ${amount} ${currency}`);
    else {
      const v = convert(c.fiatValue.amount, c.fiatValue.currency, currency, c.transferTime, rates);
      if (!v.ok) why.push(`value ${c.fiatValue.amount} ${c.fiatValue.currency} cannot be converted to ${currency}`);
      else if (new Decimal(v.amount).gte(amount))
        why.push(`value ${new Decimal(v.amount).toFixed(2)} ${currency} ≥ ${amount} ${currency}`);
    }
  }
  return why;
}

const ANALYST_KDF = { memoryKiB: 19 * 1024, iterations: 2, parallelism: 1 } as const; // OWASP's first Argon2id setting: an approval, not a vault

export function listAnalysts(db: ReadableDB): string[] {
  return (db.prepare("SELECT name FROM analysts WHERE state = 'active' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/** A second analyst from before key slots: their Argon2id verifier (Workstation.checkApprover gives them a slot after). */
export async function verifyAnalyst(db: ReadableDB, name: string, passphrase: string): Promise<boolean> {
  const row = db.prepare('SELECT kdf, verifier FROM analysts WHERE name = ?').get(name) as
    { kdf: string; verifier: string } | undefined;
  // An unknown name costs the same derivation, so timing does not reveal which names exist.
  const kdf = row
    ? (JSON.parse(row.kdf) as KdfParams)
    : { algorithm: 'argon2id' as const, ...ANALYST_KDF, saltB64: Buffer.alloc(16).toString('base64') };
  const got = await deriveKey(passphrase, kdf);
  return row ? timingSafeEqual(got, Buffer.from(row.verifier, 'hex')) : false;
}

export function proposeDecision(db: WritableDB, d: DecisionInput, why: string[]): Proposal {
  return db.transaction(() => {
    const c = db.prepare('SELECT status, version FROM cases WHERE id = ?').get(d.caseId) as
      { status: string; version: number } | undefined;
    if (!c) throw new AppError('not_found', `No case ${d.caseId}.`);
    if (!DECIDABLE.has(c.status))
      throw new AppError('conflict', `Case ${d.caseId} is ${c.status.replace(/_/g, ' ')}: it cannot be decided now.`);
    if (openProposal(db, d.caseId))
      throw new AppError('conflict', `Case ${d.caseId} already has a decision waiting for a second analyst.`);
    const id = randomUUID();
    const at = d.at ?? new Date().toISOString();
    db.prepare(
      `INSERT INTO decision_proposals (id, case_id, kind, reason_codes, note, proposed_by, proposed_at, case_version, why) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      d.caseId,
      d.kind,
      JSON.stringify(d.reasonCodes),
      d.note ?? null,
      d.analyst,
      at,
      c.version,
      JSON.stringify(why),
    );
    appendAudit(db, {
      actor: d.analyst,
      action: 'decision.proposed',
      caseId: d.caseId,
      payload: {
        proposalId: id,
        kind: d.kind,
        reasonCodes: d.reasonCodes,
        why,
        ...(d.claimedBy ? { overClaimBy: d.claimedBy } : {}),
      },
      at,
    });
    // The proposal goes to the backend (connected mode), so a second analyst can approve it from their
    // own workstation; offline it waits in the outbox like a decision. Its id is its idempotency key.
    enqueue(db, {
      kind: 'proposal',
      caseId: d.caseId,
      key: id,
      baseVersion: c.version,
      payload: {
        kind: d.kind,
        reasonCodes: d.reasonCodes,
        note: d.note ?? null,
        proposedBy: d.analyst,
        proposedAt: at,
        caseVersion: c.version,
        why,
      },
      at,
      actor: d.analyst,
    });
    return proposalById(db, id)!;
  })();
}

/** Whether the backend holds this proposal: it came from the team feed, or was queued for it. */
export function backendKnows(db: ReadableDB, proposalId: string): boolean {
  return (
    queued(db, 'proposal', proposalId) ||
    !!db.prepare('SELECT 1 FROM decision_proposals WHERE id = ? AND from_backend = 1').get(proposalId)
  );
}

export function openProposal(db: ReadableDB, caseId: string): Proposal | null {
  const r = db
    .prepare("SELECT id FROM decision_proposals WHERE case_id = ? AND state = 'awaiting_approval'")
    .get(caseId) as { id: string } | undefined;
  return r ? proposalById(db, r.id) : null;
}

export function proposalsForCase(db: ReadableDB, caseId: string): Proposal[] {
  return (
    db.prepare('SELECT id FROM decision_proposals WHERE case_id = ? ORDER BY proposed_at').all(caseId) as {
      id: string;
    }[]
  ).map((r) => proposalById(db, r.id)!);
}

export function proposalById(db: ReadableDB, id: string): Proposal | null {
  const r = db.prepare('SELECT * FROM decision_proposals WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  if (!r) return null;
  return {
    id: r.id as string,
    caseId: r.case_id as string,
    kind: r.kind as Proposal['kind'],
    reasonCodes: JSON.parse(r.reason_codes as string) as string[],
    note: (r.note as string | null) ?? null,
    proposedBy: r.proposed_by as string,
    proposedAt: r.proposed_at as string,
    caseVersion: r.case_version as number,
    why: JSON.parse(r.why as string) as string[],
    state: r.state as Proposal['state'],
    reviewedBy: (r.reviewed_by as string | null) ?? null,
    reviewedAt: (r.reviewed_at as string | null) ?? null,
    reviewNote: (r.review_note as string | null) ?? null,
  };
}

/**
 * The second analyst's verdict, whoever calls it. The four-eyes rules are checked here:
 * - the approver proved who they are with their own passphrase just now (a VerifiedApprover, issued
 *   by Workstation.checkApprover after the throttled check, spent here);
 * - they are an active analyst, and not the proposer;
 * - they were enrolled before the proposal was made, and not by the proposer (so one person cannot
 *   enrol a second identity and approve their own proposal with it).
 * Approval records the decision (and queues it) in the same transaction.
 */
export function reviewProposal(
  db: WritableDB,
  r: { proposalId: string; approver: VerifiedApprover; approve: boolean; note?: string | null; at?: string },
): RecordedDecision | null {
  const approver = consumeApproverProof(r.approver);
  return db.transaction(() => {
    const p = proposalById(db, r.proposalId);
    if (!p) throw new AppError('not_found', `No proposal ${r.proposalId}.`);
    if (p.state !== 'awaiting_approval')
      throw new AppError('conflict', `That proposal was ${p.state.replace(/_/g, ' ')} already.`);
    if (p.proposedBy === approver)
      throw new AppError('forbidden', 'Four eyes: the analyst who proposed a decision cannot approve it.');
    const who = analystRecord(db, approver);
    if (!who || who.state !== 'active')
      throw new AppError('forbidden', `Four eyes: ${approver} is not an active analyst of this workstation.`);
    if (!(who.enrolledAt < p.proposedAt))
      throw new AppError(
        'forbidden',
        `Four eyes: ${approver} was enrolled after the proposal was made (${who.enrolledAt} ≥ ${p.proposedAt}), so cannot approve it.`,
      );
    if (who.enrolledBy === p.proposedBy)
      throw new AppError(
        'forbidden',
        `Four eyes: ${approver} was enrolled by ${p.proposedBy}, who proposed this decision; another analyst must approve it.`,
      );
    const at = r.at ?? new Date().toISOString();
    const version = (
      db.prepare('SELECT version FROM cases WHERE id = ?').get(p.caseId) as { version: number } | undefined
    )?.version;
    if (r.approve && version !== p.caseVersion)
      throw new AppError(
        'conflict',
        `The case changed (version ${p.caseVersion} → ${version}) since the proposal: decline it and decide again.`,
      );
    let decision: RecordedDecision | null = null;
    if (r.approve) {
      decision = writeDecision(db, {
        caseId: p.caseId,
        kind: p.kind,
        reasonCodes: p.reasonCodes,
        note: p.note,
        analyst: p.proposedBy,
        approvedBy: approver,
        at,
        skipFourEyesCheck: true,
        // The backend checks the pair against the proposal it holds (one queued before this).
        proposalId: backendKnows(db, p.id) ? p.id : null,
      });
    } else if (backendKnows(db, p.id)) {
      enqueue(db, {
        kind: 'decline',
        caseId: p.caseId,
        key: randomUUID(),
        baseVersion: p.caseVersion,
        payload: { proposalId: p.id, note: r.note ?? null, reviewedAt: at },
        at,
        actor: approver,
      });
    }
    db.prepare(
      'UPDATE decision_proposals SET state = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?, decision_id = ? WHERE id = ?',
    ).run(r.approve ? 'approved' : 'declined', approver, at, r.note ?? null, decision?.id ?? null, p.id);
    appendAudit(db, {
      actor: approver,
      action: r.approve ? 'decision.approved' : 'decision.declined',
      caseId: p.caseId,
      payload: { proposalId: p.id, decisionId: decision?.id ?? null, proposedBy: p.proposedBy },
      at,
    });
    return decision;
  })();
}
