import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { VASPS } from '../src-main/cases/world';
import { COMPLIANCE, type Dovecot, type Received, type Relay } from './mail-servers';

// The demo's counterparties without a Travel Rule protocol answer by e-mail, as their compliance desks
// would: a data notice is acknowledged and the transfer approved, a request for information is answered,
// a decision is acknowledged. The answer replies in the thread (In-Reply-To, References, the subject with
// our reference), so the workstation matches it to its case. Loopback only, fictional VASPs only.

/** The e-mail-only counterparties of the generated world, by address. */
const BY_ADDRESS = new Map(VASPS.filter((v) => v.protocol === 'email').map((v) => [v.email.toLowerCase(), v]));

function answerTo(subject: string): string {
  if (/request for missing/i.test(subject))
    return 'Please find the information you asked for: the originator is our verified customer, resident at the address on file with us. We approve the transfer.';
  if (/travel rule information/i.test(subject))
    return 'Thank you: we received the originator and beneficiary information and matched it to our customer. We approve the transfer.';
  return 'Thank you for letting us know; we have recorded it on our side.';
}

/**
 * Makes the relay's e-mail-only counterparties answer each message sent to them, after `delayMs`
 * (a desk takes a moment). Returns a function that stops answering.
 */
export function answerByMail(relay: Relay, dovecot: Dovecot, delayMs = 3000): () => void {
  const timers = new Set<NodeJS.Timeout>();
  const answer = async (m: Received) => {
    const vasp = m.to.map((a) => BY_ADDRESS.get(a.toLowerCase())).find((v) => v !== undefined);
    if (!vasp) return;
    const original = await simpleParser(m.raw);
    const subject = original.subject ?? '';
    const messageId = original.messageId;
    const refs = [original.references ?? []].flat();
    const raw = await new MailComposer({
      from: `${vasp.name} compliance <${vasp.email}>`,
      to: COMPLIANCE,
      subject: /^re:/i.test(subject) ? subject : `Re: ${subject}`,
      ...(messageId ? { inReplyTo: messageId, references: [...refs, messageId] } : {}),
      text: `${answerTo(subject)}\n\nKind regards,\n${vasp.name}`,
    })
      .compile()
      .build();
    await dovecot.append(raw);
  };
  relay.onMessage = (m) => {
    const t = setTimeout(() => {
      timers.delete(t);
      // A counterparty that cannot answer (the mailbox stopped meanwhile) simply does not: mail is like that.
      answer(m).catch(() => undefined);
    }, delayMs);
    t.unref();
    timers.add(t);
  };
  return () => {
    relay.onMessage = null;
    for (const t of timers) clearTimeout(t);
  };
}
