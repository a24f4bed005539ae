import { createHash } from 'node:crypto';
import type { Ivms101Check } from '../../src-shared/checks';
import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import { displayNames } from '../ivms101/display-names';
import { getCaseRecord } from '../store/cases';
import { checksForCase } from '../store/checks';
import type { WritableDB } from '../store/db';
import { readMailConfig } from './config';
import { counterpartyKey, encryptText } from './pgp';
import { caseToken, newMessageId } from './reference';
import { render, templates, type TemplateKind } from './templates';

// Composing works offline: the message is rendered, encrypted where it can be, and queued in the
// encrypted database with its Message-ID. Delivery is the sender's job (send.ts).

export interface ComposeInput {
  caseId: string;
  kind: TemplateKind;
  note?: string | null;
  decision?: { kind: string; reasonCodes: string[] } | null;
  actor: string;
  /** The analyst's edit of the previewed text: sent as it stands, in plain text only (issue 18 point 2). */
  body?: string | null;
}

/** What would be sent, before anything is queued: the analyst reads (and may edit) it first. */
export interface MailPreview {
  to: string;
  subject: string;
  body: string;
  encrypted: boolean;
  attachment: string | null;
}

export interface QueuedMail {
  id: number;
  messageId: string;
  subject: string;
  to: string;
  encrypted: boolean;
}

function missingText(check: Ivms101Check | undefined): string {
  const items = check?.completeness?.missing ?? [];
  const errors = check?.errors ?? [];
  const lines = [
    ...items.map(
      (m) =>
        `- ${m.side === 'originator' ? 'Originator' : 'Beneficiary'}: ${m.items.map((i) => i.label).join(', ')} (required by ${m.jurisdictions.join(', ')})`,
    ),
    ...errors.map((e) => `- ${e.message}`),
  ];
  return lines.length ? lines.join('\n') : '- (nothing is missing according to our checks; see the note)';
}

/** The Travel Rule data as text: names, accounts and the data items the payload carries. */
function dataText(ivms101: Record<string, unknown>): string {
  const names = displayNames(ivms101);
  return [
    `Originator: ${names.originator ?? '(none given)'}`,
    `Beneficiary: ${names.beneficiary ?? '(none given)'}`,
    '',
    'IVMS101 payload:',
    JSON.stringify(ivms101, null, 2),
  ].join('\n');
}

/** Renders the message for a case without queueing it (a preview); nothing is written. */
export async function previewMail(db: WritableDB, input: ComposeInput): Promise<MailPreview> {
  const r = await renderMail(db, input);
  return {
    to: r.to,
    subject: r.rendered.subject,
    body: r.rendered.text,
    encrypted: r.encrypted,
    attachment: r.attachment?.filename ?? null,
  };
}

