import type { TravelRuleEvaluation } from '../../../../src-shared/checks';
import { human, time, TRAVEL_LABEL } from '../../format';
import type { PanelCheck } from './checks';

/** The threshold judgment per side: jurisdiction, rule version, threshold, the converted value and the FX rates used. */
export function TravelRulePanel({ travel }: { travel: PanelCheck<TravelRuleEvaluation> | undefined }) {
  return (
    <section className="panel wide" aria-labelledby="tr-h">
      <h3 id="tr-h">
        Travel Rule threshold{' '}
        <span className={`check travel-${travel?.outcome ?? 'none'}`}>
          {travel ? (TRAVEL_LABEL[travel.outcome] ?? travel.outcome) : 'not evaluated'}
        </span>
        {travel?.result.unverified?.length ? (
          <span
            className="tag warn"
            data-testid="travel-unverified"
            title={travel.result.unverified.map((u) => `${u.jurisdiction}: ${u.reason}`).join('\n')}
          >
            unverified rule: {travel.result.unverified.map((u) => u.jurisdiction).join(', ')}
          </span>
        ) : null}
      </h3>
      {travel && (
        <>
          {travel.result.redFlags?.length ? (
            <p className="error-banner" role="alert" data-testid="travel-red-flag">
              {travel.result.redFlags.join(' ')}
            </p>
          ) : null}
          <ul className="why" data-testid="travel-why">
            {travel.result.why.map((w) => (
              <li key={w}>{w}</li>
            ))}
            {travel.result.warnings.map((w) => (
              <li key={w} className="warn-text">
                {w}
              </li>
            ))}
          </ul>
          <table className="grid compact">
            <thead>
              <tr>
                <th>Side</th>
                <th>Jurisdiction</th>
                <th>Outcome</th>
                <th>Rule version</th>
                <th>Local date</th>
                <th>Threshold</th>
                <th>Converted value</th>
                <th>FX rate used</th>
                <th>Tier</th>
              </tr>
            </thead>
            <tbody>
              {travel.result.sides.map((s) => (
                <tr key={s.side + s.party}>
                  <td>
                    {s.side} ({s.party})
                  </td>
                  <td>
                    {s.jurisdiction ?? '—'}
                    {s.via && s.via !== s.jurisdiction ? ` via ${s.via}` : ''}
                  </td>
                  <td>{human(s.status)}</td>
                  <td>
                    {s.version ?? '—'}
                    {s.verified === false ? <span className="tag warn">unverified rule</span> : null}
                  </td>
                  <td>
                    {s.localDate
                      ? `${s.localDate} (${s.timeZone ?? ''}${s.follows ? `; follows ${s.follows}` : ''})`
                      : '—'}
                  </td>
                  <td className="num">
                    {s.threshold
                      ? `${s.threshold.exclusive ? 'above' : 'from'} ${s.threshold.amount} ${s.threshold.currency}`
                      : '—'}
                  </td>
                  <td className="num">{s.converted ? `${s.converted.amount} ${s.converted.currency}` : '—'}</td>
                  <td>
                    {s.converted?.rates.length
                      ? s.converted.rates
                          .map(
                            (x) =>
                              `${x.base}/${x.quote} ${x.rate} as of ${time(x.asOf)} (${x.source})${x.stale ? ' STALE' : ''}`,
                          )
                          .join('; ')
                      : s.converted
                        ? 'same currency'
                        : '—'}
                  </td>
                  <td>{s.tier ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            Evaluated {time(travel.computedAt)} by {travel.engineVersion}; sources:{' '}
            {[...new Set(travel.result.sides.flatMap((s) => s.sources.map((x) => x.label)))].join('; ') || '—'}
          </p>
        </>
      )}
    </section>
  );
}
