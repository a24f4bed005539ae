import type { CaseDetail, Proposal } from '../../../../src-shared/contract';
import { KIND_LABEL, STATUS_LABEL, time } from '../../format';
import { useApp } from '../../state/app-store';

/** What stands in the way of a decision: not decidable, four-eyes, a proposal awaiting review, sync conflicts. */
export function CaseBanners({
  detail: d,
  proposal,
  onReview,
}: {
  detail: CaseDetail;
  proposal: Proposal | undefined;
  onReview: () => void;
}) {
  const caseAction = useApp((s) => s.caseAction);
  const openConflicts = d.conflicts.filter((c) => !c.resolvedAt);
  return (
    <div className="banners">
      {!d.decidable.ok && (
        <p className="notice" data-testid="not-decidable">
          {d.decidable.reason}
        </p>
      )}
      {d.fourEyes.length > 0 && !proposal && d.decidable.ok && (
        <p className="notice" data-testid="four-eyes">
          High risk: a decision here needs a second analyst ({d.fourEyes.join('; ')}).
        </p>
      )}
      {proposal && (
        <div className="notice" data-testid="awaiting-approval">
          <strong>Awaiting a second analyst:</strong> {proposal.proposedBy} proposed to{' '}
          {KIND_LABEL[proposal.kind]?.toLowerCase()}
          {proposal.reasonCodes.length ? ` (${proposal.reasonCodes.join(', ')})` : ''} at {time(proposal.proposedAt)}.{' '}
          <button type="button" onClick={onReview}>
            Review as second analyst…
          </button>
        </div>
      )}
      {openConflicts.map((c) => (
        <div key={c.id} className="error-banner" data-testid="conflict">
          <strong>Sync conflict:</strong> our {KIND_LABEL[c.ours.kind]?.toLowerCase()} by {c.ours.analyst} (
          {time(c.ours.decidedAt)}) did not land: the backend has the case
          {c.theirs?.status ? ` as ${STATUS_LABEL[c.theirs.status] ?? c.theirs.status}` : ''}
          {c.theirs?.version ? ` (version ${c.theirs.version})` : ''}. Both are kept.{' '}
          <button
            type="button"
            onClick={() =>
              void caseAction((cl) => cl.call('conflicts.resolve', { conflictId: c.id, resolution: 'accept_theirs' }))
            }
          >
            Accept the backend&apos;s outcome
          </button>{' '}
          <button
            type="button"
            onClick={() =>
              void caseAction((cl) => cl.call('conflicts.resolve', { conflictId: c.id, resolution: 'decide_again' }))
            }
          >
            Decide again
          </button>
        </div>
      ))}
    </div>
  );
}
