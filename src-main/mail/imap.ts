import type { ImapFlow } from 'imapflow';
import { tlsPolicy, type MailConfig } from './config';

// imapflow is loaded on the first connection, not when this module is: every CLI command and the app's
// start imported it though only the mailbox uses it (test/lint/lazy-heavy-modules.test.ts).
let ImapFlowClass: typeof ImapFlow | undefined;

/** A connection to the compliance mailbox, with the TLS policy applied. */
export async function imapClient(c: MailConfig): Promise<ImapFlow> {
  const tls = tlsPolicy(c.imap, 'IMAP');
  ImapFlowClass ??= (await import('imapflow')).ImapFlow;
  return new ImapFlowClass({
    host: c.imap.host,
    port: c.imap.port,
    secure: tls.secure,
    doSTARTTLS: tls.ignoreTLS ? false : tls.requireTLS ? true : undefined,
    auth: { user: c.imap.user, pass: c.imap.password },
    logger: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 5 * 60_000,
  });
}

/**
 * After a crash between sending and recording, did the message go out? Every message we send is
 * copied (Bcc) to our own compliance mailbox by the mail server, so its Message-ID is looked up there.
 */
export async function deliveredCopy(c: MailConfig, messageId: string): Promise<'delivered' | 'not_found' | 'unknown'> {
  const client = await imapClient(c);
  try {
    await client.connect();
    const lock = await client.getMailboxLock('INBOX');
    try {
      const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      return found && found.length > 0 ? 'delivered' : 'not_found';
    } finally {
      lock.release();
    }
  } catch {
    // The mailbox could not be asked (down, refused): 'unknown' is the answer the caller handles — it
    // neither resends nor marks the message sent.
    return 'unknown';
  } finally {
    // The answer is already decided; a session that will not close cleanly is dropped with the socket.
    await client.logout().catch(() => undefined);
  }
}
