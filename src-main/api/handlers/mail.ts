import { AppError } from '../../../src-shared/result';
import { lastDecision } from '../../cases/assign';
import { attachToCase, recordResponse, sendTestMessage } from '../../mail/actions';
import { composeMail, previewMail } from '../../mail/compose';
import { readMailConfig, saveMailConfig } from '../../mail/config';
import { saveCounterpartyKey } from '../../mail/pgp';
import { saveTemplate } from '../../mail/templates';
import { mailSettings, triageList } from '../../mail/views';
import type { AreaHandlers, HandlerContext } from './context';

/** E-mail with counterparties: settings, templates, keys, composing, triage, recording an answer. */
export function mailHandlers({
  ws,
  detail,
}: HandlerContext): AreaHandlers<
  | 'mail.settings'
  | 'mail.configure'
  | 'mail.template'
  | 'mail.key'
  | 'mail.test'
  | 'mail.compose'
  | 'mail.preview'
  | 'mail.triage'
  | 'mail.attach'
  | 'mail.recordResponse'
  | 'mail.sync'
> {
  return {
    'mail.settings': () => mailSettings(ws.database(), ws.mail()?.lastError ?? null),
    'mail.configure': async (input) => {
      const db = ws.database();
      ws.requireSupervisor('change the mail settings');
      const old = readMailConfig(db);
      const keep = (s: typeof input.smtp, prev: { password: string } | undefined) => {
        const password = s.password ?? prev?.password;
        if (!password)
          throw new AppError(
            'invalid_input',
            `Mail settings: the ${s === input.smtp ? 'SMTP' : 'IMAP'} password is needed the first time.`,
          );
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
      return sendTestMessage(db, config, ws.actor);
    },
    'mail.preview': async ({ caseId, kind, note }) => {
      const db = ws.database();
      return previewMail(db, { caseId, kind, note: note ?? null, actor: ws.actor, decision: lastDecision(db, caseId) });
    },
    'mail.compose': async ({ caseId, kind, note, body }) => {
      const db = ws.database();
      ws.touch();
      await composeMail(db, {
        caseId,
        kind,
        note: note ?? null,
        actor: ws.actor,
        decision: lastDecision(db, caseId),
        body: body ?? null,
      });
      void ws.mail()?.cycle();
      return detail(caseId);
    },
    'mail.triage': () => triageList(ws.database()),
    'mail.attach': ({ mailId, caseId }) => {
      attachToCase(ws.database(), { mailId, caseId, actor: ws.actor });
      ws.events.emit('cases.changed', { count: 1 });
      return triageList(ws.database());
    },
    'mail.recordResponse': async ({ mailId, outcome, reason }) => {
      const caseId = recordResponse(ws.database(), { mailId, outcome, reason: reason ?? null, actor: ws.actor });
      await ws.syncEngine()?.tryNow('push', 'counterparty_response');
      return detail(caseId);
    },
    'mail.sync': async () => {
      await ws.mail()?.cycle();
      return mailSettings(ws.database(), ws.mail()?.lastError ?? null);
    },
  };
}
