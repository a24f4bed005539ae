import type { TravelRuleEvaluation } from '../../../../src-shared/checks';
import type { CaseDetail } from '../../../../src-shared/contract';
import { human } from '../../format';
import type { PanelCheck } from './checks';

/** The counterparty VASP (or why there is none) and its due diligence. */
export function CounterpartyPanel({
  detail: d,
  travel,
}: {
  detail: CaseDetail;
  travel: PanelCheck<TravelRuleEvaluation> | undefined;
}) {
  const cp = d.record.counterparty;
  return (
    <section className="panel" aria-labelledby="cp-h">
      <h3 id="cp-h">Counterparty</h3>
      {cp ? (
        <dl className="facts">
          <dt>VASP</dt>
          <dd>
            {cp.name} <span className="muted">({cp.vaspId})</span>
          </dd>
          <dt>Jurisdiction</dt>
          <dd>{cp.jurisdiction}</dd>
          <dt>LEI</dt>
          <dd>{cp.lei ? <code>{cp.lei}</code> : '—'}</dd>
          <dt>Channel</dt>
          <dd>{cp.protocol === 'email' ? `E-mail: ${cp.email ?? 'no address on file'}` : `${cp.protocol} protocol`}</dd>
          <dt>Due diligence</dt>
          <dd className={cp.dueDiligence && cp.dueDiligence !== 'approved' ? 'missing' : undefined}>
            {cp.dueDiligence ? human(cp.dueDiligence) : 'not provided by the backend'}
          </dd>
        </dl>
      ) : (
        <p>Self-hosted wallet: no counterparty VASP. {travel?.result.unhosted ? travel.result.unhosted.reason : ''}</p>
      )}
    </section>
  );
}
