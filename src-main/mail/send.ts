import type { createTransport as CreateTransport, SendMailOptions } from 'nodemailer';
import type { Logger } from '../platform/log';
import { appendAudit } from '../audit/chain';
import type { WritableDB } from '../store/db';
import { readMailConfig, tlsPolicy, type MailConfig } from './config';
import { deliveredCopy } from './imap';
import { counterpartyKey, encryptText } from './pgp';
import { backoffDelay, MAIL_SEND_BACKOFF } from '../platform/backoff';

// The mail outbox. Each message is sent at most once:
//   1. its Message-ID was fixed when it was composed;
//   2. before the SMTP conversation the row becomes 'sending' (committed);
//   3. after the server accepts it, 'sent' (committed).
// A row found in 'sending' is a message whose fate we do not know (a crash, a connection lost after
// DATA). It is not resent blind: its Message-ID is looked up in our own mailbox, which receives a
// copy of everything we send; found → sent; absent after a grace period → sent again; mailbox
// unreachable → asked again later.

export interface MailTransport {
  sendMail(m: SendMailOptions): Promise<unknown>;
  close?(): void;
}
export type TransportFactory = (c: MailConfig) => MailTransport | Promise<MailTransport>;
export type DeliveryCheck = (c: MailConfig, messageId: string) => Promise<'delivered' | 'not_found' | 'unknown'>;

// nodemailer is loaded on the first send, not when this module is: every CLI command and the app's start
// imported it (about 140 ms) though only the outbox uses it (test/lint/lazy-heavy-modules.test.ts).
let createTransport: typeof CreateTransport | undefined;

