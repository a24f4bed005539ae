import type { BulkAction, BulkItemResult } from '../../src-shared/contract';
import { AppError } from '../../src-shared/result';
import type { WritableDB } from '../store/db';
import { assignCase } from './assign';
import { decide, type DecisionPolicy } from './decide';
import { caseDetail } from './detail';

// Bulk actions from the queue's multi-select (issue 18 point 11). Nothing here decides anything that one
// case at a time would not: every case goes through the same gate (caseDetail's `decidable`), the same
// `decide` with its four-eyes policy, in its own transaction, so one refusal never undoes or stops the
// others. What bulk adds is a stricter rule for ACCEPT: the analyst has not opened each case, so a case
// is accepted in bulk only when every automatic check passed; anything else is refused, naming the check,
// and stays for a review of its own.

/** The automatic checks a case must have passed to be accepted without being opened, and what each must say. */
const ACCEPT_NEEDS: { check: string; label: string; ok: readonly string[] }[] = [
  { check: 'ivms101', label: 'IVMS101', ok: ['pass'] },
  { check: 'travel_rule', label: 'Travel Rule', ok: ['applies', 'below_threshold', 'not_required'] },
  { check: 'screening', label: 'sanctions screening', ok: ['clear'] },
];

export interface BulkOptions {
  actor: string;
  policy: DecisionPolicy;
  /** Why acceptance is blocked for every case now (a sanctions list older than the policy allows), or null. */
  acceptBlocked: string | null;
}

/** Applies one action to each case in turn; one result per case, in the order given. Never throws for a case. */
export function bulkApply(
  db: WritableDB,
  caseIds: readonly string[],
  action: BulkAction,
  o: BulkOptions,
): BulkItemResult[] {
  return caseIds.map((caseId) => {
    try {
      return applyOne(db, caseId, action, o);
    } catch (e) {
      // A refusal by the domain (AppError) names its reason; anything else is a fault, said as such.
      const message = e instanceof AppError ? e.message : 'An internal error stopped this case; nothing was changed.';
      return { caseId, outcome: 'refused', message };
    }
  });
}

function applyOne(db: WritableDB, caseId: string, action: BulkAction, o: BulkOptions): BulkItemResult {
  if (action.kind === 'assign') {
    assignCase(db, { caseId, analyst: action.analyst, actor: o.actor });
    return { caseId, outcome: 'done', message: action.analyst ? `Assigned to ${action.analyst}.` : 'Unassigned.' };
  }
  const detail = caseDetail(db, caseId, { policy: o.policy.fourEyes, rates: o.policy.rates });
  if (!detail.decidable.ok)
    return { caseId, outcome: 'refused', message: detail.decidable.reason ?? 'The case cannot be decided now.' };
  if (action.kind === 'accept') {
    if (o.acceptBlocked) return { caseId, outcome: 'refused', message: o.acceptBlocked };
    const failed = ACCEPT_NEEDS.flatMap((n) => {
      const outcome = detail.checks.find((c) => c.name === n.check)?.outcome ?? null;
      return outcome !== null && n.ok.includes(outcome)
        ? []
        : [`${n.label} is ${outcome === null ? 'not checked' : outcome.replace(/_/g, ' ')}`];
    });
    if (failed.length)
      return {
        caseId,
        outcome: 'refused',
        message: `Not accepted in bulk: ${failed.join('; ')}. Open the case to decide it on its own.`,
      };
  }
  const result = decide(
    db,
    { caseId, kind: action.kind, reasonCodes: action.reasonCodes, note: action.note ?? null, analyst: o.actor },
    o.policy,
  );
  if (result.kind === 'proposal')
    return {
      caseId,
      outcome: 'proposed',
      message: `Four eyes: ${result.why.join('; ')}. Proposed; a second analyst must approve it before it counts.`,
    };
  return { caseId, outcome: 'done', message: DONE[action.kind] };
}

const DONE = {
  accept: 'Accepted.',
  reject: 'Rejected.',
  request_information: 'Information requested.',
} as const;