async function renderMail(db: WritableDB, input: ComposeInput) {
  const config = readMailConfig(db);
  if (!config)
    throw new AppError('unavailable', 'Mail is not set up: add the SMTP and IMAP servers in Settings → Mail.');
  const c = getCaseRecord(db, input.caseId);
  if (!c) throw new AppError('not_found', `No case ${input.caseId}.`);
  if (!c.counterparty)
    throw new AppError(
      'invalid_input',
      'This transfer goes to a self-hosted wallet: there is no counterparty VASP to write to.',
    );
  const to = c.counterparty.email;
  if (!to) throw new AppError('invalid_input', `No compliance e-mail address on file for ${c.counterparty.name}.`);
  if (input.kind === 'tx_hash_forward' && !c.txHash)
    throw new AppError('invalid_input', 'The transfer has no transaction hash yet.');
  const key = counterpartyKey(db, c.counterparty.vaspId);
  const ivms = checksForCase(db, c.id).find((k) => k.name === 'ivms101')?.result as Ivms101Check | undefined;

  // Personal data: in the body (encrypted when we hold their key), or only as an encrypted attachment.
  let data = '';
  let attachment: { filename: string; content: string } | null = null;
  if (input.kind === 'data_notice') {
    if (config.dataMode === 'encrypted_attachment') {
      if (!key)
        throw new AppError(
          'invalid_input',
          `Settings say Travel Rule data goes only as an encrypted attachment, and no OpenPGP key is on file for ${c.counterparty.name}: add their public key first.`,
        );
      attachment = { filename: 'travel-rule-data.asc', content: await encryptText(key.armored, dataText(c.ivms101)) };
      data = `The originator and beneficiary information is in the attached file, encrypted with OpenPGP for your key ${key.fingerprint}.`;
    } else data = dataText(c.ivms101);
  }
  const token = caseToken(db, c.id);
  const rendered = render(templates(db)[input.kind], {
    ref: token,
    caseId: c.id,
    counterparty: c.counterparty.name,
    ourName: config.displayName,
    asset: c.asset,
    amount: c.amount,
    network: c.network,
    transferDate: c.transferTime.slice(0, 10),
    direction: c.direction,
    missing: missingText(ivms),
    decision: input.decision?.kind.replace(/_/g, ' ') ?? '',
    reasons: input.decision?.reasonCodes.join(', ') ?? '',
    note: input.note ?? '',
    txHash: c.txHash ?? '',
    data,
  });
  // With their key on file, the body is encrypted at sending (inline PGP) and the HTML part dropped,
  // as it would carry the same text in clear. Our own copy stays readable, inside the vault.
  return { c, to, config, rendered, attachment, encrypted: key !== null };
}

export async function composeMail(
  db: WritableDB,
  input: ComposeInput,
  now = new Date().toISOString(),
): Promise<QueuedMail> {
  const { c, to, config, rendered, attachment, encrypted } = await renderMail(db, input);
  const edited = typeof input.body === 'string' && input.body !== rendered.text;
  if (edited && !input.body!.trim()) throw new AppError('invalid_input', 'The message is empty: write what to send.');
  // An edited text goes as the analyst left it, without the HTML part (which would be the unedited letter).
  const bodyText = edited ? input.body! : rendered.text;
  const bodyHtml = encrypted || edited ? null : rendered.html;
  const messageId = newMessageId(config.address);
  // The thread: a reply to the last message about this case, if any.
  const last = db
    .prepare('SELECT message_id, refs FROM mail_messages WHERE case_id = ? ORDER BY id DESC LIMIT 1')
    .get(c.id) as { message_id: string; refs: string | null } | undefined;
  const refs = last ? [...(JSON.parse(last.refs ?? '[]') as string[]), last.message_id].slice(-10) : [];
  return db.transaction(() => {
    const r = db
      .prepare(
        `INSERT INTO mail_messages (case_id, direction, kind, message_id, in_reply_to, refs, subject, from_addr, to_addr, body_text, body_html, encrypted, state, next_attempt_at, created_at)
         VALUES (?, 'out', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
      )
      .run(
        c.id,
        input.kind,
        messageId,
        last?.message_id ?? null,
        JSON.stringify(refs),
        rendered.subject,
        config.address,
        to,
        bodyText,
        bodyHtml,
        encrypted ? 1 : 0,
        now,
        now,
      );
    const id = Number(r.lastInsertRowid);
    if (attachment) {
      const content = Buffer.from(attachment.content, 'utf8');
      db.prepare(
        'INSERT INTO mail_attachments (message_id, filename, content_type, size, sha256, content) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(id, attachment.filename, 'application/pgp-encrypted', content.length, sha256(content), content);
    }
    appendAudit(db, {
      actor: input.actor,
      action: 'mail.queued',
      caseId: c.id,
      payload: { mailId: id, kind: input.kind, messageId, encrypted, ...(edited ? { edited: true } : {}) },
      at: now,
    });
    return { id, messageId, subject: rendered.subject, to, encrypted };
  })();
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
