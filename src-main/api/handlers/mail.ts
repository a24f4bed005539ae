import { randomUUID } from 'node:crypto';
import { AppError } from '../../../src-shared/result';
import { composeMail } from '../../mail/compose';
import { readMailConfig, saveMailConfig } from '../../mail/config';
import { saveCounterpartyKey } from '../../mail/pgp';
import { newMessageId } from '../../mail/reference';
import { processMailOutbox } from '../../mail/send';
import { saveTemplate } from '../../mail/templates';
import { mailSettings, triageList } from '../../mail/views';
import type { AreaHandlers, HandlerContext } from './context';

/** E-mail with counterparties: settings, templates, keys, composing, triage, recording an answer. */
export function mailHandlers({ ws, detail }: HandlerContext): AreaHandlers<
  'mail.settings' | 'mail.configure' | 'mail.template' | 'mail.key' | 'mail.test' | 'mail.compose' | 'mail.triage' | 'mail.attach' | 'mail.recordResponse' | 'mail.sync'
> {
  return {
    'mail.settings': () => mailSettings(ws.database(), ws.mail()?.lastError ?? null),
    'mail.configure': async (input) => {
      const db = ws.database();
      ws.requireSupervisor('change the mail settings');
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
  };
}
