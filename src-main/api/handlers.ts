import { verifyAudit } from '../audit/chain';
import { AppError } from '../../src-shared/result';
import { countCases, getCaseRecord, listCases } from '../store/cases';
import { checksForCase } from '../store/checks';
import { defaultRulePack } from '../rules/pack';
import { listVersions, saveDisposition } from '../screening/store';
import { runCaseChecks } from '../checks/run';
import { recordDecision } from '../cases/decide';
import type { ScreeningCheck } from '../../src-shared/checks';
import type { Workstation } from '../app/workstation';
import type { Handlers } from './dispatcher';

const notConfigured = () => ({ configured: false, online: false, lastSyncAt: null, lastError: 'no backend configured', cursor: 0, outboxDepth: 0, conflicts: 0, quarantined: 0 });

/** The contract's methods, implemented over the core. Thin: the logic lives in the areas. */
export function createHandlers(ws: Workstation): Handlers {
  return {
    'app.status': () => ws.status(),
    'vault.create': async ({ passphrase, rememberOnDevice }) => ws.createVault(passphrase, rememberOnDevice),
    'vault.unlock': async ({ passphrase }) => ws.unlock(passphrase),
    'vault.unlockWithDevice': () => ws.unlockWithDevice(),
    'vault.lock': () => ws.lock('manual'),
    'vault.changePassphrase': async ({ current, next }) => {
      await ws.changePassphrase(current, next);
      return null;
    },
    'session.touch': () => {
      ws.touch();
      return null;
    },
    'settings.get': () => ({ idleLockMinutes: ws.preferences.idleLockMinutes }),
    'settings.update': (patch) => {
      const p = ws.updatePreferences(patch.idleLockMinutes === undefined ? {} : { idleLockMinutes: patch.idleLockMinutes });
      return { idleLockMinutes: p.idleLockMinutes };
    },
    'cases.list': (q) => {
      const db = ws.database();
      ws.touch();
      return { total: countCases(db), rows: listCases(db, q) };
    },
    'cases.get': ({ id }) => {
      const db = ws.database();
      ws.touch();
      const record = getCaseRecord(db, id);
      if (!record) throw new AppError('not_found', `No case ${id} in this workstation.`);
      return { record, checks: checksForCase(db, id) };
    },
    'rules.status': () => {
      const pack = defaultRulePack();
      return { jurisdictions: [...pack.files.values()].filter((f) => f.kind !== 'group').length, digest: pack.digest, errors: pack.errors };
    },
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
      return { record, checks: checksForCase(db, caseId) };
    },
    'sync.status': () => ws.syncEngine()?.status() ?? notConfigured(),
    'sync.configure': ({ url, token }) => {
      ws.configureSync(url, token);
      return ws.syncEngine()?.status() ?? notConfigured();
    },
    'sync.now': async () => {
      const s = ws.syncEngine();
      if (!s) return notConfigured();
      s.retryNow();
      await s.pull().catch(() => {});
      await s.push().catch(() => {});
      return s.status();
    },
    'cases.decide': async ({ caseId, kind, reasonCodes, note }) => {
      const db = ws.database();
      ws.touch();
      recordDecision(db, { caseId, kind, reasonCodes, note: note ?? null, analyst: ws.actor });
      // Try to deliver at once; offline it waits in the outbox and shows as "waiting to sync".
      await ws.syncEngine()?.push().catch(() => 0);
      const record = getCaseRecord(db, caseId);
      if (!record) throw new AppError('not_found', `No case ${caseId}.`);
      return { record, checks: checksForCase(db, caseId) };
    },
    'audit.verify': () => verifyAudit(ws.database()),
  };
}
