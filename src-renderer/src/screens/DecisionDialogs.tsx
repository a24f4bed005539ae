import { useState } from 'react';
import { REASON_CODE_NAMES, REASON_CODES } from '../../../src-shared/domain';
import type { CaseDetail, Proposal } from '../../../src-shared/contract';
import { Dialog } from '../components/Dialog';
import { SecondAnalystForm } from '../components/SecondAnalystForm';
import { useApp } from '../state/app-store';
import { KIND_LABEL } from '../format';

export type DecisionKind = 'accept' | 'reject' | 'request_information';

/** Accept, reject or request information: structured reason codes and a note. */
export function DecisionDialog({
  detail,
  kind,
  suggestedNote,
  onClose,
}: {
  detail: CaseDetail;
  kind: DecisionKind;
  suggestedNote: string;
  onClose: () => void;
}) {
  const { caseAction, busy, error } = useApp();
  const me = useApp((s) => s.status?.analyst?.name ?? s.settings?.analyst ?? '');
  const [codes, setCodes] = useState<string[]>(
    kind === 'request_information' && suggestedNote ? ['MISSING_FIELDS'] : [],
  );
  const [note, setNote] = useState(kind === 'request_information' ? suggestedNote : '');
  // Someone else claimed the case (on any workstation): they are warned first, and the decision
  // records that it was made over the claim.
  const claimedBy = detail.assignedTo && detail.assignedTo !== me ? detail.assignedTo : null;
  const [overClaim, setOverClaim] = useState(false);
  const needsCode = kind !== 'accept';
  const invalid = (needsCode && codes.length === 0) || (claimedBy !== null && !overClaim);
  const toggle = (c: string, on = !codes.includes(c)) =>
    setCodes((x) => (on ? (x.includes(c) ? x : [...x, c]) : x.filter((y) => y !== c)));
  const submit = async () => {
    if (invalid) return;
    const ok = await caseAction((c) =>
      c.call('cases.decide', {
        caseId: detail.record.id,
        kind,
        reasonCodes: codes as (typeof REASON_CODE_NAMES)[number][],
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(claimedBy ? { overrideClaim: true } : {}),
      }),
    );
    if (ok) onClose();
  };
  return (
    <Dialog title={`${KIND_LABEL[kind]} — case ${detail.record.id}`} labelledBy="decision-title" onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void submit();
          }
          // Alt+1…n toggles reason code n from anywhere in the dialog (also from the note), and stops
          // there: the same keys switch sections outside a dialog.
          const n = e.altKey && !e.ctrlKey && !e.metaKey && /^[1-9]$/.test(e.key) ? Number(e.key) - 1 : -1;
          const code = REASON_CODE_NAMES[n];
          if (code) {
            e.preventDefault();
            e.stopPropagation();
            toggle(code);
          }
        }}
      >
        {detail.fourEyes.length > 0 && (
          <p className="notice" role="note">
            Four eyes: this decision will wait for a second analyst before it leaves ({detail.fourEyes.join('; ')}).
          </p>
        )}
        {claimedBy && (
          <div className="notice" role="alert" data-testid="claimed-warning">
            <p>
              <strong>Claimed by {claimedBy}.</strong> They may be working on this case. Deciding now is recorded as
              decided over {claimedBy}&apos;s claim.
            </p>
            <label className="check-line">
              <input type="checkbox" checked={overClaim} onChange={(e) => setOverClaim(e.target.checked)} />I have
              agreed this with {claimedBy}: decide anyway
            </label>
          </div>
        )}
        <fieldset>
          <legend>Reason codes{needsCode ? ' (at least one)' : ' (optional)'} · Alt+number toggles one</legend>
          {REASON_CODE_NAMES.map((c, i) => (
            <label key={c} className="check-line">
              <input
                type="checkbox"
                checked={codes.includes(c)}
                aria-keyshortcuts={i < 9 ? `Alt+${i + 1}` : undefined}
                onChange={(e) => toggle(c, e.target.checked)}
              />
              {i < 9 && (
                <kbd className="muted" aria-hidden="true">
                  Alt+{i + 1}
                </kbd>
              )}{' '}
              <code>{c}</code> <span className="muted">({REASON_CODES[c].trisa})</span> {REASON_CODES[c].label}
            </label>
          ))}
        </fieldset>
        {needsCode && codes.length === 0 && <p className="field-error">Choose at least one reason code.</p>}
        <label htmlFor="decision-note">
          Note {kind === 'request_information' ? '(sent with the request)' : '(kept in the case record)'}
        </label>
        <textarea
          id="decision-note"
          data-autofocus
          rows={6}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={2000}
        />
        {error && (
          <p className="error-banner" role="alert">
            {error.message}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel (Esc)
          </button>
          <button type="submit" className={kind === 'reject' ? 'danger' : 'primary'} disabled={busy || invalid}>
            {detail.fourEyes.length
              ? `Propose ${KIND_LABEL[kind]?.toLowerCase()}`
              : `Confirm ${KIND_LABEL[kind]?.toLowerCase()}`}{' '}
            (Ctrl+Enter)
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The second analyst approves or declines, with their own name and passphrase. */
export function ReviewDialog({
  proposal,
  analysts,
  onClose,
}: {
  proposal: Proposal;
  analysts: string[];
  onClose: () => void;
}) {
  const { caseAction, busy, error } = useApp();
  const candidates = analysts.filter((a) => a !== proposal.proposedBy);
  const [note, setNote] = useState('');
  const review = async (approve: boolean, approver: string, passphrase: string) => {
    const ok = await caseAction((c) =>
      c.call('cases.review', {
        proposalId: proposal.id,
        approver,
        passphrase,
        approve,
        ...(note.trim() ? { note: note.trim() } : {}),
      }),
    );
    if (ok) onClose();
  };
  return (
    <Dialog title="Second analyst's approval" labelledBy="review-title" onClose={onClose}>
      <p>
        {proposal.proposedBy} proposes to <strong>{KIND_LABEL[proposal.kind]?.toLowerCase()}</strong>
        {proposal.reasonCodes.length ? ` (${proposal.reasonCodes.join(', ')})` : ''}. Needed because:{' '}
        {proposal.why.join('; ')}.
      </p>
      {proposal.note && <blockquote>{proposal.note}</blockquote>}
      <SecondAnalystForm
        idPrefix="review"
        analystLabel="Approving analyst"
        candidates={candidates}
        error={error}
        busy={busy}
        refuseLabel="Decline"
        approveLabel="Approve"
        onDecide={review}
        onCancel={onClose}
      >
        <label htmlFor="review-note">Note (optional)</label>
        <textarea id="review-note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
      </SecondAnalystForm>
    </Dialog>
  );
}
