import { useState } from 'react';
import { ErrorBanner } from '../components/ErrorBanner';
import { useApp } from '../state/app-store';
import { AmlPanel } from './case/AmlPanel';
import { CaseBanners } from './case/CaseBanners';
import { CaseToolbar } from './case/CaseToolbar';
import { ivmsCheck, screeningCheck, travelCheck } from './case/checks';
import { CounterpartyPanel } from './case/CounterpartyPanel';
import { DataNotice } from './case/DataNotice';
import { DecisionsPanel } from './case/DecisionsPanel';
import { Ivms101Panel } from './case/Ivms101Panel';
import { NotesPanel } from './case/NotesPanel';
import { RepairDialog } from './case/RepairDialog';
import { VersionsPanel } from './case/VersionsPanel';
import { SupersededChecksPanel } from './case/SupersededChecksPanel';
import { SanctionsPanel } from './case/SanctionsPanel';
import { TimelinePanel } from './case/TimelinePanel';
import { TransferPanel } from './case/TransferPanel';
import { TravelRulePanel } from './case/TravelRulePanel';
import { useCaseKeys } from './case/useCaseKeys';
import { DecisionDialog, ReviewDialog, type DecisionKind } from './DecisionDialogs';
import { missingText } from './ivms101-view';
import { MailThread } from './MailThread';

/** One case: a panel per concern (each in screens/case/), the decision keys and dialogs. */
export function CaseScreen({ id }: { id: string }) {
  const detail = useApp((s) => s.detail);
  const facets = useApp((s) => s.facets);
  const [dialog, setDialog] = useState<DecisionKind | 'review' | null>(null);
  // The repair dialog, with the received message the answer came in (null: opened from the record).
  const [repair, setRepair] = useState<{ mailId: number | null } | null>(null);
  const d = detail?.record.id === id ? detail : null;
  useCaseKeys(d, dialog !== null || repair !== null, setDialog);

  if (!d) {
    return (
      <main className="case">
        <ErrorBanner />
        <p className="muted">Loading case {id}…</p>
      </main>
    );
  }
  const ivms = ivmsCheck(d);
  const travel = travelCheck(d);
  const screening = screeningCheck(d);
  const proposal = d.proposals.find((p) => p.state === 'awaiting_approval');
  return (
    <main className="case" aria-labelledby="case-title">
      <CaseToolbar detail={d} onDecide={setDialog} />
      <ErrorBanner />
      <div className="case-body">
        <CaseBanners detail={d} proposal={proposal} onReview={() => setDialog('review')} />
        <DataNotice detail={d} />
        <TransferPanel detail={d} />
        <CounterpartyPanel detail={d} travel={travel} />
        <TravelRulePanel travel={travel} />
        <Ivms101Panel detail={d} ivms={ivms} onRepair={() => setRepair({ mailId: null })} />
        <VersionsPanel detail={d} />
        <SanctionsPanel detail={d} screening={screening} />
        <AmlPanel detail={d} />
        <DecisionsPanel detail={d} />
        <SupersededChecksPanel detail={d} />
        <MailThread detail={d} onRepair={(mailId) => setRepair({ mailId })} />
        <NotesPanel detail={d} />
        <TimelinePanel detail={d} />
      </div>
      {dialog && dialog !== 'review' && (
        <DecisionDialog
          detail={d}
          kind={dialog}
          suggestedNote={missingText(ivms?.result ?? null)}
          onClose={() => setDialog(null)}
        />
      )}
      {repair && (
        <RepairDialog
          detail={d}
          check={ivms?.result ?? null}
          source={d.mail.find((m) => m.id === repair.mailId) ?? null}
          onClose={() => setRepair(null)}
        />
      )}
      {dialog === 'review' && proposal && (
        <ReviewDialog proposal={proposal} analysts={facets?.analysts ?? []} onClose={() => setDialog(null)} />
      )}
    </main>
  );
}
