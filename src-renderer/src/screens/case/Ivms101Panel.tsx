import type { Ivms101Check } from '../../../../src-shared/checks';
import type { CaseDetail } from '../../../../src-shared/contract';
import { IVMS_LABEL, plural } from '../../format';
import { PartyView } from '../ivms101-view';
import type { PanelCheck } from './checks';

/** The IVMS101 payload's parties and the completeness judgment against each jurisdiction's requirements. */
export function Ivms101Panel({
  detail: d,
  ivms,
  onRepair,
}: {
  detail: CaseDetail;
  ivms: PanelCheck<Ivms101Check> | undefined;
  /** Opens the repair form (issue 18, 9). */
  onRepair: () => void;
}) {
  const r = d.record;
  // Problems outside both parties (e.g. the payload's own envelope) are shown here, so that the summary's
  // counts match what the analyst can see.
  const elsewhere = [...(ivms?.result.errors ?? []), ...(ivms?.result.warnings ?? [])].filter(
    (p) => !/^\/(originator|beneficiary)(\/|$)/.test(p.path),
  );
  const invalid = ivms?.outcome === 'invalid';
  return (
    <section className="panel wide" aria-labelledby="ivms-h">
      <h3 id="ivms-h">
        IVMS101{' '}
        <span className={`check check-${ivms?.outcome ?? 'none'}`}>
          {ivms ? (IVMS_LABEL[ivms.outcome] ?? ivms.outcome) : 'not checked'}
        </span>
        <button type="button" className="small-button" onClick={onRepair}>
          Repair the record…
        </button>
      </h3>
      {ivms && <p data-testid="ivms-summary">{ivms.summary}</p>}
      {ivms?.result.reason && <p className="problem error">{ivms.result.reason}</p>}
      {ivms?.result.completeness && (
        <div className="checklist" data-testid="completeness">
          <strong>Completeness</strong> for{' '}
          {ivms.result.completeness.evaluated.map((e) => `${e.jurisdiction} (${e.tier})`).join(', ') ||
            'no jurisdiction'}
          :{' '}
          {ivms.result.completeness.complete ? (
            <span className="ok-text">everything required is present ✓</span>
          ) : (
            <span className="missing">{plural(ivms.result.completeness.missing.length, 'requirement')} unmet ✗</span>
          )}
          {invalid && (
            <span className="problem error">
              {' '}
              Complete is not valid: what is present breaks the IVMS101 standard (
              {plural(ivms.result.errors.length, 'error')}, marked in red below).
            </span>
          )}
          {ivms.result.completeness.notEvaluated.length > 0 && (
            <span className="warn-text"> · not judged for {ivms.result.completeness.notEvaluated.join(', ')}</span>
          )}
        </div>
      )}
      {elsewhere.map((p) => (
        <p key={p.code + p.path} className={`problem ${p.severity}`} role="note">
          {p.constraint ? `${p.constraint}: ` : ''}
          {p.message} <code>{p.path}</code>
        </p>
      ))}
      <div className="parties">
        <PartyView title="Originator" side="originator" payload={r.ivms101} check={ivms?.result ?? null} />
        <PartyView title="Beneficiary" side="beneficiary" payload={r.ivms101} check={ivms?.result ?? null} />
      </div>
    </section>
  );
}