export const smtpTransport = async (c: MailConfig): Promise<MailTransport> => {
  const tls = tlsPolicy(c.smtp, 'SMTP');
  createTransport ??= (await import('nodemailer')).createTransport;
  return createTransport({
    host: c.smtp.host,
    port: c.smtp.port,
    secure: tls.secure,
    requireTLS: tls.requireTLS,
    ignoreTLS: tls.ignoreTLS,
    auth: { user: c.smtp.user, pass: c.smtp.password },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
};

export interface OutboxReport {
  sent: number;
  confirmed: number;
  retried: number;
  waiting: number;
  error: string | null;
}

/** Errors after which the message certainly did not leave: retry with backoff. Others are "unknown". */
const DEFINITE = new Set(['ECONNECTION', 'EAUTH', 'EENVELOPE', 'EMESSAGE', 'ETLS', 'EDNS', 'ECONNREFUSED']);

export const backoffMs = (attempts: number) => backoffDelay(attempts, MAIL_SEND_BACKOFF);

export async function processMailOutbox(
  db: WritableDB,
  o: {
    actor: string;
    transport?: TransportFactory;
    check?: DeliveryCheck;
    now?: () => Date;
    graceMs?: number;
    log?: Logger;
  } = { actor: 'system' },
): Promise<OutboxReport> {
  const config = readMailConfig(db);
  const report: OutboxReport = { sent: 0, confirmed: 0, retried: 0, waiting: 0, error: null };
  if (!config) return report;
  const now = () => (o.now ? o.now() : new Date());
  const check = o.check ?? deliveredCopy;
  const grace = o.graceMs ?? 120_000;

  // First the messages whose fate is unknown.
  for (const row of db
    .prepare(
      "SELECT id, case_id, message_id, next_attempt_at FROM mail_messages WHERE direction = 'out' AND state = 'sending'",
    )
    .all() as { id: number; case_id: string | null; message_id: string; next_attempt_at: string }[]) {
    const verdict = await check(config, row.message_id);
    const at = now().toISOString();
    if (verdict === 'delivered') {
      db.transaction(() => {
        db.prepare("UPDATE mail_messages SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?").run(
          at,
          row.id,
        );
        appendAudit(db, {
          actor: o.actor,
          action: 'mail.sent',
          caseId: row.case_id,
          payload: { mailId: row.id, messageId: row.message_id, confirmedBy: 'copy in our mailbox' },
          at,
        });
      })();
      report.confirmed++;
    } else if (verdict === 'not_found' && now().getTime() - Date.parse(row.next_attempt_at) >= grace) {
      db.prepare(
        "UPDATE mail_messages SET state = 'queued', next_attempt_at = ?, last_error = 'not delivered before an interruption; sending again' WHERE id = ?",
      ).run(at, row.id);
      report.retried++;
    } else report.waiting++;
  }

  const due = db
    .prepare(
      "SELECT * FROM mail_messages WHERE direction = 'out' AND state = 'queued' AND next_attempt_at <= ? ORDER BY id",
    )
    .all(now().toISOString()) as Record<string, unknown>[];
  if (due.length === 0) return report;
  const transport = await (o.transport ?? smtpTransport)(config);
  try {
    for (const m of due) {
      const id = m.id as number;
      const startedAt = now().toISOString();
      db.prepare(
        "UPDATE mail_messages SET state = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE id = ? AND state = 'queued'",
      ).run(startedAt, id);
      const attachments = (
        db
          .prepare(
            'SELECT filename, content_type, content FROM mail_attachments WHERE message_id = ? AND content IS NOT NULL',
          )
          .all(id) as { filename: string; content_type: string; content: Buffer }[]
      ).map((a) => ({
        filename: a.filename,
        contentType: a.content_type,
        content: a.content,
      }));
      let text = m.body_text as string;
      if (m.encrypted === 1) {
        const vasp = (
          db.prepare('SELECT counterparty_vasp_id AS v FROM cases WHERE id = ?').get(m.case_id) as
            { v: string | null } | undefined
        )?.v;
        const key = vasp ? counterpartyKey(db, vasp) : null;
        if (!key) {
          db.prepare("UPDATE mail_messages SET state = 'queued', next_attempt_at = ?, last_error = ? WHERE id = ?").run(
            new Date(now().getTime() + 3600_000).toISOString(),
            "the counterparty's OpenPGP key is no longer on file: not sent in clear",
            id,
          );
          continue;
        }
        text = await encryptText(key.armored, text);
      }
      try {
        await transport.sendMail({
          from: { name: config.displayName, address: config.address },
          to: m.to_addr as string,
          bcc: config.address,
          subject: m.subject as string,
          text,
          ...(m.body_html ? { html: m.body_html as string } : {}),
          messageId: m.message_id as string,
          ...(m.in_reply_to ? { inReplyTo: m.in_reply_to as string } : {}),
          ...(m.refs && (JSON.parse(m.refs as string) as string[]).length
            ? { references: JSON.parse(m.refs as string) as string[] }
            : {}),
          attachments,
        });
      } catch (e) {
        const err = e as { code?: string; message?: string; command?: string };
        const msg = `${err.code ?? 'error'}: ${(err.message ?? '').slice(0, 200)}`;
        // nodemailer names the SMTP command that failed: anything before DATA means the message never left.
        const beforeData = typeof err.command === 'string' && !/^DATA|^\./i.test(err.command);
        const connectFailed = err.command === 'CONN' || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(err.message ?? '');
        if ((err.code && DEFINITE.has(err.code)) || beforeData || connectFailed) {
          const attempts = (m.attempts as number) + 1;
          db.prepare("UPDATE mail_messages SET state = 'queued', next_attempt_at = ?, last_error = ? WHERE id = ?").run(
            new Date(now().getTime() + backoffMs(attempts)).toISOString(),
            msg,
            id,
          );
          report.error = msg;
          if (connectFailed || ['ECONNECTION', 'ECONNREFUSED', 'EDNS', 'EAUTH', 'ETLS'].includes(err.code ?? '')) break; // the server is not there: the others wait too
          continue;
        }
        // Lost mid-conversation: it may have gone. Leave it 'sending' for the mailbox check.
        db.prepare('UPDATE mail_messages SET last_error = ? WHERE id = ?').run(
          `${msg} (delivery unknown: checking our mailbox before any resend)`,
          id,
        );
        report.error = msg;
        report.waiting++;
        continue;
      }
      const at = now().toISOString();
      db.transaction(() => {
        db.prepare("UPDATE mail_messages SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?").run(at, id);
        appendAudit(db, {
          actor: o.actor,
          action: 'mail.sent',
          caseId: (m.case_id as string | null) ?? null,
          payload: { mailId: id, messageId: m.message_id, kind: m.kind },
          at,
        });
      })();
      report.sent++;
    }
  } finally {
    transport.close?.();
  }
  if (report.error) o.log?.warn('mail.outbox', { error: report.error.split(':')[0] ?? 'error' });
  return report;
}
