import { useState } from 'react';
import type { CaseDetail } from '../../../src-shared/contract';
import { time } from '../format';
import { useApp } from '../state/app-store';

const KIND: Record<string, string> = {
  data_notice: 'Travel Rule data',
  info_request: 'Request for information',
  decision_notice: 'Decision notice',
  tx_hash_forward: 'Transaction hash',
  reply: 'Reply',
  test: 'Test',
};
const STATE: Record<string, string> = {
  queued: 'waiting to send',
  sending: 'sending (checking delivery)',
  sent: 'sent',
  matched: 'received',
  triage: 'in triage',
  attached: 'attached by an analyst',
};

/** The case's correspondence with its counterparty, and the actions that write to it. */
export function MailThread({ detail, onRepair }: { detail: CaseDetail; onRepair?: (mailId: number) => void }) {
  const { caseAction, busy } = useApp();
  const [answer, setAnswer] = useState<{ id: number; reason: string } | null>(null);
  const r = detail.record;
  const byEmail = r.counterparty?.email;
  const compose = (kind: 'info_request' | 'data_notice' | 'decision_notice' | 'tx_hash_forward') =>
    void caseAction((c) => c.call('mail.compose', { caseId: r.id, kind }));
  return (
    <section className="panel wide" aria-labelledby="mail-h">
      <h3 id="mail-h">Correspondence {byEmail ? <span className="muted">with {byEmail}</span> : null}</h3>
      {byEmail ? (
        <div className="row wrap">
          <button type="button" disabled={busy} onClick={() => compose('info_request')}>
            E-mail: request missing information
          </button>
          <button type="button" disabled={busy} onClick={() => compose('data_notice')}>
            E-mail: send Travel Rule data
          </button>
          <button
            type="button"
            disabled={busy || detail.decisions.length === 0}
            onClick={() => compose('decision_notice')}
          >
            E-mail: our decision
          </button>
          <button type="button" disabled={busy || !r.txHash} onClick={() => compose('tx_hash_forward')}>
            E-mail: forward tx hash
          </button>
        </div>
      ) : (
        <p className="muted">No e-mail address on file for this counterparty.</p>
      )}
      <ol className="thread" data-testid="mail-thread">
        {detail.mail.map((m) => (
          <li
            key={m.id}
            className={`mail ${m.direction}`}
            data-testid="mail-message"
            data-direction={m.direction}
            data-state={m.state}
          >
            <div>
              <strong>
                {m.direction === 'out' ? '→' : '←'} {KIND[m.kind] ?? m.kind}
              </strong>{' '}
              · <span className={`mail-state ${m.state}`}>{STATE[m.state] ?? m.state}</span>
              {m.encrypted ? ' · OpenPGP-encrypted' : ''} ·{' '}
              <span className="muted">{time(m.sentAt ?? m.receivedAt ?? m.createdAt)}</span>
            </div>
            <div className="muted small">
              {m.direction === 'out' ? `to ${m.to}` : `from ${m.from}`} · {m.subject}
            </div>
            {m.lastError && <div className="warn-text small">{m.lastError}</div>}
            {m.triageReason && <div className="warn-text small">{m.triageReason}</div>}
            <details>
              <summary>Message</summary>
              <pre className="mail-body">{m.bodyText}</pre>
            </details>
            {m.attachments.length > 0 && (
              <div className="small">
                Attachments:{' '}
                {m.attachments
                  .map((a) => `${a.filename} (${Math.ceil(a.size / 1024)} KB${a.stored ? '' : ', not stored'})`)
                  .join(', ')}
              </div>
            )}
            {m.direction === 'in' && (
              <div className="row">
                {answer?.id === m.id ? (
                  <>
                    <label htmlFor={`answer-${m.id}`} className="sr-only">
                      Their reason
                    </label>
                    <input
                      id={`answer-${m.id}`}
                      type="text"
                      placeholder="Their reason (optional)"
                      value={answer.reason}
                      onChange={(e) => setAnswer({ id: m.id, reason: e.target.value })}
                    />
                    <button
                      type="button"
                      onClick={() =>
                        void caseAction((c) =>
                          c.call('mail.recordResponse', {
                            mailId: m.id,
                            outcome: 'approved',
                            ...(answer.reason ? { reason: answer.reason } : {}),
                          }),
                        ).then(() => setAnswer(null))
                      }
                    >
                      They approved
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() =>
                        void caseAction((c) =>
                          c.call('mail.recordResponse', {
                            mailId: m.id,
                            outcome: 'rejected',
                            ...(answer.reason ? { reason: answer.reason } : {}),
                          }),
                        ).then(() => setAnswer(null))
                      }
                    >
                      They rejected
                    </button>
                  </>
                ) : (
                  <>
                    <button type="button" onClick={() => setAnswer({ id: m.id, reason: '' })}>
                      Record the counterparty&apos;s answer…
                    </button>
                    {onRepair && (
                      <button type="button" onClick={() => onRepair(m.id)}>
                        Repair the record from this answer…
                      </button>
                    )}
                  </>
                )}
              </div>
            )}
          </li>
        ))}
        {detail.mail.length === 0 && <li className="muted">No messages yet.</li>}
      </ol>
    </section>
  );
}
