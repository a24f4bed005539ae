import { existsSync } from 'node:fs';
import type { ScreeningCheck } from '../../../src-shared/checks';
import { AppError } from '../../../src-shared/result';
import { runCaseChecks } from '../../checks/run';
import { fetchSource, putInForce, refused } from '../../app/screening-lists';
import { screeningStatus } from '../../screening/manage';
import {
  dispositionById,
  dispositionHistory,
  entryBy,
  importList,
  listVersions,
  recordDisposition,
} from '../../screening/store';
import { getCaseRecord } from '../../store/cases';
import { checksForCase } from '../../store/checks';
import type { AreaHandlers, HandlerContext } from './context';

type Methods =
  | 'screening.lists'
  | 'screening.status'
  | 'screening.import'
  | 'screening.fetch'
  | 'screening.policy'
  | 'screening.dispose'
  | 'screening.confirm'
  | 'screening.history';

/** Sanctions lists (import, fetch, policy, status) and the analyst's disposition of a hit. */
export function screeningHandlers({ ws, detail }: HandlerContext): AreaHandlers<Methods> {
  const status = () => screeningStatus(ws.database(), ws.preferences);
  return {
    'screening.lists': () => listVersions(ws.database()),
    'screening.status': () => status(),
    'screening.import': ({ source, path, allowShrink }) => {
      ws.touch();
      if (!existsSync(path)) throw new AppError('invalid_input', `No such file or folder on this machine: ${path}`);
      try {
        const v = importList(ws.database(), source, path, {
          importedBy: ws.actor,
          allowShrink,
          maxShrink: ws.preferences.screeningMaxShrink,
        });
        putInForce(ws, v, 'file');
      } catch (e) {
        refused(ws, source, e);
      }
      return status();
    },
    'screening.fetch': async ({ source, from, allowShrink }) => {
      ws.touch();
      await fetchSource(ws, source, from, allowShrink);
      return status();
    },
    'screening.policy': (p) => {
      ws.updatePreferences({
        screeningWarnDays: p.warnDays,
        screeningBlockDays: p.blockDays,
        screeningMaxShrink: p.maxShrink,
        screeningTrueMatchFourEyes: p.trueMatchFourEyes,
        screeningFetch: p.fetch,
      });
      ws.audit('screening.policy_changed', {
        warnDays: p.warnDays,
        blockDays: p.blockDays,
        maxShrink: p.maxShrink,
        trueMatchFourEyes: p.trueMatchFourEyes,
        fetchSources: p.fetch.sources,
        everyHours: p.fetch.everyHours,
        from: p.fetch.from,
      });
      return status();
    },
    'screening.dispose': ({ caseId, partyDigest, list, entryId, disposition, reasonCode, note }) => {
      const db = ws.database();
      ws.touch();
      const record = getCaseRecord(db, caseId);
      if (!record) throw new AppError('not_found', `No case ${caseId} in this workstation.`);
      const stored = checksForCase(db, caseId).find((c) => c.name === 'screening')?.result as
        ScreeningCheck | undefined;
      const hit = stored?.hits.find((h) => h.party.digest === partyDigest && h.list === list && h.entryId === entryId);
      if (!hit)
        throw new AppError(
          'not_found',
          'That hit is not on this case (it may have changed since it was shown): reload the case.',
        );
      // A true match, by policy, waits for a second analyst; clearing takes effect at once (it is reasoned and kept).
      const proposed = disposition === 'true_match' && ws.preferences.screeningTrueMatchFourEyes;
      db.transaction(() => {
        const id = recordDisposition(db, {
          partyDigest,
          source: list,
          entryId,
          entryDigest: hit.entryDigest,
          listVersion: hit.listVersion,
          entry: entryBy(db, list, entryId),
          caseId,
          disposition,
          state: proposed ? 'proposed' : 'in_force',
          reasonCode: reasonCode ?? null,
          note,
          analyst: ws.actor,
          decidedAt: new Date().toISOString(),
        });
        ws.audit(
          proposed ? 'screening.true_match_proposed' : 'screening.disposition',
          {
            id,
            list,
            entryId,
            disposition,
            reasonCode: reasonCode ?? null,
            listVersion: hit.listVersion,
            score: hit.score,
            role: hit.party.role,
          },
          caseId,
        );
        runCaseChecks(db, record, ws.checkContext());
      })();
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'screening.confirm': async ({ caseId, proposalId, approver, passphrase, approve, note }) => {
      const db = ws.database();
      ws.touch();
      const p = dispositionById(db, proposalId);
      if (!p || p.state !== 'proposed' || p.caseId !== caseId)
        throw new AppError('not_found', `No proposed true match ${proposalId} on case ${caseId}.`);
      if (dispositionHistory(db, p.partyDigest, p.source, p.entryId).some((r) => r.refersTo === proposalId))
        throw new AppError('conflict', 'That proposal was confirmed or refused already.');
      if (approver === p.analyst)
        throw new AppError('forbidden', 'A second analyst must confirm a true match: not the one who proposed it.');
      try {
        await ws.checkApprover(approver, passphrase);
      } catch (e) {
        if (e instanceof AppError && e.code === 'wrong_passphrase')
          ws.audit('screening.confirm_refused', { proposalId, approver }, caseId);
        throw e;
      }
      const record = getCaseRecord(db, caseId);
      if (!record) throw new AppError('not_found', `No case ${caseId} in this workstation.`);
      db.transaction(() => {
        const id = recordDisposition(db, {
          partyDigest: p.partyDigest,
          source: p.source,
          entryId: p.entryId,
          entryDigest: p.entryDigest,
          listVersion: p.listVersion,
          entry: p.entryData ? JSON.parse(p.entryData) : null,
          caseId,
          disposition: 'true_match',
          state: approve ? 'in_force' : 'refused',
          reasonCode: null,
          note: approve ? p.note : (note ?? null),
          analyst: p.analyst,
          secondAnalyst: approver,
          refersTo: proposalId,
          decidedAt: new Date().toISOString(),
        });
        ws.audit(
          approve ? 'screening.true_match_confirmed' : 'screening.true_match_refused',
          { id, proposalId, approver, note: note ? 'given' : null },
          caseId,
        );
        runCaseChecks(db, record, ws.checkContext());
      })();
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'screening.history': ({ partyDigest, list, entryId }) =>
      dispositionHistory(ws.database(), partyDigest, list, entryId),
  };
}
