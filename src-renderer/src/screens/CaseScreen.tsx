import { useEffect, useState } from 'react';
import type { Ivms101Check, ScreeningCheck, TravelRuleEvaluation } from '../../../src-shared/checks';
import { ErrorBanner } from '../components/ErrorBanner';
import { human, IVMS_LABEL, KIND_LABEL, SCREENING_LABEL, STATUS_LABEL, SYNC_LABEL, time, TRAVEL_LABEL } from '../format';
import { useApp } from '../state/app-store';
import { useQueue } from '../state/queue-store';
import { DecisionDialog, ReviewDialog, type DecisionKind } from './DecisionDialogs';
import { missingText, PartyView } from './ivms101-view';
import { MailThread } from './MailThread';

export function CaseScreen({ id }: { id: string }) {
  const { detail, navigate, openCase, caseAction, settings, facets, busy } = useApp();
  const [dialog, setDialog] = useState<DecisionKind | 'review' | null>(null);
  const d = detail?.record.id === id ? detail : null;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (dialog || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
      const q = useQueue.getState();
      const step = (by: number) => {
        const next = q.selected + by;
        const row = q.rowAt(next);
        if (row) {
          q.select(next);
          q.ensure(next - 5, next + 5);
          void openCase(row.id);
        }
      };
      const keys: Record<string, () => void> = {
        Escape: () => navigate({ name: 'queue' }),
        j: () => step(1),
        k: () => step(-1),
        a: () => d?.decidable.ok && setDialog('accept'),
        r: () => d?.decidable.ok && setDialog('reject'),
        i: () => d?.decidable.ok && setDialog('request_information'),
      };
      const fn = keys[e.key];
      if (fn) {
        e.preventDefault();
        fn();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [d, dialog, navigate, openCase]);

  if (!d) {
    return (
      <main className="case">
        <ErrorBanner />
        <p className="muted">Loading case {id}…</p>
      </main>
    );
  }
  const r = d.record;
  const check = <T,>(name: string) => d.checks.find((c) => c.name === name) as { outcome: string; summary: string; result: T; computedAt: string; engineVersion: string } | undefined;
  const ivms = check<Ivms101Check>('ivms101');
  const travel = check<TravelRuleEvaluation>('travel_rule');
  const screening = check<ScreeningCheck>('screening');
  const proposal = d.proposals.find((p) => p.state === 'awaiting_approval');
  const openConflicts = d.conflicts.filter((c) => !c.resolvedAt);
  const me = settings?.analyst ?? '';
  return (
    <main className="case" aria-labelledby="case-title">
      <header className="toolbar">
        <button type="button" onClick={() => navigate({ name: 'queue' })} aria-keyshortcuts="Escape">
          ← Queue (Esc)
        </button>
        <h1 id="case-title">
          Case <code>{r.id}</code>
        </h1>
        <span className={`status status-${r.status}`} data-testid="case-status">
          {STATUS_LABEL[r.status] ?? r.status}
        </span>
        <span className="muted">
          {r.direction === 'withdrawal' ? 'Withdrawal (out)' : 'Deposit (in)'} · version {r.version}
        </span>
        <span className="spacer" />
        <button type="button" className="primary" disabled={!d.decidable.ok || busy} onClick={() => setDialog('accept')} aria-keyshortcuts="a">
          Accept (a)
        </button>
        <button type="button" className="danger" disabled={!d.decidable.ok || busy} onClick={() => setDialog('reject')} aria-keyshortcuts="r">
          Reject (r)
        </button>
        <button type="button" disabled={!d.decidable.ok || busy} onClick={() => setDialog('request_information')} aria-keyshortcuts="i">
          Request information (i)
        </button>
      </header>
      <ErrorBanner />
      <div className="case-body">
        <div className="banners">
          {!d.decidable.ok && (
            <p className="notice" data-testid="not-decidable">
              {d.decidable.reason}
            </p>
          )}
          {d.fourEyes.length > 0 && !proposal && d.decidable.ok && (
            <p className="notice" data-testid="four-eyes">
              High risk: a decision here needs a second analyst ({d.fourEyes.join('; ')}).
            </p>
          )}
          {proposal && (
            <div className="notice" data-testid="awaiting-approval">
              <strong>Awaiting a second analyst:</strong> {proposal.proposedBy} proposed to {KIND_LABEL[proposal.kind]?.toLowerCase()}
              {proposal.reasonCodes.length ? ` (${proposal.reasonCodes.join(', ')})` : ''} at {time(proposal.proposedAt)}.{' '}
              <button type="button" onClick={() => setDialog('review')}>
                Review as second analyst…
              </button>
            </div>
          )}
          {openConflicts.map((c) => (
            <div key={c.id} className="error-banner" data-testid="conflict">
              <strong>Sync conflict:</strong> our {KIND_LABEL[c.ours.kind]?.toLowerCase()} by {c.ours.analyst} ({time(c.ours.decidedAt)}) did not land: the backend has the case
              {c.theirs?.status ? ` as ${STATUS_LABEL[c.theirs.status] ?? c.theirs.status}` : ''}
              {c.theirs?.version ? ` (version ${c.theirs.version})` : ''}. Both are kept.{' '}
              <button type="button" onClick={() => void caseAction((cl) => cl.call('conflicts.resolve', { conflictId: c.id, resolution: 'accept_theirs' }))}>
                Accept the backend&apos;s outcome
              </button>{' '}
              <button type="button" onClick={() => void caseAction((cl) => cl.call('conflicts.resolve', { conflictId: c.id, resolution: 'decide_again' }))}>
                Decide again
              </button>
            </div>
          ))}
        </div>

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
            <dt>Analyst</dt>
            <dd>
              {d.assignedTo ?? <span className="muted">unassigned</span>}{' '}
              {d.assignedTo !== me && (
                <button type="button" onClick={() => void caseAction((c) => c.call('cases.assign', { caseId: r.id, analyst: me }))}>
                  Assign to me
                </button>
              )}
            </dd>
            <dt>Legal hold</dt>
            <dd>
              {d.legalHold ? (
                <>
                  {d.legalHold.reason} <span className="muted">({d.legalHold.setBy}, {time(d.legalHold.setAt)})</span>{' '}
                  <button type="button" onClick={() => void caseAction((c) => c.call('cases.hold', { caseId: r.id, reason: null }))}>
                    Release
                  </button>
                </>
              ) : (
                <HoldForm caseId={r.id} />
              )}
            </dd>
          </dl>
        </section>

        <section className="panel" aria-labelledby="cp-h">
          <h3 id="cp-h">Counterparty</h3>
          {r.counterparty ? (
            <dl className="facts">
              <dt>VASP</dt>
              <dd>
                {r.counterparty.name} <span className="muted">({r.counterparty.vaspId})</span>
              </dd>
              <dt>Jurisdiction</dt>
              <dd>{r.counterparty.jurisdiction}</dd>
              <dt>LEI</dt>
              <dd>{r.counterparty.lei ? <code>{r.counterparty.lei}</code> : '—'}</dd>
              <dt>Channel</dt>
              <dd>{r.counterparty.protocol === 'email' ? `E-mail: ${r.counterparty.email ?? 'no address on file'}` : `${r.counterparty.protocol} protocol`}</dd>
              <dt>Due diligence</dt>
              <dd className={r.counterparty.dueDiligence && r.counterparty.dueDiligence !== 'approved' ? 'missing' : undefined}>
                {r.counterparty.dueDiligence ? human(r.counterparty.dueDiligence) : 'not provided by the backend'}
              </dd>
            </dl>
          ) : (
            <p>Self-hosted wallet: no counterparty VASP. {travel?.result.unhosted ? travel.result.unhosted.reason : ''}</p>
          )}
        </section>

        <section className="panel wide" aria-labelledby="tr-h">
          <h3 id="tr-h">
            Travel Rule threshold <span className={`check travel-${travel?.outcome ?? 'none'}`}>{travel ? (TRAVEL_LABEL[travel.outcome] ?? travel.outcome) : 'not evaluated'}</span>
          </h3>
          {travel && (
            <>
              <ul className="why" data-testid="travel-why">
                {travel.result.why.map((w) => (
                  <li key={w}>{w}</li>
                ))}
                {travel.result.warnings.map((w) => (
                  <li key={w} className="warn-text">
                    {w}
                  </li>
                ))}
              </ul>
              <table className="grid compact">
                <thead>
                  <tr>
                    <th>Side</th>
                    <th>Jurisdiction</th>
                    <th>Outcome</th>
                    <th>Rule version</th>
                    <th>Threshold</th>
                    <th>Converted value</th>
                    <th>FX rate used</th>
                    <th>Tier</th>
                  </tr>
                </thead>
                <tbody>
                  {travel.result.sides.map((s) => (
                    <tr key={s.side + s.party}>
                      <td>
                        {s.side} ({s.party})
                      </td>
                      <td>
                        {s.jurisdiction ?? '—'}
                        {s.via && s.via !== s.jurisdiction ? ` via ${s.via}` : ''}
                      </td>
                      <td>{human(s.status)}</td>
                      <td>{s.version ?? '—'}</td>
                      <td className="num">{s.threshold ? `${s.threshold.amount} ${s.threshold.currency}` : '—'}</td>
                      <td className="num">{s.converted ? `${s.converted.amount} ${s.converted.currency}` : '—'}</td>
                      <td>
                        {s.converted?.rates.length
                          ? s.converted.rates.map((x) => `${x.base}/${x.quote} ${x.rate} as of ${time(x.asOf)} (${x.source})${x.stale ? ' STALE' : ''}`).join('; ')
                          : s.converted
                            ? 'same currency'
                            : '—'}
                      </td>
                      <td>{s.tier ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="muted small">
                Evaluated {time(travel.computedAt)} by {travel.engineVersion}; sources: {[...new Set(travel.result.sides.flatMap((s) => s.sources.map((x) => x.label)))].join('; ') || '—'}
              </p>
            </>
          )}
        </section>

        <section className="panel wide" aria-labelledby="ivms-h">
          <h3 id="ivms-h">
            IVMS101 <span className={`check check-${ivms?.outcome ?? 'none'}`}>{ivms ? (IVMS_LABEL[ivms.outcome] ?? ivms.outcome) : 'not checked'}</span>
          </h3>
          {ivms && <p data-testid="ivms-summary">{ivms.summary}</p>}
          {ivms?.result.reason && <p className="problem error">{ivms.result.reason}</p>}
          {ivms?.result.completeness && (
            <div className="checklist" data-testid="completeness">
              <strong>Completeness</strong> for {ivms.result.completeness.evaluated.map((e) => `${e.jurisdiction} (${e.tier})`).join(', ') || 'no jurisdiction'}:{' '}
              {ivms.result.completeness.complete ? <span className="ok-text">everything required is present ✓</span> : <span className="missing">{ivms.result.completeness.missing.length} requirement(s) unmet ✗</span>}
              {ivms.result.completeness.notEvaluated.length > 0 && <span className="warn-text"> · not judged for {ivms.result.completeness.notEvaluated.join(', ')}</span>}
            </div>
          )}
          <div className="parties">
            <PartyView title="Originator" side="originator" payload={r.ivms101} check={ivms?.result ?? null} />
            <PartyView title="Beneficiary" side="beneficiary" payload={r.ivms101} check={ivms?.result ?? null} />
          </div>
        </section>

        <section className="panel" aria-labelledby="scr-h">
          <h3 id="scr-h">
            Sanctions <span className={`check screen-${screening?.outcome ?? 'none'}`}>{screening ? (SCREENING_LABEL[screening.outcome] ?? screening.outcome) : 'not screened'}</span>
          </h3>
          {screening && <p>{screening.summary}</p>}
          {screening?.result.hits.map((h) => (
            <div key={h.party.digest + h.list + h.entryId} className="hit">
              <strong>{h.party.role}</strong> “{h.party.value}” ~ <strong>{h.name}</strong> ({h.list} {h.entryId}, score {h.score.toFixed(3)}) — {h.why}
              {h.disposition ? (
                <span className="muted">
                  {' '}
                  · {human(h.disposition.disposition)} by {h.disposition.analyst}
                </span>
              ) : (
                <>
                  {' '}
                  <button type="button" onClick={() => void caseAction((c) => c.call('screening.dispose', { caseId: r.id, partyDigest: h.party.digest, list: h.list as 'ofac', entryId: h.entryId, disposition: 'false_positive' }))}>
                    False positive
                  </button>{' '}
                  <button type="button" className="danger" onClick={() => void caseAction((c) => c.call('screening.dispose', { caseId: r.id, partyDigest: h.party.digest, list: h.list as 'ofac', entryId: h.entryId, disposition: 'true_match' }))}>
                    True match
                  </button>
                </>
              )}
            </div>
          ))}
        </section>

        <section className="panel" aria-labelledby="aml-h">
          <h3 id="aml-h">Backend AML / security</h3>
          {r.aml ? (
            <>
              <p>
                Risk score <span className={r.aml.riskScore >= 70 ? 'risk high' : 'risk'}>{r.aml.riskScore}</span>
                {r.aml.provider ? <span className="muted"> · {r.aml.provider}</span> : null}
              </p>
              {r.aml.alerts.length ? (
                <ul>
                  {r.aml.alerts.map((a) => (
                    <li key={a}>{a}</li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No alerts.</p>
              )}
            </>
          ) : (
            <p className="muted">No results from the backend yet.</p>
          )}
        </section>

        <section className="panel" aria-labelledby="dec-h">
          <h3 id="dec-h">Decisions</h3>
          {d.decisions.length === 0 && d.proposals.length === 0 && <p className="muted">None yet.</p>}
          <ul className="decisions">
            {d.decisions.map((x) => (
              <li key={x.id} data-testid="decision">
                <strong>{KIND_LABEL[x.kind]}</strong> by {x.analyst}
                {x.approvedBy ? ` (approved by ${x.approvedBy})` : ''} at {time(x.decidedAt)}
                {x.reasonCodes.length ? ` · ${x.reasonCodes.join(', ')}` : ''} ·{' '}
                <span className={`sync sync-${x.syncState}`} data-testid="decision-sync">
                  {SYNC_LABEL[x.syncState]}
                </span>
                {x.syncError ? <span className="muted"> ({x.syncError})</span> : null}
                {x.note && <div className="note">{x.note}</div>}
              </li>
            ))}
            {d.proposals
              .filter((p) => p.state !== 'awaiting_approval')
              .map((p) => (
                <li key={p.id} className="muted">
                  Proposal to {KIND_LABEL[p.kind]?.toLowerCase()} by {p.proposedBy}: {human(p.state)} by {p.reviewedBy} at {time(p.reviewedAt)}
                  {p.reviewNote ? ` — ${p.reviewNote}` : ''}
                </li>
              ))}
          </ul>
        </section>

        <MailThread detail={d} />

        <section className="panel" aria-labelledby="tl-h">
          <h3 id="tl-h">Timeline (audit trail)</h3>
          <ol className="timeline">
            {d.timeline.map((e) => (
              <li key={e.seq}>
                <span className="muted">{time(e.at, true)}</span> <code>{e.action}</code> by {e.actor} <span className="muted">#{e.seq}</span>
              </li>
            ))}
          </ol>
        </section>
      </div>
      {dialog && dialog !== 'review' && <DecisionDialog detail={d} kind={dialog} suggestedNote={missingText(ivms?.result ?? null)} onClose={() => setDialog(null)} />}
      {dialog === 'review' && proposal && <ReviewDialog proposal={proposal} analysts={facets?.analysts ?? []} onClose={() => setDialog(null)} />}
    </main>
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
        if (reason.trim()) void caseAction((c) => c.call('cases.hold', { caseId, reason: reason.trim() })).then(() => setReason(null));
      }}
    >
      <label htmlFor="hold-reason" className="sr-only">
        Reason for the legal hold
      </label>
      <input id="hold-reason" type="text" autoFocus placeholder="Matter or request it serves" value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit" disabled={!reason.trim()}>
        Hold
      </button>
    </form>
  );
}
