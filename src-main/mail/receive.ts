import type { ImapFlow } from 'imapflow';
import type { ParsedMail, simpleParser as SimpleParser } from 'mailparser';
import { appendAudit } from '../audit/chain';
import type { WritableDB } from '../store/db';
import { readSetting, writeSetting } from '../store/settings';
import { sha256 } from './compose';
import type { MailConfig } from './config';
import { imapClient } from './imap';
import { readToken } from './reference';

// Reading the compliance mailbox. Each new message is parsed, matched to its case (our Message-ID in
// In-Reply-To / References first, then the authenticated subject token) and stored, with its
// attachments, in the encrypted database. Anything that cannot be matched or read — no reference, a
// forged one, broken MIME, an oversized attachment — goes to triage with the reason, and the rest of
// the mailbox carries on.

// mailparser (and its encoding tables) is loaded on the first message read, not when this module is: every
// CLI command and the app's start imported it though only the mailbox uses it
// (test/lint/lazy-heavy-modules.test.ts).
let simpleParser: typeof SimpleParser | undefined;

export const MAX_MESSAGE_BYTES = 25 * 2 ** 20;
export const MAX_ATTACHMENT_BYTES = 10 * 2 ** 20;

export interface FetchReport {
  fetched: number;
  matched: number;
  triaged: number;
  ownCopies: number;
}

interface Cursor {
  uidValidity: string;
  lastUid: number;
}

function cursor(db: WritableDB): Cursor {
  return readSetting(db, 'mail.imap.cursor') ?? { uidValidity: '', lastUid: 0 };
}

function setCursor(db: WritableDB, c: Cursor): void {
  writeSetting(db, 'mail.imap.cursor', c);
}

type Match = { caseId: string; via: string } | { caseId: null; reason: string; suggested: string | null };

export function matchCase(db: WritableDB, subject: string, inReplyTo: string | null, references: string[]): Match {
  for (const id of [inReplyTo, ...references].filter((x): x is string => !!x)) {
    const row = db
      .prepare("SELECT case_id FROM mail_messages WHERE message_id = ? AND direction = 'out' AND case_id IS NOT NULL")
      .get(id) as { case_id: string } | undefined;
    if (row) return { caseId: row.case_id, via: 'reply to our message' };
  }
  const token = readToken(db, subject);
  if (token.kind === 'forged')
    return {
      caseId: null,
      reason: `the subject names case ${token.caseId} but its reference code does not check out (forged or damaged)`,
      suggested: null,
    };
  if (token.kind === 'valid') {
    if (db.prepare('SELECT 1 FROM cases WHERE id = ?').get(token.caseId))
      return { caseId: token.caseId, via: 'reference in the subject' };
    return {
      caseId: null,
      reason: `the reference is for case ${token.caseId}, which is not in this workstation`,
      suggested: null,
    };
  }
  return {
    caseId: null,
    reason: 'no case reference: not a reply to our mail and no [WB:…] reference in the subject',
    suggested: null,
  };
}

const addressText = (a: ParsedMail['from'] | ParsedMail['to']) =>
  Array.isArray(a) ? a.map((x) => x.text).join(', ') : (a?.text ?? null);

