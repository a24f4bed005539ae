import { useState } from 'react';
import { useApp } from '../state/app-store';
import { plural } from '../format';

type Sync = NonNullable<ReturnType<typeof useApp.getState>['sync']>;
/** The first sync has not finished yet and nothing has failed: not offline, still connecting. */
export const connecting = (s: Sync | null) => !!s?.configured && !s.online && !s.lastSyncAt && !s.lastError;

/** Offline as a banner across the screen, not only a pill in the corner; quiet while first connecting. */
export function OfflineBanner() {
  const { status, sync } = useApp();
  if (status?.vault !== 'unlocked' || !sync?.configured || sync.online || connecting(sync)) return null;
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <strong>Offline:</strong> the backend cannot be reached
      {sync.lastSyncAt ? ` (last synced ${sync.lastSyncAt.replace('T', ' ').slice(0, 19)} UTC)` : ''}. Work goes on:
      decisions wait in the outbox ({sync.outboxDepth}) and are sent when it is back.
    </div>
  );
}

export function StatusBar() {
  const { status, lock, busy, rules, sync, client, screening, navigate } = useApp();
  const [syncing, setSyncing] = useState(false);
  const [feedback, setFeedback] = useState('');
  if (!status) return null;
  const syncNow = () => {
    if (!client) return;
    setSyncing(true);
    setFeedback('Syncing…');
    void client
      .call('sync.now', {})
      .then(
        (s) => {
          useApp.setState({ sync: s });
          setFeedback(
            s.online
              ? `Synced at ${new Date().toISOString().slice(11, 19)} UTC`
              : `Sync failed: ${s.lastError ?? 'the backend cannot be reached'}`,
          );
        },
        (e: unknown) => setFeedback(`Sync failed: ${e instanceof Error ? e.message : 'the core did not answer'}`),
      )
      .finally(() => setSyncing(false));
  };
  const unlocked = status.vault === 'unlocked';
  return (
    <footer className="status-bar" aria-label="Status">
      <span className={unlocked ? 'pill ok' : 'pill warn'} data-testid="vault-state">
        {unlocked ? 'Unlocked' : status.vault === 'absent' ? 'No vault' : 'Locked'}
      </span>
      {unlocked && status.analyst && (
        <span data-testid="signed-in" title="Every action is recorded under this name">
          {status.analyst.name} ({status.analyst.role})
        </span>
      )}
      <span title="Data folder">
        Data: <code data-testid="data-dir">{status.dataDir}</code>
      </span>
      <span>
        Auto-lock:{' '}
        {status.idleLockMinutes < 1 ? `${Math.round(status.idleLockMinutes * 60)} s` : `${status.idleLockMinutes} min`}
      </span>
      <span className="muted">
        Waybill {status.version} · {status.mode}
      </span>
      {unlocked && sync?.configured && (
        <span
          data-testid="sync-state"
          className={sync.online ? 'pill ok' : connecting(sync) ? 'pill' : 'pill warn'}
          title={sync.lastError ?? undefined}
        >
          {sync.online ? 'Online' : connecting(sync) ? 'Connecting…' : 'Offline'}
        </span>
      )}
      {unlocked && sync?.configured && (
        <span>
          Last sync: {sync.lastSyncAt ? sync.lastSyncAt.replace('T', ' ').slice(0, 19) : 'never'} · Outbox:{' '}
          <span data-testid="outbox-depth">{sync.outboxDepth}</span>
          {sync.conflicts > 0 && (
            <>
              {' '}
              · <span className="missing">{plural(sync.conflicts, 'conflict')}</span>
            </>
          )}
          {sync.quarantined > 0 && <> · {sync.quarantined} quarantined</>}{' '}
          <button type="button" className="small-button" onClick={syncNow} disabled={syncing}>
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>{' '}
          <span role="status" data-testid="sync-feedback">
            {feedback}
          </span>
        </span>
      )}
      {unlocked && sync && !sync.configured && <span className="muted">No backend configured</span>}
      {rules && rules.errors.length > 0 && (
        <span
          className="pill warn"
          title={rules.errors.map((e) => `${e.file} ${e.field}: ${e.message}`).join('\n')}
          role="status"
        >
          {plural(new Set(rules.errors.map((e) => e.file)).size, 'rule file')} broken: those jurisdictions cannot be
          evaluated
        </span>
      )}
      {rules && <span className="muted">Rules: {rules.jurisdictions} jurisdictions</span>}
      {unlocked && screening && (screening.blocked ?? screening.warning) && (
        <button
          type="button"
          className="pill warn small-button"
          role="status"
          data-testid="screening-freshness"
          title={screening.blocked ?? screening.warning ?? undefined}
          onClick={() => navigate({ name: 'sanctions' })}
        >
          {screening.blocked ? 'Sanctions lists too old: acceptance blocked' : screening.warning}
        </button>
      )}
      <span className="spacer" />
      {unlocked && (
        <button type="button" onClick={() => void lock()} disabled={busy} aria-keyshortcuts="Control+L">
          Lock (Ctrl+L)
        </button>
      )}
    </footer>
  );
}
