import { useEffect, useState, type FormEvent } from 'react';
import type { ExportPdfMode } from '../../../src-shared/contract';
import { CASE_STATUSES } from '../../../src-shared/domain';
import { ErrorBanner } from '../components/ErrorBanner';
import { STATUS_LABEL, time } from '../format';
import { asError, useApp } from '../state/app-store';

const PDF_LABEL: Record<ExportPdfMode | 'auto', string> = {
  auto: 'report.pdf: by size',
  summary: 'report.pdf: summary',
  'per-case': 'report.pdf: per case',
};

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

export function ExportScreen() {
  const { client, jobs, facets } = useApp();
  const [from, setFrom] = useState(daysAgo(90));
  const [to, setTo] = useState(today());
  const [jurisdiction, setJurisdiction] = useState('');
  const [direction, setDirection] = useState('');
  const [status, setStatus] = useState('');
  const [pdf, setPdf] = useState<'' | ExportPdfMode>('');
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState<string | null>(null);
  useEffect(() => {
    void client?.call('export.publicKey', {}).then(
      (k) => setKey(k.fingerprint),
      () => {},
    );
  }, [client]);
  const start = async (e: FormEvent) => {
    e.preventDefault();
    if (!client) return;
    try {
      setError(null);
      const job = await client.call('export.start', {
        from,
        to,
        jurisdiction: jurisdiction || null,
        direction: (direction || null) as 'withdrawal' | 'deposit' | null,
        status: (status || null) as (typeof CASE_STATUSES)[number] | null,
        pdf: pdf || null,
      });
      useApp.setState((s) => ({ jobs: [job, ...s.jobs.filter((j) => j.id !== job.id)] }));
    } catch (err) {
      setError(asError(err).message);
    }
  };
  return (
    <main className="exports" aria-labelledby="exp-title">
      <header className="toolbar">
        <h1 id="exp-title">Audit exports</h1>
        <span className="muted">
          Signed by <code data-testid="export-key">{key ?? '…'}</code>
        </span>
      </header>
      <ErrorBanner />
      {error && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
      <form className="panel export-form" onSubmit={(e) => void start(e)} aria-label="New export">
        <span className="export-field">
          <label htmlFor="x-from">Transfers from</label>
          <input id="x-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
        </span>
        <span className="export-field">
          <label htmlFor="x-to">to (inclusive)</label>
          <input id="x-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
        </span>
        <span className="export-field">
          <label htmlFor="x-jur">Counterparty jurisdiction</label>
          <select id="x-jur" value={jurisdiction} onChange={(e) => setJurisdiction(e.target.value)}>
            <option value="">All</option>
            {(facets?.jurisdictions ?? []).map((j) => (
              <option key={j}>{j}</option>
            ))}
          </select>
        </span>
        <span className="export-field">
          <label htmlFor="x-dir">Direction</label>
          <select id="x-dir" value={direction} onChange={(e) => setDirection(e.target.value)}>
            <option value="">All</option>
            <option value="withdrawal">Withdrawals</option>
            <option value="deposit">Deposits</option>
          </select>
        </span>
        <span className="export-field">
          <label htmlFor="x-status">Status</label>
          <select id="x-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </span>
        <span className="export-field">
          <label htmlFor="x-pdf">Report PDF</label>
          <select id="x-pdf" value={pdf} onChange={(e) => setPdf(e.target.value as '' | ExportPdfMode)}>
            <option value="">By size (a summary above 10,000 cases)</option>
            <option value="summary">Summary, with every case in the CSV and JSON files</option>
            <option value="per-case">Summary and one section per case</option>
          </select>
        </span>
        <button type="submit" className="primary">
          Create signed export
        </button>
      </form>
      <section className="panel" aria-labelledby="jobs-h">
        <h3 id="jobs-h">Exports this session</h3>
        {jobs.length === 0 && <p className="muted">None yet.</p>}
        <ul className="jobs">
          {jobs.map((j) => (
            <li key={j.id} data-testid="export-job" data-state={j.state}>
              <strong>
                {j.selection.from} → {j.selection.to}
                {j.selection.jurisdiction ? ` · ${j.selection.jurisdiction}` : ''}
              </strong>{' '}
              <span className={`job-state ${j.state}`}>{j.state}</span>{' '}
              <span className="muted">started {time(j.startedAt)}</span>{' '}
              <span className="muted" data-testid="export-pdf">
                {PDF_LABEL[j.pdf ?? 'auto']}
              </span>
              {j.state === 'running' && (
                <>
                  <label className="progress-line">
                    <span>
                      {j.phase} {j.total ? `${j.done} / ${j.total}` : ''}
                    </span>
                    <progress max={j.total || 1} value={j.done} aria-label={`Export progress: ${j.phase}`} />
                  </label>
                  <button type="button" onClick={() => void client?.call('export.cancel', { id: j.id })}>
                    Cancel
                  </button>
                </>
              )}
              {j.state === 'done' && (
                <div className="muted">
                  Bundle: <code>{j.out}</code>
                  <br />
                  Public key: <code>{j.publicKeyFile}</code>
                  <br />
                  Manifest SHA-256: <code>{j.manifestSha256}</code>
                </div>
              )}
              {(j.state === 'failed' || j.state === 'cancelled') && <div className="muted">{j.error}</div>}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
