import { useEffect, useState } from 'react';
import type { Dashboard } from '../../../src-shared/contract';
import { RateBars, StackedBars } from '../components/charts';
import { ErrorBanner } from '../components/ErrorBanner';
import { count, STATUS_LABEL, time, TRAVEL_LABEL } from '../format';
import { asError, useApp } from '../state/app-store';
import { useQueue } from '../state/queue-store';

export function DashboardScreen() {
  const { client, navigate } = useApp();
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The range and the analyst the figures are narrowed to (issue 18 point 12); empty: the last 30 days, everyone.
  const [range, setRange] = useState<{ from: string; to: string; analyst: string }>({ from: '', to: '', analyst: '' });
  const analysts = useApp((s) => s.facets?.analysts ?? []);
  useEffect(() => {
    if (!client) return;
    setError(null);
    client
      .call('dashboard.get', {
        ...(range.from ? { from: range.from } : {}),
        ...(range.to ? { to: range.to } : {}),
        ...(range.analyst ? { analyst: range.analyst } : {}),
      })
      .then(setData, (e: unknown) => setError(asError(e).message));
  }, [client, range]);
  const showBreaches = () => {
    void useQueue.getState().apply({ slaBreached: true }, { column: 'transferTime', direction: 'asc' });
    navigate({ name: 'queue' });
  };
  return (
    <main className="dashboard" aria-labelledby="dash-title">
      <header className="toolbar">
        <h1 id="dash-title">Dashboard</h1>
        {data && (
          <span className="muted">
            as of {time(data.asOf)} UTC · SLA {data.slaHours} h
          </span>
        )}
      </header>
      <form className="filters" aria-label="Narrow the dashboard" onSubmit={(e) => e.preventDefault()}>
        <div className="filter">
          <label htmlFor="dash-from">From (UTC)</label>
          <input
            id="dash-from"
            type="date"
            value={range.from}
            onChange={(e) => setRange((r) => ({ ...r, from: e.target.value }))}
          />
        </div>
        <div className="filter">
          <label htmlFor="dash-to">To (UTC)</label>
          <input
            id="dash-to"
            type="date"
            value={range.to}
            onChange={(e) => setRange((r) => ({ ...r, to: e.target.value }))}
          />
        </div>
        <div className="filter">
          <label htmlFor="dash-analyst">Analyst</label>
          <select
            id="dash-analyst"
            value={range.analyst}
            onChange={(e) => setRange((r) => ({ ...r, analyst: e.target.value }))}
          >
            <option value="">Everyone</option>
            {analysts.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorBanner />
      {error && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
      {data && (
        // Focusable: it scrolls, and with no breach to show there may be nothing else in it to reach by keys.
        <div className="dash-grid" tabIndex={0} role="region" aria-label="Dashboard figures">
          <section className="panel" aria-labelledby="sla-h">
            <h3 id="sla-h">SLA breaches</h3>
            <p className={data.slaBreachTotal ? 'big bad' : 'big'} data-testid="sla-breaches">
              {count(data.slaBreachTotal)}
            </p>
            <p className="muted">open cases that arrived here more than {data.slaHours} hours ago</p>
            <ul>
              {data.slaBreaches.map((b) => (
                <li key={b.status}>
                  {STATUS_LABEL[b.status] ?? b.status}: {count(b.count)}
                </li>
              ))}
            </ul>
            <button type="button" onClick={showBreaches} disabled={!data.slaBreachTotal}>
              Show them in the queue
            </button>
          </section>
          <section className="panel wide" aria-labelledby="vol-h">
            <h3 id="vol-h">
              Volume, {data.range.from} to {data.range.to}
              {data.analyst ? ` · ${data.analyst}'s cases` : ''}
            </h3>
            <StackedBars
              label={`Cases per day: ${data.volume.reduce((a, v) => a + v.withdrawals, 0)} withdrawals and ${data.volume.reduce((a, v) => a + v.deposits, 0)} deposits from ${data.range.from} to ${data.range.to}`}
              series={['withdrawals', 'deposits']}
              xTitle="Day of the transfer (UTC, month-day)"
              yTitle="Cases per day"
              data={data.volume.map((v) => ({ key: v.day, values: [v.withdrawals, v.deposits] }))}
            />
            <p className="legend">
              <span className="swatch s0" /> withdrawals <span className="swatch s1" /> deposits
            </p>
          </section>
          <section className="panel wide" aria-labelledby="rej-h">
            <h3 id="rej-h">Rejection rate by week</h3>
            <RateBars
              label="Share of decisions that were rejections, per week, last 12 weeks"
              xTitle="Week starting Monday (UTC, month-day)"
              yTitle="Rejected, % of decisions"
              data={data.decisions.map((w) => ({ key: w.week, rate: w.rejectionRate }))}
            />
            <table className="grid compact">
              <thead>
                <tr>
                  <th>Week of</th>
                  <th>Accepted</th>
                  <th>Rejected</th>
                  <th>Info requested</th>
                  <th>Rejection rate</th>
                </tr>
              </thead>
              <tbody>
                {data.decisions
                  .filter((w) => w.accept + w.reject + w.requestInformation > 0)
                  .map((w) => (
                    <tr key={w.week}>
                      <td>{w.week}</td>
                      <td className="num">{w.accept}</td>
                      <td className="num">{w.reject}</td>
                      <td className="num">{w.requestInformation}</td>
                      <td className="num">
                        {w.rejectionRate === null ? '—' : `${Math.round(w.rejectionRate * 100)} %`}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
          <section className="panel" aria-labelledby="trd-h">
            <h3 id="trd-h">Cases by Travel Rule outcome</h3>
            <table className="grid compact" data-testid="by-travel-rule">
              <tbody>
                {(data.byTravelRule ?? []).map((s) => (
                  <tr key={s.outcome ?? 'none'} className={s.outcome === 'prohibited' ? 'bad' : undefined}>
                    <td>{s.outcome ? (TRAVEL_LABEL[s.outcome] ?? s.outcome) : 'Not evaluated yet'}</td>
                    <td className="num">{count(s.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel wide" aria-labelledby="an-h">
            <h3 id="an-h">By analyst</h3>
            <table className="grid compact" data-testid="by-analyst">
              <thead>
                <tr>
                  <th scope="col">Analyst</th>
                  <th scope="col">Open</th>
                  <th scope="col">Past the SLA</th>
                  <th scope="col">Accepted</th>
                  <th scope="col">Rejected</th>
                  <th scope="col">Info requested</th>
                </tr>
              </thead>
              <tbody>
                {data.byAnalyst.map((a) => (
                  <tr key={a.analyst ?? '-'} data-analyst={a.analyst ?? ''}>
                    <td>{a.analyst ?? 'Unassigned'}</td>
                    <td className="num">{count(a.open)}</td>
                    <td className="num">{count(a.breached)}</td>
                    <td className="num">{count(a.accepted)}</td>
                    <td className="num">{count(a.rejected)}</td>
                    <td className="num">{count(a.requestedInformation)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">Open cases assigned to each analyst now; decisions they took in the range.</p>
          </section>
          <section className="panel" aria-labelledby="st-h">
            <h3 id="st-h">Cases by status</h3>
            <table className="grid compact">
              <tbody>
                {data.byStatus.map((s) => (
                  <tr key={s.status}>
                    <td>{STATUS_LABEL[s.status] ?? s.status}</td>
                    <td className="num">{count(s.count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </main>
  );
}
