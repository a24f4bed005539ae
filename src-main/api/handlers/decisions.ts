import { AppError } from '../../../src-shared/result';
import { recordDecision } from '../../cases/decide';
import { addAnalyst, listAnalysts, proposeDecision, reviewProposal, verifyAnalyst } from '../../cases/four-eyes';
import { screeningStatus } from '../../screening/manage';
import type { AreaHandlers, HandlerContext } from './context';

/** Deciding a case, four eyes (proposals, their review) and the analysts who may approve. */
export function decisionHandlers({ ws, detail }: HandlerContext): AreaHandlers<'cases.decide' | 'cases.review' | 'analysts.list' | 'analysts.add'> {
  return {
    'cases.decide': async ({ caseId, kind, reasonCodes, note }) => {
      const db = ws.database();
      ws.touch();
      const before = detail(caseId);
      if (!before.decidable.ok) throw new AppError('conflict', before.decidable.reason ?? 'This case cannot be decided now.');
      // The freshness policy: no acceptance screened against a list older than it allows (docs/screening.md).
      const stale = kind === 'accept' ? screeningStatus(db, ws.preferences).blocked : null;
      if (stale) throw new AppError('conflict', stale);
      const input = { caseId, kind, reasonCodes, note: note ?? null, analyst: ws.actor };
      if (before.fourEyes.length) {
        // High risk: the decision waits for a second analyst and does not leave until approved.
        proposeDecision(db, input, before.fourEyes);
      } else {
        recordDecision(db, input);
        // Try to deliver at once; offline it waits in the outbox and shows as "waiting to sync".
        await ws.syncEngine()?.push().catch(() => 0);
      }
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'cases.review': async ({ proposalId, approver, passphrase, approve, note }) => {
      const db = ws.database();
      ws.touch();
      const caseId = (db.prepare('SELECT case_id FROM decision_proposals WHERE id = ?').get(proposalId) as { case_id: string } | undefined)?.case_id;
      if (!caseId) throw new AppError('not_found', `No proposal ${proposalId}.`);
      if (!(await verifyAnalyst(db, approver, passphrase))) {
        ws.audit('decision.review_refused', { proposalId, approver }, caseId);
        throw new AppError('wrong_passphrase', `That is not ${approver}'s passphrase.`);
      }
      reviewProposal(db, { proposalId, approver, approve, note: note ?? null });
      if (approve) await ws.syncEngine()?.push().catch(() => 0);
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'analysts.list': () => listAnalysts(ws.database()),
    'analysts.add': async ({ name, passphrase }) => {
      await addAnalyst(ws.database(), name, passphrase, ws.actor);
      return listAnalysts(ws.database());
    },
  };
}
