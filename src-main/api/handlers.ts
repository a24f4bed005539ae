import { verifyAudit } from '../audit/chain';
import { AppError } from '../../src-shared/result';
import { countCases, getCaseRecord, listCases } from '../store/cases';
import { checksForCase } from '../store/checks';
import { defaultRulePack } from '../rules/pack';
import { listVersions, saveDisposition } from '../screening/store';
import { runCaseChecks } from '../checks/run';
import { recordDecision } from '../cases/decide';
import { caseDetail } from '../cases/detail';
import { addAnalyst, listAnalysts, proposeDecision, reviewProposal, verifyAnalyst } from '../cases/four-eyes';
import { recheckAll } from '../checks/run';
import { dashboard } from '../dashboard/summary';
import { parseSelection } from '../export/selection';
import { setLegalHold } from '../retention/holds';
import { dbRates } from '../rules/fx';
import { deleteView, listViews, saveView } from '../store/views';
import { randomUUID } from 'node:crypto';
import { composeMail } from '../mail/compose';
import { readMailConfig, saveMailConfig } from '../mail/config';
import { saveCounterpartyKey } from '../mail/pgp';
import { newMessageId } from '../mail/reference';
import { processMailOutbox } from '../mail/send';
import { saveTemplate } from '../mail/templates';
import { mailSettings, triageList } from '../mail/views';
import type { ScreeningCheck } from '../../src-shared/checks';
import type { Workstation } from '../app/workstation';
import type { Handlers } from './dispatcher';

const notConfigured = () => ({ configured: false, online: false, lastSyncAt: null, lastError: 'no backend configured', cursor: 0, outboxDepth: 0, conflicts: 0, quarantined: 0 });

