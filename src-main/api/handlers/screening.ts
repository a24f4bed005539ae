import type { ScreeningCheck } from '../../../src-shared/checks';
import { AppError } from '../../../src-shared/result';
import { runCaseChecks } from '../../checks/run';
import { listVersions, saveDisposition } from '../../screening/store';
import { getCaseRecord } from '../../store/cases';
import { checksForCase } from '../../store/checks';
import type { AreaHandlers, HandlerContext } from './context';

/** Sanctions lists and the analyst's disposition of a hit. */
export function screeningHandlers({ ws, detail }: HandlerContext): AreaHandlers<'screening.lists' | 'screening.dispose'> {
  return {
    'screening.lists': () => listVersions(ws.database()),
    'screening.dispose': ({ caseId, partyDigest, list, entryId, disposition, note }) => {
      const db = ws.database();
      ws.touch();
      const record = getCaseRecord(db, caseId);
      if (!record) throw new AppError('not_found', `No case ${caseId} in this workstation.`);
      const stored = checksForCase(db, caseId).find((c) => c.name === 'screening')?.result as ScreeningCheck | undefined;
      const hit = stored?.hits.find((h) => h.party.digest === partyDigest && h.list === list && h.entryId === entryId);
      if (!hit) throw new AppError('not_found', 'That hit is not on this case (it may have changed since it was shown): reload the case.');
      db.transaction(() => {
        saveDisposition(db, { partyDigest, source: list, entryId, entryDigest: hit.entryDigest, disposition, note: note ?? null, analyst: ws.actor, decidedAt: new Date().toISOString() });
        ws.audit('screening.disposition', { list, entryId, disposition, score: hit.score, role: hit.party.role }, caseId);
        runCaseChecks(db, record, ws.checkContext());
      })();
      return detail(caseId);
    },
  };
}
