import { useEffect, useRef, useState } from 'react';
import type { CaseDetail, MailPreview } from '../../../../src-shared/contract';
import { Dialog } from '../../components/Dialog';
import { asError, useApp } from '../../state/app-store';

// Issue 18 point 2: a counterparty without a Travel Rule protocol learns the originator and beneficiary
// data only by e-mail. Accepting its transfer opens the data notice as it would be sent (editable); until
// it is queued, the case says plainly that the notice waits for the analyst.

/** The accepted case's counterparty is reached by e-mail only and no data notice has been written yet. */
export function noticeOwed(d: CaseDetail): boolean {
  const cp = d.record.counterparty;
  if (!cp || cp.protocol !== 'email') return false;
  if (!d.decisions.some((x) => x.kind === 'accept')) return false;
  return !d.mail.some((m) => m.direction === 'out' && m.kind === 'data_notice');
}

/** The banner while the notice is owed, and the preview dialog: opened by the banner, or by the accept itself. */
export function DataNotice({ detail: d }: { detail: CaseDetail }) {
  const [open, setOpen] = useState(false);
  const owed = noticeOwed(d);
  // Open once when the accept happens on this screen (not when an old accepted case is opened).
  const accepts = d.decisions.filter((x) => x.kind === 'accept').length;
  const seen = useRef({ id: d.record.id, accepts });
  useEffect(() => {
    const before = seen.current;
    seen.current = { id: d.record.id, accepts };
    if (before.id === d.record.id && accepts > before.accepts && owed) setOpen(true);
  }, [d.record.id, accepts, owed]);
  if (!owed) return null;
  const cp = d.record.counterparty!;
  return (
    <>
      <div className="notice" data-testid="data-notice-owed" role="status">
        <strong>Travel Rule data not sent yet.</strong> {cp.name} has no Travel Rule protocol: the originator and
        beneficiary data goes to {cp.email} by e-mail, and it waits for you to send it.{' '}
        <button type="button" onClick={() => setOpen(true)}>
          Preview and send…
        </button>
      </div>
      {open && <NoticeDialog detail={d} onClose={() => setOpen(false)} />}
    </>
  );
}

function NoticeDialog({ detail: d, onClose }: { detail: CaseDetail; onClose: () => void }) {
  const client = useApp((s) => s.client);
  const caseAction = useApp((s) => s.caseAction);
  const [preview, setPreview] = useState<MailPreview | null>(null);
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const caseId = d.record.id;
  useEffect(() => {
    if (!client) return;
    client.call('mail.preview', { caseId, kind: 'data_notice' }).then(
      (p) => {
        setPreview(p);
        setBody(p.body);
      },
      (e: unknown) => setError(asError(e).message),
    );
  }, [client, caseId]);
  const send = async () => {
    setSending(true);
    const ok = await caseAction((c) => c.call('mail.compose', { caseId, kind: 'data_notice', body }));
    setSending(false);
    if (ok) onClose();
    else setError(useApp.getState().error?.message ?? 'The notice was not queued.');
  };
  return (
    <Dialog title="Travel Rule data notice" labelledBy="notice-h" onClose={onClose}>
      {error && (
        <p className="error-banner" role="alert">
          {error} The notice waits: send it from this case when mail works.
        </p>
      )}
      {!preview && !error && <p className="muted">Preparing the message…</p>}
      {preview && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <dl className="facts">
            <dt>To</dt>
            <dd data-testid="notice-to">{preview.to}</dd>
            <dt>Subject</dt>
            <dd data-testid="notice-subject">{preview.subject}</dd>
            <dt>Protection</dt>
            <dd>
              {preview.encrypted ? 'Encrypted with their OpenPGP key' : 'Not encrypted (no OpenPGP key on file)'}
              {preview.attachment ? `; the data travels in ${preview.attachment}` : ''}
            </dd>
          </dl>
          <label htmlFor="notice-body">Message (you may edit it; it is sent as it stands)</label>
          <textarea id="notice-body" data-autofocus rows={16} value={body} onChange={(e) => setBody(e.target.value)} />
          <div className="dialog-buttons">
            <button type="button" onClick={onClose}>
              Not now (it waits here)
            </button>
            <button type="submit" className="primary" disabled={sending || !body.trim()}>
              Send the notice
            </button>
          </div>
        </form>
      )}
      {!preview && (
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      )}
    </Dialog>
  );
}
