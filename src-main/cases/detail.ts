import type { CaseDetail, ConflictView, DecisionView, TimelineEvent } from '../../src-shared/contract';
import { AppError } from '../../src-shared/result';
import { auditForCase } from '../audit/chain';
import type { RateSource } from '../rules/fx';
import { legalHold } from '../retention/holds';
import { getCaseRecord } from '../store/cases';
import { checksForCase, supersededChecks } from '../store/checks';
import type { ReadableDB } from '../store/db';
import type { FourEyesPolicy } from '../../src-shared/contract';
import { caseMail } from '../mail/views';
import { DECIDABLE } from './decide';
import { fourEyesReasons, openProposal, proposalsForCase } from './four-eyes';
import { notesForCase } from './notes';
import { ivms101Versions, withPendingRepair } from '../store/repairs';

/** Everything the case review screen shows, read in one go. */
export function caseDetail(db: ReadableDB, id: string, o: { policy: FourEyesPolicy; rates: RateSource }): CaseDetail {
  const stored = getCaseRecord(db, id);
  if (!stored) throw new AppError('not_found', `No case ${id} in this workstation.`);
  // A repair waiting for the backend is shown as the record; every version stays in ivms101Versions.
  const record = withPendingRepair(db, stored);
  const checks = checksForCase(db, id);
  const decisions = (
    db
      .prepare(
        `SELECT d.id, d.kind, d.reason_codes, d.note, d.analyst, d.approved_by, d.case_version, d.decided_at, d.sync_state, o.last_error
         FROM decisions d LEFT JOIN outbox o ON o.idempotency_key = d.id WHERE d.case_id = ? ORDER BY d.decided_at, d.rowid`,
      )
      .all(id) as Record<string, unknown>[]
  ).map((d): DecisionView => ({
    id: d.id as string,
    kind: d.kind as DecisionView['kind'],
    reasonCodes: JSON.parse(d.reason_codes as string) as string[],
    note: (d.note as string | null) ?? null,
    analyst: d.analyst as string,
    approvedBy: (d.approved_by as string | null) ?? null,
    caseVersion: d.case_version as number,
    decidedAt: d.decided_at as string,
    syncState: d.sync_state as DecisionView['syncState'],
    syncError: d.sync_state === 'pending' ? null : ((d.last_error as string | null) ?? null),
  }));
  const conflicts = (
    db.prepare('SELECT * FROM conflicts WHERE case_id = ? ORDER BY id').all(id) as Record<string, unknown>[]
  ).map((c): ConflictView => {
    const theirs = JSON.parse(c.theirs as string) as { status?: string; version?: number } | null;
    const ours = JSON.parse(c.ours as string) as Record<string, unknown>;
    return {
      id: c.id as number,
      // A repair's entry carries its own shape: shown as what it is, with its why.
      ours:
        'repairId' in ours
          ? {
              kind: 'ivms101_repair',
              reasonCodes: [],
              note: (ours.note as string | undefined) ?? null,
              analyst: String(ours.analyst ?? ''),
              decidedAt: String(ours.repairedAt ?? ''),
            }
          : (ours as unknown as ConflictView['ours']),
      theirs: theirs
        ? {
            ...(theirs.status ? { status: theirs.status } : {}),
            ...(theirs.version ? { version: theirs.version } : {}),
          }
        : null,
      detectedAt: c.detected_at as string,
      resolvedAt: (c.resolved_at as string | null) ?? null,
      resolution: (c.resolution as string | null) ?? null,
    };
  });
  const timeline = auditForCase(db, id).map((e): TimelineEvent => ({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    details: e.payload ? (JSON.parse(e.payload) as Record<string, unknown>) : null,
  }));
  const hold = legalHold(db, id);
  const assignedTo = (
    db.prepare('SELECT assigned_to FROM cases WHERE id = ?').get(id) as { assigned_to: string | null }
  ).assigned_to;
  const proposal = openProposal(db, id);
  const waiting = decisions.find((d) => d.syncState === 'pending');
  const unresolved = conflicts.find((c) => !c.resolvedAt);
  const decidable = !DECIDABLE.has(record.status)
    ? { ok: false, reason: `The case is ${record.status.replace(/_/g, ' ')}.` }
    : proposal
      ? {
          ok: false,
          reason: `A proposal to ${proposal.kind.replace(/_/g, ' ')} by ${proposal.proposedBy} awaits a second analyst.`,
        }
      : waiting
        ? { ok: false, reason: 'A decision is waiting to sync with the backend.' }
        : unresolved
          ? { ok: false, reason: 'Resolve the sync conflict first.' }
          : { ok: true, reason: null };
  return {
    record,
    checks,
    decisions,
    proposals: proposalsForCase(db, id),
    conflicts,
    timeline,
    legalHold: hold ? { reason: hold.reason, setBy: hold.setBy, setAt: hold.setAt } : null,
    assignedTo,
    fourEyes: fourEyesReasons(record, checks, o.policy, o.rates),
    decidable,
    mail: caseMail(db, id),
    ivms101Versions: ivms101Versions(db, id),
    supersededChecks: supersededChecks(db, id).map(
      ({ name, n, outcome, summary, engineVersion, computedAt, supersededAt }) => ({
        name,
        n,
        outcome,
        summary,
        engineVersion,
        computedAt,
        supersededAt,
      }),
    ),
    notes: notesForCase(db, id).map(({ caseId: _c, ...n }) => n),
  };
}
