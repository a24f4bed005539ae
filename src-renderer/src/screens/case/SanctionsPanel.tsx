import type { ScreeningCheck } from '../../../../src-shared/checks';
import type { CaseDetail } from '../../../../src-shared/contract';
import { human, SCREENING_LABEL } from '../../format';
import { useApp } from '../../state/app-store';
import type { PanelCheck } from './checks';

/** Sanctions screening hits, each with the analyst's disposition or the buttons to give one. */
export function SanctionsPanel({ detail: d, screening }: { detail: CaseDetail; screening: PanelCheck<ScreeningCheck> | undefined }) {
  const caseAction = useApp((s) => s.caseAction);
  const caseId = d.record.id;
  return (
    <section className="panel" aria-labelledby="scr-h">
      <h3 id="scr-h">
        Sanctions <span className={`check screen-${screening?.outcome ?? 'none'}`}>{screening ? (SCREENING_LABEL[screening.outcome] ?? screening.outcome) : 'not screened'}</span>
      </h3>
      {screening && <p>{screening.summary}</p>}
      {screening?.result.hits.map((h) => (
        <div key={h.party.digest + h.list + h.entryId} className="hit">
          <strong>{h.party.role}</strong> “{h.party.value}” ~ <strong>{h.name}</strong> ({h.list} {h.entryId}, score {h.score.toFixed(3)}) — {h.why}
          {h.disposition ? (
            <span className="muted">
              {' '}
              · {human(h.disposition.disposition)} by {h.disposition.analyst}
            </span>
          ) : (
            <>
              {' '}
              <button type="button" onClick={() => void caseAction((c) => c.call('screening.dispose', { caseId, partyDigest: h.party.digest, list: h.list as 'ofac', entryId: h.entryId, disposition: 'false_positive' }))}>
                False positive
              </button>{' '}
              <button type="button" className="danger" onClick={() => void caseAction((c) => c.call('screening.dispose', { caseId, partyDigest: h.party.digest, list: h.list as 'ofac', entryId: h.entryId, disposition: 'true_match' }))}>
                True match
              </button>
            </>
          )}
        </div>
      ))}
    </section>
  );
}
