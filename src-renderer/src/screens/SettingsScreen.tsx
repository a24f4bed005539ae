import { useEffect, useState, type FormEvent } from 'react';
import { ZOOM_STEPS, type Theme } from '../../../src-shared/appearance';
import type { RetentionReport } from '../../../src-shared/contract';
import { ErrorBanner } from '../components/ErrorBanner';
import { Dialog } from '../components/Dialog';
import { plural } from '../format';
import { asError, useApp } from '../state/app-store';
import { AnalystsPanel } from './AnalystsPanel';
import { MailSettings } from './MailSettings';

export function SettingsScreen() {
  const { settings, saveSettings, client, sync, busy } = useApp();
  const [saved, setSaved] = useState<string | null>(null);
  const [url, setUrl] = useState(settings?.backendUrl ?? '');
  const [token, setToken] = useState('');
  const [idle, setIdle] = useState(String(settings?.idleLockMinutes ?? 15));
  const [sla, setSla] = useState(String(settings?.slaHours ?? 24));
  const [home, setHome] = useState(settings?.homeJurisdiction ?? 'DE');
  const [risk, setRisk] = useState(settings?.fourEyes.riskScoreAtLeast?.toString() ?? '');
  const [onHit, setOnHit] = useState(settings?.fourEyes.onSanctionsHit ?? true);
  const [value, setValue] = useState(settings?.fourEyes.valueAtLeast?.amount ?? '');
  const [currency, setCurrency] = useState(settings?.fourEyes.valueAtLeast?.currency ?? 'EUR');
  const [schedule, setSchedule] = useState<'daily' | 'off'>(settings?.retentionSchedule ?? 'daily');
  const [confirmPurge, setConfirmPurge] = useState(false);
  const [key, setKey] = useState<{ fingerprint: string; pem: string } | null>(null);
  const [retention, setRetention] = useState<RetentionReport | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);

  useEffect(() => {
    if (!client) return;
    void client.call('export.publicKey', {}).then(setKey, () => {});
  }, [client]);

  const done = (what: string) => {
    setSaved(what);
    setLocalError(null);
  };
  const guard = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      setLocalError(asError(e).message);
    }
  };
  const saveBackend = (e: FormEvent) => {
    e.preventDefault();
    void guard(async () => {
      if (!client) return;
      await client.call('sync.configure', { url, token });
      setToken('');
      done('Backend saved; syncing starts now.');
    });
  };
  const saveGeneral = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await saveSettings({
      idleLockMinutes: Number(idle),
      slaHours: Number(sla),
      homeJurisdiction: home.toUpperCase(),
      retentionSchedule: schedule,
      fourEyes: {
        riskScoreAtLeast: risk === '' ? null : Number(risk),
        onSanctionsHit: onHit,
        valueAtLeast: value === '' ? null : { amount: value, currency: currency.toUpperCase() },
      },
    });
    if (ok) done('Settings saved.');
  };
  const runRetention = (dryRun: boolean) =>
    void guard(async () => {
      if (!client) return;
      setRetention(await client.call('retention.run', { dryRun }));
    });

  return (
    <main className="settings" aria-labelledby="settings-title">
      <header className="toolbar">
        <h1 id="settings-title">Settings</h1>
        {saved && (
          <span className="ok-text" role="status">
            {saved}
          </span>
        )}
      </header>
      <ErrorBanner />
      {localError && (
        <p className="error-banner" role="alert">
          {localError}
        </p>
      )}
      <div className="settings-grid">
        <form className="panel" onSubmit={saveBackend} aria-labelledby="be-h">
          <h3 id="be-h">Exchange backend</h3>
          <p className="muted">
            Now:{' '}
            {sync?.configured
              ? `${sync.online ? 'online' : 'offline'}${sync.lastError ? ` (${sync.lastError})` : ''}`
              : 'not configured'}
            . Each analyst uses their own backend credential: it is kept encrypted in the vault and never shown again.
            Changing the URL is a supervisor&apos;s setting.
          </p>
          {sync?.notice && (
            <p className="warn-text" role="status" data-testid="backend-notice">
              {sync.notice}
            </p>
          )}
          <label htmlFor="be-url">Backend URL</label>
          <input
            id="be-url"
            type="url"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://travel-rule.exchange.example"
          />
          <label htmlFor="be-token">API token (your own backend credential)</label>
          <input
            id="be-token"
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
          <button type="submit" disabled={!url || token.length < 8}>
            Save backend and my credential
          </button>
        </form>

        <form className="panel" onSubmit={(e) => void saveGeneral(e)} aria-labelledby="gen-h">
          <h3 id="gen-h">Workstation</h3>
          <label htmlFor="s-idle">Lock after idle (minutes)</label>
          <input id="s-idle" type="number" min={1} max={1440} value={idle} onChange={(e) => setIdle(e.target.value)} />
          <label htmlFor="s-sla">SLA for open cases (hours)</label>
          <input id="s-sla" type="number" min={1} max={720} value={sla} onChange={(e) => setSla(e.target.value)} />
          <label htmlFor="s-home">Our jurisdiction</label>
          <input id="s-home" type="text" maxLength={2} value={home} onChange={(e) => setHome(e.target.value)} />
          <fieldset>
            <legend>Four eyes: a second analyst must approve decisions on cases with…</legend>
            <label htmlFor="s-risk">a risk score of at least (empty: not a criterion)</label>
            <input id="s-risk" type="number" min={0} max={100} value={risk} onChange={(e) => setRisk(e.target.value)} />
            <label className="check-line">
              <input type="checkbox" checked={onHit} onChange={(e) => setOnHit(e.target.checked)} /> a potential or true
              sanctions match
            </label>
            <label htmlFor="s-value">a value of at least (empty: not a criterion)</label>
            <span className="row">
              <input
                id="s-value"
                type="text"
                inputMode="decimal"
                value={value}
                onChange={(e) => setValue(e.target.value)}
              />
              <label htmlFor="s-cur" className="sr-only">
                Currency
              </label>
              <input
                id="s-cur"
                type="text"
                maxLength={3}
                value={currency}
                onChange={(e) => setCurrency(e.target.value)}
              />
            </span>
          </fieldset>
          <label htmlFor="s-ret">Retention purge</label>
          <select id="s-ret" value={schedule} onChange={(e) => setSchedule(e.target.value as 'daily' | 'off')}>
            <option value="daily">Daily, while unlocked</option>
            <option value="off">Only when run here or from the CLI</option>
          </select>
          <button type="submit" className="primary" disabled={busy}>
            Save settings
          </button>
        </form>

        <AppearancePanel />

        <AnalystsPanel />

        <section className="panel" aria-labelledby="ret-h">
          <h3 id="ret-h">Retention</h3>
          <p className="muted">
            Personal data of closed cases goes when the longest retention period of the jurisdictions involved ends (5
            years by default, Türkiye 8). Cases on legal hold stay.
          </p>
          <button type="button" onClick={() => runRetention(true)}>
            Dry run: what would go
          </button>{' '}
          <button type="button" className="danger" onClick={() => setConfirmPurge(true)}>
            Purge now…
          </button>
          {confirmPurge && (
            // Purging deletes personal data for good: the analyst says so twice, Cancel has the focus.
            <Dialog title="Purge personal data now?" labelledBy="purge-title" onClose={() => setConfirmPurge(false)}>
              <p>
                The personal data of every closed case whose retention period has ended is deleted now. This cannot be
                undone. Cases on legal hold and decisions not yet synced stay.
              </p>
              <div className="dialog-buttons">
                <button type="button" data-autofocus onClick={() => setConfirmPurge(false)}>
                  Cancel
                </button>
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    setConfirmPurge(false);
                    runRetention(false);
                  }}
                >
                  Purge now
                </button>
              </div>
            </Dialog>
          )}
          {retention && (
            <div data-testid="retention-report">
              <p>
                {retention.dryRun ? 'Would purge' : 'Purged'} {plural(retention.purged.length, 'case')} as of{' '}
                {retention.today}; {retention.held.length} kept on legal hold; {retention.unsynced.length} kept until
                their decision syncs.
              </p>
              <ul className="scroll-list">
                {retention.purged.slice(0, 200).map((id) => (
                  <li key={id}>
                    <code>{id}</code>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </section>

        <MailSettings />

        <section className="panel" aria-labelledby="key-h">
          <h3 id="key-h">Export signing key</h3>
          <p>Regulators check bundles against this key. Give them the fingerprint through a second channel.</p>
          <p>
            <code data-testid="key-fingerprint">{key?.fingerprint ?? '…'}</code>
          </p>
          <details>
            <summary>Public key (PEM)</summary>
            <pre>{key?.pem}</pre>
          </details>
        </section>
      </div>
    </main>
  );
}

/** Light, dark or the OS's choice, and the zoom (also Ctrl + / − / 0): applied at once, remembered here. */
function AppearancePanel() {
  const status = useApp((s) => s.status);
  const setAppearance = useApp((s) => s.setAppearance);
  if (!status) return null;
  const { theme, zoom } = status.appearance;
  return (
    <section className="panel" aria-labelledby="look-h">
      <h3 id="look-h">Appearance</h3>
      <label htmlFor="s-theme">Theme</label>
      <select id="s-theme" value={theme} onChange={(e) => void setAppearance({ theme: e.target.value as Theme })}>
        <option value="system">Follow the system (light or dark)</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
      <label htmlFor="s-zoom">Zoom (Ctrl + / Ctrl − / Ctrl 0)</label>
      <select id="s-zoom" value={zoom} onChange={(e) => void setAppearance({ zoom: Number(e.target.value) })}>
        {ZOOM_STEPS.map((z) => (
          <option key={z} value={z}>
            {z} %
          </option>
        ))}
      </select>
    </section>
  );
}
