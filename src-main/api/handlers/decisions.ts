import { AppError } from '../../../src-shared/result';
import { decide } from '../../cases/decide';
import { roster } from '../../team/roster';
import { listAnalysts, proposalById, reviewProposal } from '../../cases/four-eyes';
import { screeningStatus } from '../../screening/manage';
import type { AreaHandlers, HandlerContext } from './context';

/** Deciding a case, four eyes (proposals, their review) and the analysts who may approve. */
export function decisionHandlers({
  ws,
  detail,
}: HandlerContext): AreaHandlers<
  | 'cases.decide'
  | 'cases.review'
  | 'analysts.list'
  | 'analysts.enrol'
  | 'analysts.redeem'
  | 'analysts.roster'
  | 'analysts.remove'
  | 'analysts.setRole'
> {
  return {
    'cases.decide': async ({ caseId, kind, reasonCodes, note, overrideClaim }) => {
      const db = ws.database();
      ws.touch();
      const before = detail(caseId);
      if (!before.decidable.ok)
        throw new AppError('conflict', before.decidable.reason ?? 'This case cannot be decided now.');
      // The freshness policy: no acceptance screened against a list older than it allows (docs/screening.md).
      const stale = kind === 'accept' ? screeningStatus(db, ws.preferences).blocked : null;
      if (stale) throw new AppError('conflict', stale);
      // The domain applies the four-eyes policy: a high-risk case gets a proposal, not a decision.
      const outcome = decide(
        db,
        { caseId, kind, reasonCodes, note: note ?? null, analyst: ws.actor, overrideClaim: overrideClaim ?? false },
        ws.decisionPolicy(),
      );
      // Try to deliver at once (a proposal too, so a second analyst can approve it from their own
      // workstation); offline it waits in the outbox and shows as "waiting to sync".
      await ws.syncEngine()?.tryNow('push', outcome.kind);
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'cases.review': async ({ proposalId, approver, passphrase, approve, note }) => {
      const db = ws.database();
      ws.touch();
      const caseId = proposalById(db, proposalId)?.caseId;
      if (!caseId) throw new AppError('not_found', `No proposal ${proposalId}.`);
      let proof;
      try {
        proof = await ws.checkApprover(approver, passphrase);
      } catch (e) {
        if (e instanceof AppError && e.code === 'wrong_passphrase')
          ws.audit('decision.review_refused', { proposalId, approver }, caseId);
        throw e;
      }
      reviewProposal(db, { proposalId, approver: proof, approve, note: note ?? null });
      await ws.syncEngine()?.tryNow('push', approve ? 'approval' : 'decline');
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'analysts.list': () => listAnalysts(ws.database()),
    'analysts.enrol': async ({ name, role }) => ws.enrolAnalyst(name, role),
    'analysts.redeem': async ({ name, code, passphrase }) => ws.redeemEnrolment(name, code, passphrase),
    'analysts.roster': () => roster(ws.database()),
    'analysts.remove': ({ name }) => {
      ws.removeAnalyst(name);
      return ws.status().vault === 'unlocked' ? roster(ws.database()) : [];
    },
    'analysts.setRole': ({ name, role }) => {
      ws.setRole(name, role);
      return roster(ws.database());
    },
  };
}
