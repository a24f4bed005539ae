import type { CaseDetail } from '../../../../src-shared/contract';

/** The backend's own AML / security results for the transfer. */
export function AmlPanel({ detail: d }: { detail: CaseDetail }) {
  const aml = d.record.aml;
  return (
    <section className="panel" aria-labelledby="aml-h">
      <h3 id="aml-h">Backend AML / security</h3>
      {aml ? (
        <>
          <p>
            Risk score <span className={aml.riskScore >= 70 ? 'risk high' : 'risk'}>{aml.riskScore}</span>
            {aml.provider ? <span className="muted"> · {aml.provider}</span> : null}
          </p>
          {aml.alerts.length ? (
            <ul>
              {aml.alerts.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">No alerts.</p>
          )}
        </>
      ) : (
        <p className="muted">No results from the backend yet.</p>
      )}
    </section>
  );
}
