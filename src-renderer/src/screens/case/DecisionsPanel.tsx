import type { CaseDetail } from '../../../../src-shared/contract';
import { human, KIND_LABEL, SYNC_LABEL, time } from '../../format';

/** Decisions with their sync state, and the proposals already reviewed. */
export function DecisionsPanel({ detail: d }: { detail: CaseDetail }) {
  return (
    <section className="panel" aria-labelledby="dec-h">
      <h3 id="dec-h">Decisions</h3>
      {d.decisions.length === 0 && d.proposals.length === 0 && <p className="muted">None yet.</p>}
      <ul className="decisions">
        {d.decisions.map((x) => (
          <li key={x.id} data-testid="decision">
            <strong>{KIND_LABEL[x.kind]}</strong> by {x.analyst}
            {x.approvedBy ? ` (approved by ${x.approvedBy})` : ''} at {time(x.decidedAt)}
            {x.reasonCodes.length ? ` · ${x.reasonCodes.join(', ')}` : ''} ·{' '}
            <span className={`sync sync-${x.syncState}`} data-testid="decision-sync">
              {SYNC_LABEL[x.syncState]}
            </span>
            {x.syncError ? <span className="muted"> ({x.syncError})</span> : null}
            {x.note && <div className="note">{x.note}</div>}
          </li>
        ))}
        {d.proposals
          .filter((p) => p.state !== 'awaiting_approval')
          .map((p) => (
            <li key={p.id} className="muted">
              Proposal to {KIND_LABEL[p.kind]?.toLowerCase()} by {p.proposedBy}: {human(p.state)} by {p.reviewedBy} at{' '}
              {time(p.reviewedAt)}
              {p.reviewNote ? ` — ${p.reviewNote}` : ''}
            </li>
          ))}
      </ul>
    </section>
  );
}