/** The contract's methods, implemented over the core. Thin: the logic lives in the areas. */
export function createHandlers(ws: Workstation): Handlers {
  /** The last count per filter: tells a page query whether to walk the sort index or the filter's. */
  const matchCounts = new Map<string, number>();
  const filterContext = () => ({ now: new Date().toISOString(), slaHours: ws.preferences.slaHours });
  const detail = (id: string) => caseDetail(ws.database(), id, { policy: ws.preferences.fourEyes, rates: dbRates(ws.database()) });
  const settings = () => {
    const p = ws.preferences;
    return { idleLockMinutes: p.idleLockMinutes, homeJurisdiction: p.homeJurisdiction, slaHours: p.slaHours, fourEyes: p.fourEyes, retentionSchedule: p.retentionSchedule, backendUrl: p.backendUrl, analyst: ws.actor };
  };
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
    'settings.get': () => settings(),
    'settings.update': (patch) => {
      const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      ws.updatePreferences(clean);
      if (Object.keys(clean).length) ws.audit('settings.changed', { keys: Object.keys(clean) });
      if (patch.homeJurisdiction) recheckAll(ws.database(), ws.checkContext());
      return settings();
    },
    'cases.list': ({ offset, limit, sort, filter, count }) => {
      const db = ws.database();
      ws.touch();
      const ctx = filterContext();
      const key = JSON.stringify(filter);
      const total = count ? countCases(db, filter, ctx) : (matchCounts.get(key) ?? -1);
      if (count) matchCounts.set(key, total);
      return { total: count ? total : -1, rows: listCases(db, { offset, limit, sort, filter }, ctx, total >= 0 ? total : undefined) };
    },
    'cases.facets': () => {
      const db = ws.database();
      const col = (sql: string) => (db.prepare(sql).all() as { v: string }[]).map((r) => r.v);
      return {
        assets: col('SELECT DISTINCT asset AS v FROM cases ORDER BY asset'),
        jurisdictions: col('SELECT DISTINCT counterparty_jurisdiction AS v FROM cases WHERE counterparty_jurisdiction IS NOT NULL ORDER BY v'),
        // Distinct ids come off the index; one name lookup each (a GROUP BY read a million rows).
        counterparties: col('SELECT DISTINCT counterparty_vasp_id AS v FROM cases WHERE counterparty_vasp_id IS NOT NULL')
          .map((vaspId) => ({ vaspId, name: (db.prepare('SELECT counterparty_name AS n FROM cases WHERE counterparty_vasp_id = ? LIMIT 1').get(vaspId) as { n: string }).n }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        analysts: [...new Set([ws.actor, ...listAnalysts(db), ...col('SELECT DISTINCT assigned_to AS v FROM cases WHERE assigned_to IS NOT NULL')])].sort(),
      };
    },
    'cases.get': ({ id }) => {
      ws.touch();
      return detail(id);
    },
    'cases.assign': ({ caseId, analyst }) => {
      const db = ws.database();
      db.transaction(() => {
        const r = db.prepare('UPDATE cases SET assigned_to = ? WHERE id = ?').run(analyst, caseId);
        if (!r.changes) throw new AppError('not_found', `No case ${caseId}.`);
        ws.audit(analyst ? 'case.assigned' : 'case.unassigned', analyst ? { to: analyst } : {}, caseId);
      })();
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'cases.hold': ({ caseId, reason }) => {
      setLegalHold(ws.database(), caseId, reason, ws.actor);
      return detail(caseId);
    },
    'cases.review': async ({ proposalId, approver, passphrase, approve, note }) => {
      const db = ws.database();
      ws.touch();
      const caseId = (db.prepare('SELECT case_id FROM decision_proposals WHERE id = ?').get(proposalId) as { case_id: string } | undefined)?.case_id;
      if (!caseId) throw new AppError('not_found', `No proposal ${proposalId}.`);
      if (!(await verifyAnalyst(db, approver, passphrase))) {
        ws.audit('decision.review_refused', { proposalId, approver }, caseId);
        throw new AppError('wrong_passphrase', `That is not ${approver}'s passphrase.`);
      }
      reviewProposal(db, { proposalId, approver, approve, note: note ?? null });
      if (approve) await ws.syncEngine()?.push().catch(() => 0);
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'conflicts.resolve': ({ conflictId, resolution }) => {
      const db = ws.database();
      const c = db.prepare('SELECT case_id, resolved_at FROM conflicts WHERE id = ?').get(conflictId) as { case_id: string; resolved_at: string | null } | undefined;
      if (!c) throw new AppError('not_found', `No conflict ${conflictId}.`);
      if (c.resolved_at) throw new AppError('conflict', 'That conflict was resolved already.');
      db.transaction(() => {
        db.prepare('UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE id = ?').run(new Date().toISOString(), resolution, conflictId);
        ws.audit('sync.conflict_resolved', { conflictId, resolution }, c.case_id);
      })();
      ws.syncEngine()?.announce();
      return detail(c.case_id);
    },
    'views.list': () => listViews(ws.database()),
    'views.save': (v) => {
      saveView(ws.database(), v, ws.actor);
      return listViews(ws.database());
    },
    'views.delete': ({ name }) => {
      deleteView(ws.database(), name);
      return listViews(ws.database());
    },
    'analysts.list': () => listAnalysts(ws.database()),
    'analysts.add': async ({ name, passphrase }) => {
      await addAnalyst(ws.database(), name, passphrase, ws.actor);
      return listAnalysts(ws.database());
    },
    'dashboard.get': () => dashboard(ws.database(), { now: new Date(), slaHours: ws.preferences.slaHours }),
    'export.publicKey': () => {
      const k = ws.signingKey();
      return { pem: k.publicKeyPem, fingerprint: k.fingerprint };
    },
    'export.start': (selection) => ws.startExportJob(parseSelection(selection)),
    'export.cancel': ({ id }) => ws.cancelExportJob(id),
    'export.jobs': () => ws.exportJobs(),
    'mail.settings': () => mailSettings(ws.database(), ws.mail()?.lastError ?? null),
    'mail.configure': async (input) => {
      const db = ws.database();
      const old = readMailConfig(db);
      const keep = (s: typeof input.smtp, prev: { password: string } | undefined) => {
        const password = s.password ?? prev?.password;
        if (!password) throw new AppError('invalid_input', `Mail settings: the ${s === input.smtp ? 'SMTP' : 'IMAP'} password is needed the first time.`);
        return { ...s, password };
      };
      saveMailConfig(db, { ...input, smtp: keep(input.smtp, old?.smtp), imap: keep(input.imap, old?.imap) });
      ws.audit('mail.configured', { smtpHost: input.smtp.host, imapHost: input.imap.host });
      await ws.restartMail();
      return mailSettings(db, null);
    },
    'mail.template': ({ kind, subject, body }) => {
      saveTemplate(ws.database(), kind, { subject, body });
      ws.audit('mail.template_changed', { kind });
      return mailSettings(ws.database(), ws.mail()?.lastError ?? null);
    },
    'mail.key': async ({ vaspId, armored }) => {
      const fingerprint = await saveCounterpartyKey(ws.database(), vaspId, armored, ws.actor);
      ws.audit('mail.key_added', { vaspId, fingerprint });
      return mailSettings(ws.database(), ws.mail()?.lastError ?? null);
    },
    'mail.test': async () => {
      const db = ws.database();
      const config = readMailConfig(db);
      if (!config) throw new AppError('unavailable', 'Mail is not set up yet.');
      const now = new Date().toISOString();
      const id = Number(
        db
          .prepare(
            `INSERT INTO mail_messages (case_id, direction, kind, message_id, subject, from_addr, to_addr, body_text, state, next_attempt_at, created_at)
             VALUES (NULL, 'out', 'test', ?, 'Waybill test message', ?, ?, 'This is a test message from Waybill. It carries no personal data.', 'queued', ?, ?)`,
          )
          .run(newMessageId(config.address), config.address, config.address, now, now).lastInsertRowid,
      );
      const r = await processMailOutbox(db, { actor: ws.actor });
      const row = db.prepare('SELECT state, last_error FROM mail_messages WHERE id = ?').get(id) as { state: string; last_error: string | null };
      if (row.state !== 'sent') db.prepare("DELETE FROM mail_messages WHERE id = ? AND state != 'sent'").run(id); // a test is not retried
      return { sent: row.state === 'sent', error: row.state === 'sent' ? null : (row.last_error ?? r.error ?? 'not sent') };
    },
    'mail.compose': async ({ caseId, kind, note }) => {
      const db = ws.database();
      ws.touch();
      const last = db.prepare("SELECT kind, reason_codes FROM decisions WHERE case_id = ? ORDER BY decided_at DESC LIMIT 1").get(caseId) as { kind: string; reason_codes: string } | undefined;
      await composeMail(db, { caseId, kind, note: note ?? null, actor: ws.actor, decision: last ? { kind: last.kind, reasonCodes: JSON.parse(last.reason_codes) as string[] } : null });
      void ws.mail()?.cycle();
      return detail(caseId);
    },
    'mail.triage': () => triageList(ws.database()),
    'mail.attach': ({ mailId, caseId }) => {
      const db = ws.database();
      db.transaction(() => {
        if (!db.prepare('SELECT 1 FROM cases WHERE id = ?').get(caseId)) throw new AppError('not_found', `No case ${caseId}.`);
        const r = db.prepare("UPDATE mail_messages SET case_id = ?, state = 'attached' WHERE id = ? AND state = 'triage'").run(caseId, mailId);
        if (!r.changes) throw new AppError('conflict', 'That message is not in triage any more.');
        ws.audit('mail.attached', { mailId }, caseId);
      })();
      ws.events.emit('cases.changed', { count: 1 });
      return triageList(db);
    },
    'mail.recordResponse': async ({ mailId, outcome, reason }) => {
      const db = ws.database();
      const m = db.prepare("SELECT case_id, received_at FROM mail_messages WHERE id = ? AND direction = 'in'").get(mailId) as { case_id: string | null; received_at: string } | undefined;
      if (!m?.case_id) throw new AppError('invalid_input', 'Record an answer from a received message that belongs to a case.');
      const c = db.prepare('SELECT version FROM cases WHERE id = ?').get(m.case_id) as { version: number };
      const now = new Date().toISOString();
      db.transaction(() => {
        db.prepare(`INSERT INTO outbox (kind, case_id, idempotency_key, base_version, payload, next_attempt_at, created_at) VALUES ('counterparty_response', ?, ?, ?, ?, ?, ?)`).run(
          m.case_id,
          randomUUID(),
          c.version,
          JSON.stringify({ outcome, reason: reason ?? null, receivedAt: m.received_at, via: 'email' }),
          now,
          now,
        );
        ws.audit('mail.response_recorded', { mailId, outcome }, m.case_id);
      })();
      await ws.syncEngine()?.push().catch(() => 0);
      return detail(m.case_id);
    },
    'mail.sync': async () => {
      await ws.mail()?.cycle();
      return mailSettings(ws.database(), ws.mail()?.lastError ?? null);
    },
    'retention.run': ({ dryRun }) => {
      const r = ws.purgeExpired(dryRun);
      return { today: r.today, dryRun: r.dryRun, purged: r.purged.map((p) => p.caseId), held: r.held.map((h) => h.caseId), unsynced: r.unsynced.map((u) => u.caseId) };
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
      return detail(caseId);
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
      const before = detail(caseId);
      if (!before.decidable.ok) throw new AppError('conflict', before.decidable.reason ?? 'This case cannot be decided now.');
      const input = { caseId, kind, reasonCodes, note: note ?? null, analyst: ws.actor };
      if (before.fourEyes.length) {
        // High risk: the decision waits for a second analyst and does not leave until approved.
        proposeDecision(db, input, before.fourEyes);
      } else {
        recordDecision(db, input);
        // Try to deliver at once; offline it waits in the outbox and shows as "waiting to sync".
        await ws.syncEngine()?.push().catch(() => 0);
      }
      ws.events.emit('cases.changed', { count: 1 });
      return detail(caseId);
    },
    'audit.verify': () => verifyAudit(ws.database()),
  };
}
