import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import type { FourEyesPolicy, Proposal } from '../../src-shared/contract';
import type { RateSource } from '../rules/fx';
import { getCaseRecord } from '../store/cases';
import { checksForCase } from '../store/checks';
import type { WritableDB } from '../store/db';
import { enqueue } from '../store/outbox';
import { fourEyesReasons, proposeDecision } from './four-eyes';

// A decision is recorded locally and queued for the backend in ONE transaction: the local record,
// the audit event and the outbox row exist together or not at all. Offline, it waits in the outbox.

export const DECISION_KINDS = ['accept', 'reject', 'request_information'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];
export const DECIDABLE = new Set(['pending_review', 'escalated', 'needs_information']);

export interface DecisionInput {
  caseId: string;
  kind: DecisionKind;
  reasonCodes: string[];
  note?: string | null;
  analyst: string;
  /** The second analyst, when four eyes applied. */
  approvedBy?: string | null;
  at?: string;
  /** Only reviewProposal sets this: it is the path by which a proposal becomes a decision. */
  skipFourEyesCheck?: boolean;
  /** The proposal this decision approves, when the backend knows it (reviewProposal sets it). */
  proposalId?: string | null;
  /** The analyst saw that someone else claimed the case and decides anyway (recorded in the audit trail). */
  overrideClaim?: boolean;
  /** Who had claimed the case when it was decided over their claim (decide sets it). */
  claimedBy?: string | null;
}

export interface RecordedDecision {
  id: string;
  caseId: string;
  kind: DecisionKind;
  caseVersion: number;
  outboxId: number;
}

/** What decides whether one analyst may decide alone: the four-eyes policy, and FX rates to value the case. */
export interface DecisionPolicy {
  fourEyes: FourEyesPolicy;
  rates: RateSource;
}

export type DecideOutcome =
  { kind: 'decision'; decision: RecordedDecision } | { kind: 'proposal'; proposal: Proposal; why: string[] };

/**
 * The way an analyst decides a case, whoever calls it (API, CLI, a script): on a case the policy
 * calls high-risk the decision waits as a proposal for a second analyst (cases.review), otherwise it
 * is recorded and queued. The caller cannot skip the policy nor name an approver.
 */
export function decide(
  db: WritableDB,
  input: Omit<DecisionInput, 'approvedBy' | 'skipFourEyesCheck' | 'proposalId' | 'claimedBy'>,
  policy: DecisionPolicy,
): DecideOutcome {
  const d: DecisionInput = { ...input, approvedBy: null, skipFourEyesCheck: false, proposalId: null };
  return db.transaction((): DecideOutcome => {
    const record = getCaseRecord(db, d.caseId);
    if (!record) throw new AppError('not_found', `No case ${d.caseId}.`);
    // A case someone else claimed (on any workstation, through the backend): say so before deciding
    // over their claim, and record that it was done knowingly.
    const claimedBy = claimant(db, d.caseId);
    if (claimedBy && claimedBy !== d.analyst) {
      if (!d.overrideClaim)
        throw new AppError(
          'conflict',
          `Case ${d.caseId} is claimed by ${claimedBy}. Decide anyway only if you have agreed it with them.`,
          { claimedBy },
        );
      d.claimedBy = claimedBy;
    }
    const why = fourEyesReasons(record, checksForCase(db, d.caseId), policy.fourEyes, policy.rates);
    // High risk: the decision waits for a second analyst and does not leave until approved.
    if (why.length) return { kind: 'proposal', proposal: proposeDecision(db, d, why), why };
    return { kind: 'decision', decision: recordDecision(db, d) };
  })();
}

/** Who claimed the case, or null. */
export function claimant(db: WritableDB, caseId: string): string | null {
  return (
    (db.prepare('SELECT assigned_to AS a FROM cases WHERE id = ?').get(caseId) as { a: string | null } | undefined)
      ?.a ?? null
  );
}

/**
 * Writes a decision the policy allows: `decide` (one analyst) or `reviewProposal` (on approval).
 * Exported for tests and tools that set up decided cases; an analyst's decision goes through `decide`.
 */
export function recordDecision(db: WritableDB, d: DecisionInput): RecordedDecision {
  // An approval is recorded only by reviewProposal, with the approver's proof: naming one is not enough.
  if (d.approvedBy || d.skipFourEyesCheck)
    throw new AppError(
      'forbidden',
      "Four eyes: a second analyst's approval is recorded only when they approve the proposal themselves.",
    );
  return writeDecision(db, d);
}

/** The decision's rows (decision, outbox, audit) in one transaction. Callers: recordDecision, and reviewProposal after the checks. */
export function writeDecision(db: WritableDB, d: DecisionInput): RecordedDecision {
  return db.transaction(() => {
    const c = db.prepare('SELECT status, version FROM cases WHERE id = ?').get(d.caseId) as
      { status: string; version: number } | undefined;
    if (!c) throw new AppError('not_found', `No case ${d.caseId}.`);
    if (!DECIDABLE.has(c.status))
      throw new AppError('conflict', `Case ${d.caseId} is ${c.status.replace(/_/g, ' ')}: it cannot be decided now.`);
    const open = db.prepare("SELECT id FROM decisions WHERE case_id = ? AND sync_state = 'pending'").get(d.caseId);
    if (open) throw new AppError('conflict', `Case ${d.caseId} already has a decision waiting to sync.`);
    if (
      !d.skipFourEyesCheck &&
      db.prepare("SELECT 1 FROM decision_proposals WHERE case_id = ? AND state = 'awaiting_approval'").get(d.caseId)
    ) {
      throw new AppError(
        'conflict',
        `Case ${d.caseId} has a decision waiting for a second analyst: approve or decline that first.`,
      );
    }
    const id = randomUUID();
    const at = d.at ?? new Date().toISOString();
    db.prepare(
      `INSERT INTO decisions (id, case_id, kind, reason_codes, note, analyst, case_version, decided_at, sync_state, approved_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
    ).run(
      id,
      d.caseId,
      d.kind,
      JSON.stringify(d.reasonCodes),
      d.note ?? null,
      d.analyst,
      c.version,
      at,
      d.approvedBy ?? null,
    );
    const payload = {
      kind: d.kind,
      reasonCodes: d.reasonCodes,
      note: d.note ?? null,
      decidedAt: at,
      analyst: d.analyst,
      ...(d.approvedBy ? { approvedBy: d.approvedBy } : {}),
      ...(d.proposalId ? { proposalId: d.proposalId } : {}),
    };
    // An approval leaves with the approver's own credential: the backend checks it is not the proposer's.
    const outboxId = enqueue(db, {
      kind: 'decision',
      caseId: d.caseId,
      key: id,
      baseVersion: c.version,
      payload,
      at,
      actor: d.approvedBy ?? d.analyst,
    });
    appendAudit(db, {
      actor: d.analyst,
      action: `decision.${d.kind}`,
      caseId: d.caseId,
      payload: {
        decisionId: id,
        reasonCodes: d.reasonCodes,
        caseVersion: c.version,
        approvedBy: d.approvedBy ?? null,
        ...(d.claimedBy ? { overClaimBy: d.claimedBy } : {}),
      },
      at,
    });
    return { id, caseId: d.caseId, kind: d.kind, caseVersion: c.version, outboxId };
  })();
}
