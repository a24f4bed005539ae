import type { Ivms101Check } from '../../../../src-shared/checks';
import type { CaseDetail } from '../../../../src-shared/contract';
import { IVMS_LABEL } from '../../format';
import { PartyView } from '../ivms101-view';
import type { PanelCheck } from './checks';

/** The IVMS101 payload's parties and the completeness judgment against each jurisdiction's requirements. */
export function Ivms101Panel({ detail: d, ivms }: { detail: CaseDetail; ivms: PanelCheck<Ivms101Check> | undefined }) {
  const r = d.record;
  return (
    <section className="panel wide" aria-labelledby="ivms-h">
      <h3 id="ivms-h">
        IVMS101 <span className={`check check-${ivms?.outcome ?? 'none'}`}>{ivms ? (IVMS_LABEL[ivms.outcome] ?? ivms.outcome) : 'not checked'}</span>
      </h3>
      {ivms && <p data-testid="ivms-summary">{ivms.summary}</p>}
      {ivms?.result.reason && <p className="problem error">{ivms.result.reason}</p>}
      {ivms?.result.completeness && (
        <div className="checklist" data-testid="completeness">
          <strong>Completeness</strong> for {ivms.result.completeness.evaluated.map((e) => `${e.jurisdiction} (${e.tier})`).join(', ') || 'no jurisdiction'}:{' '}
          {ivms.result.completeness.complete ? <span className="ok-text">everything required is present ✓</span> : <span className="missing">{ivms.result.completeness.missing.length} requirement(s) unmet ✗</span>}
          {ivms.result.completeness.notEvaluated.length > 0 && <span className="warn-text"> · not judged for {ivms.result.completeness.notEvaluated.join(', ')}</span>}
        </div>
      )}
      <div className="parties">
        <PartyView title="Originator" side="originator" payload={r.ivms101} check={ivms?.result ?? null} />
        <PartyView title="Beneficiary" side="beneficiary" payload={r.ivms101} check={ivms?.result ?? null} />
      </div>
    </section>
  );
}