/** Stores one message as read from the server. Never throws for the content of a message. */
export async function storeMessage(
  db: WritableDB,
  source: Buffer,
  o: { uid: number; uidValidity: string; actor: string; now: string },
): Promise<'matched' | 'triage' | 'own' | 'duplicate'> {
  const synthetic = `<imap.${o.uidValidity}.${o.uid}@waybill.invalid>`;
  const insert = (m: {
    caseId: string | null;
    messageId: string;
    inReplyTo: string | null;
    refs: string[];
    subject: string;
    from: string | null;
    to: string | null;
    text: string | null;
    html: string | null;
    state: 'matched' | 'triage';
    reason: string | null;
  }) =>
    Number(
      db
        .prepare(
          `INSERT INTO mail_messages (case_id, direction, kind, message_id, in_reply_to, refs, subject, from_addr, to_addr, body_text, body_html, state, triage_reason, created_at, received_at, imap_uid)
           VALUES (?, 'in', 'reply', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          m.caseId,
          m.messageId,
          m.inReplyTo,
          JSON.stringify(m.refs),
          m.subject,
          m.from,
          m.to,
          m.text,
          m.html,
          m.state,
          m.reason,
          o.now,
          o.now,
          o.uid,
        ).lastInsertRowid,
    );

  if (source.length > MAX_MESSAGE_BYTES) {
    db.transaction(() => {
      const id = insert({
        caseId: null,
        messageId: synthetic,
        inReplyTo: null,
        refs: [],
        subject: '(not read)',
        from: null,
        to: null,
        text: null,
        html: null,
        state: 'triage',
        reason: `the message is ${(source.length / 2 ** 20).toFixed(1)} MB, over the ${MAX_MESSAGE_BYTES / 2 ** 20} MB limit: not read (IMAP UID ${o.uid})`,
      });
      appendAudit(db, {
        actor: o.actor,
        action: 'mail.triaged',
        payload: { mailId: id, reason: 'too large' },
        at: o.now,
      });
    })();
    return 'triage';
  }
  // Loaded outside the try: a library that will not load is our fault, not the message's, and must not
  // send the message to triage as unreadable.
  simpleParser ??= (await import('mailparser')).simpleParser;
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(source, { skipImageLinks: true, maxHtmlLengthToParse: 2 * 2 ** 20 });
  } catch (e) {
    db.transaction(() => {
      const id = insert({
        caseId: null,
        messageId: synthetic,
        inReplyTo: null,
        refs: [],
        subject: '(unreadable message)',
        from: null,
        to: null,
        text: source.subarray(0, 100_000).toString('latin1'),
        html: null,
        state: 'triage',
        reason: `not readable as MIME (${(e as Error).message.slice(0, 120)}): the raw text is kept for a person to read`,
      });
      appendAudit(db, {
        actor: o.actor,
        action: 'mail.triaged',
        payload: { mailId: id, reason: 'unparseable' },
        at: o.now,
      });
    })();
    return 'triage';
  }
  const messageId = parsed.messageId && /^<[^<>\s]{1,500}>$/.test(parsed.messageId) ? parsed.messageId : synthetic;
  const existing = db.prepare('SELECT direction FROM mail_messages WHERE message_id = ?').get(messageId) as
    { direction: string } | undefined;
  if (existing) return existing.direction === 'out' ? 'own' : 'duplicate';
  const refs = (
    Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : []
  ).slice(0, 50);
  const subject = (parsed.subject ?? '(no subject)').slice(0, 500);
  const match = matchCase(db, subject, parsed.inReplyTo ?? null, refs);
  const tooBig = parsed.attachments.filter((a) => a.size > MAX_ATTACHMENT_BYTES);
  const reason =
    match.caseId === null
      ? match.reason
      : tooBig.length
        ? `attachment ${tooBig.map((a) => `"${a.filename ?? 'unnamed'}" (${(a.size / 2 ** 20).toFixed(1)} MB)`).join(', ')} is over the ${MAX_ATTACHMENT_BYTES / 2 ** 20} MB limit and was not stored; the rest of the message was`
        : null;
  const state = reason ? 'triage' : 'matched';
  db.transaction(() => {
    const id = insert({
      caseId: match.caseId,
      messageId,
      inReplyTo: parsed.inReplyTo ?? null,
      refs,
      subject,
      from: addressText(parsed.from),
      to: addressText(parsed.to),
      text: (parsed.text ?? '').slice(0, 1_000_000),
      html: typeof parsed.html === 'string' ? parsed.html.slice(0, 2_000_000) : null,
      state,
      reason,
    });
    for (const a of parsed.attachments.slice(0, 50)) {
      db.prepare(
        'INSERT INTO mail_attachments (message_id, filename, content_type, size, sha256, content) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(
        id,
        (a.filename ?? 'attachment').slice(0, 200),
        a.contentType.slice(0, 100),
        a.size,
        sha256(a.content),
        a.size > MAX_ATTACHMENT_BYTES ? null : a.content,
      );
    }
    appendAudit(db, {
      actor: o.actor,
      action: state === 'matched' ? 'mail.received' : 'mail.triaged',
      caseId: match.caseId,
      payload: {
        mailId: id,
        attachments: parsed.attachments.length,
        via: match.caseId ? (match as { via: string }).via : null,
      },
      at: o.now,
    });
  })();
  return state;
}

/** Reads every message after the last one seen. Uses `client` when given (the watcher's), else connects. */
export async function fetchInbox(
  db: WritableDB,
  config: MailConfig,
  o: { actor: string; client?: ImapFlow; now?: () => Date },
): Promise<FetchReport> {
  const report: FetchReport = { fetched: 0, matched: 0, triaged: 0, ownCopies: 0 };
  const client = o.client ?? (await imapClient(config));
  const own = !o.client;
  if (own) await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  try {
    const mailbox = client.mailbox;
    const uidValidity = mailbox ? String(mailbox.uidValidity) : '';
    let c = cursor(db);
    if (c.uidValidity !== uidValidity) c = { uidValidity, lastUid: 0 }; // the mailbox was recreated: read it again (Message-IDs dedupe)
    const fresh: { uid: number; source: Buffer }[] = [];
    for await (const msg of client.fetch(`${c.lastUid + 1}:*`, { uid: true, source: true }, { uid: true })) {
      if (msg.uid > c.lastUid && msg.source) fresh.push({ uid: msg.uid, source: msg.source });
    }
    for (const m of fresh.sort((a, b) => a.uid - b.uid)) {
      const outcome = await storeMessage(db, m.source, {
        uid: m.uid,
        uidValidity,
        actor: o.actor,
        now: (o.now ? o.now() : new Date()).toISOString(),
      });
      report.fetched++;
      if (outcome === 'matched') report.matched++;
      else if (outcome === 'triage') report.triaged++;
      else if (outcome === 'own') report.ownCopies++;
      c = { uidValidity, lastUid: m.uid };
      setCursor(db, c);
    }
  } finally {
    lock.release();
    // The report is complete; a session that will not close cleanly is dropped with its socket.
    if (own) await client.logout().catch(() => undefined);
  }
  return report;
}
