import { useCallback, useEffect, useState } from 'react';
import type { MailSettingsView, MailView } from '../../../src-shared/contract';
import { ErrorBanner } from '../components/ErrorBanner';
import { time } from '../format';
import { asError, useApp } from '../state/app-store';

/** Unmatched mail waits here until an analyst attaches it to its case. */
export function MailScreen() {
  const { client, openCase, changes } = useApp();
  const [items, setItems] = useState<MailView[]>([]);
  const [status, setStatus] = useState<MailSettingsView['status'] | null>(null);
  const [target, setTarget] = useState<Record<number, string>>({});
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    if (!client) return;
    try {
      const [t, s] = await Promise.all([client.call('mail.triage', {}), client.call('mail.settings', {})]);
      setItems(t);
      setStatus(s.status);
    } catch (e) {
      setError(asError(e).message);
    }
  }, [client]);
  useEffect(() => {
    void load();
  }, [load, changes]);
  return (
    <main className="mail-screen" aria-labelledby="mail-title">
      <header className="toolbar">
        <h1 id="mail-title">Mail triage</h1>
        {status && (
          <span className="muted" data-testid="mail-status">
            {status.queued} waiting to send · {status.uncertain} being checked · {status.triage} in triage
            {status.lastError ? ` · last error: ${status.lastError}` : ''}
          </span>
        )}
        <span className="spacer" />
        <button
          type="button"
          onClick={() => void client?.call('mail.sync', {}).then(load, (e: unknown) => setError(asError(e).message))}
        >
          Send and fetch now
        </button>
      </header>
      <ErrorBanner />
      {error && (
        <p className="error-banner" role="alert">
          {error}
        </p>
      )}
      <ul className="triage">
        {items.map((m) => (
          <li key={m.id} className="panel" data-testid="triage-item">
            <div>
              <strong>{m.subject}</strong>{' '}
              <span className="muted">
                from {m.from ?? 'unknown'} · {time(m.receivedAt)}
              </span>
            </div>
            <div className="warn-text">{m.triageReason}</div>
            <details>
              <summary>Message</summary>
              <pre className="mail-body">{m.bodyText}</pre>
            </details>
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                const caseId = target[m.id]?.trim();
                if (!caseId || !client) return;
                client
                  .call('mail.attach', { mailId: m.id, caseId })
                  .then(setItems, (err: unknown) => setError(asError(err).message));
              }}
            >
              <label htmlFor={`attach-${m.id}`}>Attach to case</label>
              <input
                id={`attach-${m.id}`}
                type="text"
                value={target[m.id] ?? m.caseId ?? ''}
                onChange={(e) => setTarget((t) => ({ ...t, [m.id]: e.target.value }))}
              />
              <button type="submit">Attach</button>
              {m.caseId && (
                <button type="button" onClick={() => void openCase(m.caseId!)}>
                  Open case {m.caseId}
                </button>
              )}
            </form>
          </li>
        ))}
        {items.length === 0 && <li className="muted panel">Nothing in triage.</li>}
      </ul>
    </main>
  );
}
