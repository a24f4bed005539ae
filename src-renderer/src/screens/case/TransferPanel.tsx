import { useState } from 'react';
import type { CaseDetail } from '../../../../src-shared/contract';
import { time } from '../../format';
import { useApp } from '../../state/app-store';

/** The transfer's facts, who has the case, and its legal hold. */
export function TransferPanel({ detail: d }: { detail: CaseDetail }) {
  const caseAction = useApp((s) => s.caseAction);
  const me = useApp((s) => s.settings?.analyst ?? '');
  const r = d.record;
  return (
    <section className="panel" aria-labelledby="transfer-h">
      <h3 id="transfer-h">Transfer</h3>
      <dl className="facts">
        <dt>Amount</dt>
        <dd className="num">
          {r.amount} {r.asset} on {r.network}
        </dd>
        <dt>Fiat value</dt>
        <dd className="num">{r.fiatValue ? `${r.fiatValue.amount} ${r.fiatValue.currency}` : '—'}</dd>
        <dt>Transfer time</dt>
        <dd>{time(r.transferTime, true)} UTC</dd>
        <dt>From wallet</dt>
        <dd>
          <code>{r.originatorWallet}</code>
        </dd>
        <dt>To wallet</dt>
        <dd>
          <code>{r.beneficiaryWallet}</code>
        </dd>
        <dt>Wallet</dt>
        <dd>{r.walletType === 'unhosted' ? 'Self-hosted (unhosted)' : 'Hosted by a VASP'}</dd>
        <dt>Transaction hash</dt>
        <dd>{r.txHash ? <code>{r.txHash}</code> : <span className="muted">not yet on chain</span>}</dd>
        <dt>Source</dt>
        <dd data-testid="case-source">{caseSource(d)}</dd>
        <dt>Analyst</dt>
        <dd>
          {d.assignedTo ?? <span className="muted">unassigned</span>}{' '}
          {d.assignedTo !== me && (
            <button
              type="button"
              onClick={() => void caseAction((c) => c.call('cases.assign', { caseId: r.id, analyst: me }))}
            >
              Assign to me
            </button>
          )}
        </dd>
        <dt>Legal hold</dt>
        <dd>
          {d.legalHold ? (
            <>
              {d.legalHold.reason}{' '}
              <span className="muted">
                ({d.legalHold.setBy}, {time(d.legalHold.setAt)})
              </span>{' '}
              <button
                type="button"
                onClick={() => void caseAction((c) => c.call('cases.hold', { caseId: r.id, reason: null }))}
              >
                Release
              </button>
            </>
          ) : (
            <HoldForm caseId={r.id} />
          )}
        </dd>
      </dl>
    </section>
  );
}

function HoldForm({ caseId }: { caseId: string }) {
  const caseAction = useApp((s) => s.caseAction);
  const [reason, setReason] = useState<string | null>(null);
  if (reason === null) {
    return (
      <>
        <span className="muted">none</span>{' '}
        <button type="button" onClick={() => setReason('')}>
          Place on hold…
        </button>
      </>
    );
  }
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim())
          void caseAction((c) => c.call('cases.hold', { caseId, reason: reason.trim() })).then(() => setReason(null));
      }}
    >
      <label htmlFor="hold-reason" className="sr-only">
        Reason for the legal hold
      </label>
      <input
        id="hold-reason"
        type="text"
        autoFocus
        placeholder="Matter or request it serves"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <button type="submit" disabled={!reason.trim()}>
        Hold
      </button>
    </form>
  );
}

/**
 * Where the case came from, as its arrival was recorded in the audit trail: the backend (address and
 * identity) for a synced case, the file for an import. After a change of backend both kinds live side
 * by side, and this is how the analyst tells them apart (issue 18 point 3).
 */
export function caseSource(d: CaseDetail): string {
  const arrival = d.timeline.find((e) => e.action === 'case.received');
  const x = arrival?.details ?? {};
  const str = (k: string) => (typeof x[k] === 'string' ? x[k] : null);
  const backend = str('backend');
  const id = str('backendId');
  if (backend) return `Backend ${backend}${id ? ` (identity ${id.slice(0, 12)}${id.length > 12 ? '…' : ''})` : ''}`;
  const source = str('source');
  if (source?.startsWith('import:')) return `Imported from ${source.slice('import:'.length)}`;
  if (source === 'sync') return 'Backend (received before backends were told apart)';
  return source ?? 'not recorded';
}
