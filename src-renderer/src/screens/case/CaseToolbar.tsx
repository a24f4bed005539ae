import type { CaseDetail } from '../../../../src-shared/contract';
import { STATUS_LABEL } from '../../format';
import { useApp } from '../../state/app-store';
import type { DecisionKind } from '../DecisionDialogs';

/** The case's title, status and the three decision buttons (with their keys). */
export function CaseToolbar({ detail: d, onDecide }: { detail: CaseDetail; onDecide: (kind: DecisionKind) => void }) {
  const navigate = useApp((s) => s.navigate);
  const busy = useApp((s) => s.busy);
  const r = d.record;
  return (
    <header className="toolbar">
      <button type="button" onClick={() => navigate({ name: 'queue' })} aria-keyshortcuts="Escape">
        ← Queue (Esc)
      </button>
      <h1 id="case-title">
        Case <code>{r.id}</code>
      </h1>
      <span className={`status status-${r.status}`} data-testid="case-status">
        {STATUS_LABEL[r.status] ?? r.status}
      </span>
      <span className="muted">
        {r.direction === 'withdrawal' ? 'Withdrawal (out)' : 'Deposit (in)'} · version {r.version}
      </span>
      <span className="spacer" />
      <button
        type="button"
        className="primary"
        disabled={!d.decidable.ok || busy}
        onClick={() => onDecide('accept')}
        aria-keyshortcuts="a"
      >
        Accept (a)
      </button>
      <button
        type="button"
        className="danger"
        disabled={!d.decidable.ok || busy}
        onClick={() => onDecide('reject')}
        aria-keyshortcuts="r"
      >
        Reject (r)
      </button>
      <button
        type="button"
        disabled={!d.decidable.ok || busy}
        onClick={() => onDecide('request_information')}
        aria-keyshortcuts="i"
      >
        Request information (i)
      </button>
    </header>
  );
}
