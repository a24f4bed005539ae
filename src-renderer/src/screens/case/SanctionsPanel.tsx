import { useState } from 'react';
import { CLEAR_REASONS, type ClearReason, type ScreeningCheck, type ScreeningHit } from '../../../../src-shared/checks';
import type { CaseDetail, DispositionHistoryItem } from '../../../../src-shared/contract';
import { Dialog } from '../../components/Dialog';
import { SecondAnalystForm } from '../../components/SecondAnalystForm';
import { SCREENING_LABEL } from '../../format';
import { useApp } from '../../state/app-store';
import type { PanelCheck } from './checks';

type List = 'ofac' | 'eu' | 'un' | 'uk' | 'csl';
const VERDICT = { false_positive: 'False positive', true_match: 'True match' } as const;
const verdict = (d: NonNullable<ScreeningHit['disposition']>) =>
  `${VERDICT[d.disposition]}${d.reasonCode ? ` (${CLEAR_REASONS[d.reasonCode as ClearReason] ?? d.reasonCode})` : ''} by ${d.analyst}${d.secondAnalyst ? `, confirmed by ${d.secondAnalyst}` : ''}, ${d.decidedAt.replace('T', ' ').slice(0, 16)}, on ${d.listVersion}`;

/** The listed entry beside what matched: the evidence an analyst compares, and the score's parts. */
function Evidence({ hit: h }: { hit: ScreeningHit }) {
  const e = h.evidence;
  const row = (label: string, v: string[] | string | null | undefined) => {
    const items = Array.isArray(v) ? v : v ? [v] : [];
    return (
      <tr>
        <th scope="row">{label}</th>
        <td>{items.length ? items.join('; ') : <span className="muted">not listed</span>}</td>
      </tr>
    );
  };
  return (
    <div className="hit-evidence">
      {h.parts && h.parts.length > 0 && (
        <table className="kv" aria-label="Why it matched">
          <thead>
            <tr>
              <th>field</th>
              <th>ours</th>
              <th>theirs</th>
              <th>effect</th>
            </tr>
          </thead>
          <tbody>
            {h.parts.map((p, i) => (
              <tr key={i}>
                <td>{p.field}</td>
                <td>{p.ours}</td>
                <td>{p.theirs}</td>
                <td>{p.effect}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {e ? (
        <table className="kv" aria-label={`Listed entry ${h.list} ${h.entryId}`} data-testid="hit-evidence">
          <tbody>
            {row('Kind', e.kind)}
            {row('Names and aliases', e.names)}
            {row('Dates of birth', e.birthDates)}
            {row('Places of birth', e.birthPlaces)}
            {row('Nationalities / countries', e.countries)}
            {row(
              'Identifiers',
              e.identifiers.map((x) => `${x.type} ${x.value}${x.country ? ` (${x.country})` : ''}`),
            )}
            {row('Addresses', e.postalAddresses)}
            {row(
              'Wallet addresses',
              e.walletAddresses.map((a) => `${a.chain} ${a.address}`),
            )}
            {row('Programmes / regimes', e.programs)}
            {row('Listed on', e.listedOn)}
            {row('Remarks', e.remarks)}
            {row('List version', h.listVersion)}
          </tbody>
        </table>
      ) : (
        <p className="muted">
          The entry is no longer in the list in force; its evidence is kept with each disposition.
        </p>
      )}
    </div>
  );
}

/** Clearing takes a reason code and a note; a true match takes a note (and, by policy, a second analyst). */
function DispositionDialog({
  caseId,
  hit,
  kind,
  onClose,
}: {
  caseId: string;
  hit: ScreeningHit;
  kind: 'false_positive' | 'true_match';
  onClose: () => void;
}) {
  const { caseAction, busy, error } = useApp();
  const [reason, setReason] = useState<ClearReason | ''>('');
  const [note, setNote] = useState('');
  const invalid = (kind === 'false_positive' && !reason) || !note.trim();
  const submit = async () => {
    if (invalid) return;
    const ok = await caseAction((c) =>
      c.call('screening.dispose', {
        caseId,
        partyDigest: hit.party.digest,
        list: hit.list as List,
        entryId: hit.entryId,
        disposition: kind,
        note: note.trim(),
        ...(kind === 'false_positive' && reason ? { reasonCode: reason } : {}),
      }),
    );
    if (ok) onClose();
  };
  return (
    <Dialog
      title={kind === 'false_positive' ? `Clear the hit on ${hit.name}` : `Record a true match with ${hit.name}`}
      labelledBy="dispose-title"
      onClose={onClose}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p>
          {hit.party.role} “{hit.party.value}” ~ <strong>{hit.name}</strong> ({hit.list} {hit.entryId}, score{' '}
          {hit.score.toFixed(3)})
        </p>
        <Evidence hit={hit} />
        {kind === 'false_positive' ? (
          <>
            <label htmlFor="dispose-reason">Reason</label>
            <select
              id="dispose-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value as ClearReason)}
              autoFocus
            >
              <option value="">Choose why this is not the listed party…</option>
              {Object.entries(CLEAR_REASONS).map(([code, label]) => (
                <option key={code} value={code}>
                  {label}
                </option>
              ))}
            </select>
          </>
        ) : (
          <p className="notice" role="note">
            A true match blocks acceptance. Depending on the policy, it takes effect once a second analyst confirms it.
          </p>
        )}
        <label htmlFor="dispose-note">Note (required: what you compared)</label>
        <textarea id="dispose-note" rows={4} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
        {error && (
          <p className="error-banner" role="alert">
            {error.message}
          </p>
        )}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose}>
            Cancel (Esc)
          </button>
          <button type="submit" className={kind === 'true_match' ? 'danger' : 'primary'} disabled={busy || invalid}>
            {kind === 'false_positive' ? 'Clear the hit' : 'Record true match'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The second analyst confirms (or refuses) a proposed true match with their own name and passphrase. */
function ConfirmDialog({ caseId, hit, onClose }: { caseId: string; hit: ScreeningHit; onClose: () => void }) {
  const { caseAction, busy, error, client } = useApp();
  const pending = hit.pending!;
  const [analysts, setAnalysts] = useState<string[] | null>(null);
  if (analysts === null && client) {
    void client.call('analysts.list', {}).then((a) => setAnalysts(a.filter((x) => x !== pending.analyst)));
  }
  const confirm = async (approve: boolean, approver: string, passphrase: string) => {
    const ok = await caseAction((c) =>
      c.call('screening.confirm', { caseId, proposalId: pending.id, approver, passphrase, approve }),
    );
    if (ok) onClose();
  };
  return (
    <Dialog title="Confirm a true match (second analyst)" labelledBy="confirm-title" onClose={onClose}>
      <p>
        {pending.analyst} proposes a <strong>true match</strong> of {hit.party.role} “{hit.party.value}” with {hit.name}{' '}
        ({hit.list} {hit.entryId}).
      </p>
      {pending.note && <blockquote>{pending.note}</blockquote>}
      <Evidence hit={hit} />
      {analysts && (
        <SecondAnalystForm
          idPrefix="confirm"
          analystLabel="Confirming analyst"
          candidates={analysts}
          error={error}
          busy={busy}
          refuseLabel="Refuse"
          approveLabel="Confirm true match"
          onDecide={confirm}
          onCancel={onClose}
        />
      )}
    </Dialog>
  );
}

function History({ hit }: { hit: ScreeningHit }) {
  const client = useApp((s) => s.client);
  const [items, setItems] = useState<DispositionHistoryItem[] | null>(null);
  if (!items)
    return (
      <button
        type="button"
        className="small-button"
        onClick={() =>
          void client
            ?.call('screening.history', { partyDigest: hit.party.digest, list: hit.list as List, entryId: hit.entryId })
            .then(setItems, () => setItems([]))
        }
      >
        History
      </button>
    );
  return (
    <ol className="hit-history" aria-label="Disposition history">
      {items.length === 0 && <li className="muted">No disposition yet.</li>}
      {items.map((i) => (
        <li key={i.id}>
          {i.decidedAt.replace('T', ' ').slice(0, 16)} ·{' '}
          {i.state === 'proposed'
            ? 'proposed true match'
            : i.state === 'refused'
              ? 'true match refused'
              : VERDICT[i.disposition]}
          {i.reasonCode ? ` (${CLEAR_REASONS[i.reasonCode as ClearReason] ?? i.reasonCode})` : ''} by {i.analyst}
          {i.secondAnalyst ? ` / ${i.secondAnalyst}` : ''} on {i.listVersion}
          {i.note ? ` — “${i.note}”` : ''}
        </li>
      ))}
    </ol>
  );
}

/** Sanctions screening hits: the evidence, the disposition in force (with its reason and history) or the buttons to give one. */
export function SanctionsPanel({
  detail: d,
  screening,
}: {
  detail: CaseDetail;
  screening: PanelCheck<ScreeningCheck> | undefined;
}) {
  const caseId = d.record.id;
  const [open, setOpen] = useState<{ hit: ScreeningHit; kind: 'false_positive' | 'true_match' | 'confirm' } | null>(
    null,
  );
  const [shown, setShown] = useState<string | null>(null);
  return (
    <section className="panel" aria-labelledby="scr-h">
      <h3 id="scr-h">
        Sanctions{' '}
        <span className={`check screen-${screening?.outcome ?? 'none'}`}>
          {screening ? (SCREENING_LABEL[screening.outcome] ?? screening.outcome) : 'not screened'}
        </span>
      </h3>
      {screening && <p>{screening.summary}</p>}
      {screening?.result.hits.map((h) => {
        const key = h.party.digest + h.list + h.entryId;
        return (
          <div key={key} className="hit" data-testid="screening-hit">
            <strong>{h.party.role}</strong> “{h.party.value}” ~ <strong>{h.name}</strong> ({h.list} {h.entryId}, score{' '}
            {h.score.toFixed(3)}) — {h.why}{' '}
            <button
              type="button"
              className="small-button"
              aria-expanded={shown === key}
              onClick={() => setShown(shown === key ? null : key)}
            >
              {shown === key ? 'Hide evidence' : 'Evidence'}
            </button>
            {shown === key && <Evidence hit={h} />}
            {h.disposition && (
              <p className="muted" data-testid="hit-disposition">
                {verdict(h.disposition)}
                {h.disposition.note ? ` — “${h.disposition.note}”` : ''}
              </p>
            )}
            {!h.disposition && h.previous && (
              <p className="notice" role="note">
                The listed entry changed since it was decided: {verdict(h.previous)}. Decide again.
              </p>
            )}
            {h.pending && (
              <p className="notice" role="note" data-testid="hit-pending">
                True match proposed by {h.pending.analyst}, waiting for a second analyst.{' '}
                <button type="button" className="danger" onClick={() => setOpen({ hit: h, kind: 'confirm' })}>
                  Confirm or refuse
                </button>
              </p>
            )}
            {!h.disposition && !h.pending && (
              <p>
                <button type="button" onClick={() => setOpen({ hit: h, kind: 'false_positive' })}>
                  False positive…
                </button>{' '}
                <button type="button" className="danger" onClick={() => setOpen({ hit: h, kind: 'true_match' })}>
                  True match…
                </button>
              </p>
            )}
            <History key={JSON.stringify(h.disposition) + JSON.stringify(h.pending)} hit={h} />
          </div>
        );
      })}
      {open && open.kind !== 'confirm' && (
        <DispositionDialog caseId={caseId} hit={open.hit} kind={open.kind} onClose={() => setOpen(null)} />
      )}
      {open && open.kind === 'confirm' && (
        <ConfirmDialog caseId={caseId} hit={open.hit} onClose={() => setOpen(null)} />
      )}
    </section>
  );
}
