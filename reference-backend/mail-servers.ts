import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { SMTPServer } from 'smtp-server';
import type { MailConfig } from '../src-main/mail/config';

// Real mail servers on loopback: Debian's Dovecot (IMAP) holding the compliance mailbox, and an SMTP
// server (smtp-server from npm) playing the exchange's outgoing relay. The relay "delivers" mail
// addressed to the compliance mailbox into Dovecot, as an MTA would: that is where our Bcc copies land.
// The browser and mail tests use them, and so does `npm run demo` (with counterparties that answer:
// reference-backend/correspondents.ts), so they live here, beside the reference exchange.

export const COMPLIANCE = 'compliance@exchange.example';
export const IMAP_PASSWORD = 'imap-password-for-tests';
export const SMTP_USER = 'relay-user';
export const SMTP_PASSWORD = 'smtp-password-for-tests';
const DOVECOT = '/usr/sbin/dovecot';

/** Whether Dovecot (the IMAP server) is installed here. */
export const dovecotInstalled = () => existsSync(DOVECOT);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export interface Dovecot {
  port: number;
  append(raw: string | Buffer): Promise<void>;
  stop(): void;
}

/** Dovecot on loopback with the compliance mailbox, on `port` (a free one if none is given). */
export async function startDovecot(port_?: number): Promise<Dovecot> {
  if (!existsSync(DOVECOT))
    throw new Error('Dovecot is not installed: apt-get install -y dovecot-imapd (.ci/run does).');
  const port = port_ ?? (await freePort());
  const root = process.getuid?.() === 0;
  // Dovecot will not deliver mail as root: as root, the mailbox belongs to Debian's "mail" user.
  const uid = root ? Number(execFileSync('id', ['-u', 'mail']).toString().trim()) : process.getuid!();
  const gid = root ? Number(execFileSync('id', ['-g', 'mail']).toString().trim()) : process.getgid!();
  // Its own folder, traversable by Dovecot's unprivileged auth and mail processes (mkdtemp gives 0700).
  const base = mkdtempSync(join(tmpdir(), 'waybill-dovecot-'));
  chmodSync(base, 0o711);
  for (const d of ['run', 'run/state', 'mail']) mkdirSync(join(base, d), { recursive: true });
  if (root) chownSync(join(base, 'mail'), uid, gid);
  writeFileSync(join(base, 'users'), `${COMPLIANCE}:{PLAIN}${IMAP_PASSWORD}\n`);
  const conf = join(base, 'dovecot.conf');
  writeFileSync(
    conf,
    `protocols = imap
listen = 127.0.0.1
base_dir = ${base}/run
state_dir = ${base}/run/state
instance_name = waybill-test-${port}
log_path = ${base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${base}/mail/%u
mail_uid = ${uid}
mail_gid = ${gid}
first_valid_uid = ${Math.min(uid, 1) || 1}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${base}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${base}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`,
  );
  // Dovecot forks into the background: its output goes to its log, not to pipes we would wait on.
  const r = spawnSync(DOVECOT, ['-c', conf], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`dovecot did not start (exit ${r.status}): see ${base}/dovecot.log`);
  // The compliance mailbox over plain IMAP on loopback: the listener probe and each append.
  const mailbox = () =>
    new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: COMPLIANCE, pass: IMAP_PASSWORD },
      logger: false,
    });
  // Wait for the listener.
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = mailbox();
      c.connect().then(
        () =>
          c.logout().then(
            () => resolve(true),
            () => resolve(true),
          ),
        () => resolve(false),
      );
    });
    if (ok) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  return {
    port,
    async append(raw) {
      const c = mailbox();
      await c.connect();
      try {
        await c.append('INBOX', raw);
      } finally {
        await c.logout().catch(() => undefined);
      }
    },
    stop() {
      spawnSync('doveadm', ['-c', conf, 'stop'], { stdio: 'ignore' });
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export interface Received {
  from: string;
  to: string[];
  raw: string;
}

export interface Relay {
  port: number;
  received: Received[];
  /** Called with each message once it is accepted (the demo's counterparties answer from here). */
  onMessage: ((m: Received) => void) | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The exchange's SMTP relay: requires login, records every message, delivers the compliance copy into Dovecot. */
export async function startRelay(dovecot: Dovecot, port?: number): Promise<Relay> {
  const p = port ?? (await freePort());
  const received: Received[] = [];
  let server: SMTPServer | null = null;
  const relay: Relay = {
    port: p,
    received,
    onMessage: null,
    async start() {
      server = new SMTPServer({
        secure: false,
        disabledCommands: ['STARTTLS'],
        authOptional: false,
        logger: false,
        onAuth(auth, _session, cb) {
          if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
          else cb(new Error('Invalid username or password'));
        },
        onData(stream, session, cb) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            const to = session.envelope.rcptTo.map((r) => r.address);
            const m = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to, raw };
            received.push(m);
            // Local delivery happens before the relay says "250 OK", like a real MTA's queue.
            (to.includes(COMPLIANCE) ? dovecot.append(raw) : Promise.resolve()).then(
              () => {
                cb();
                relay.onMessage?.(m);
              },
              (e: Error) => cb(e),
            );
          });
        },
      });
      // A port in use is an error to the caller (the demo names the port), not an unhandled 'error' event.
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(p, '127.0.0.1', () => resolve());
      });
    },
    async stop() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
  await relay.start();
  return relay;
}

export function mailConfig(dovecot: Dovecot, relay: Relay): MailConfig {
  return {
    smtp: {
      host: '127.0.0.1',
      port: relay.port,
      secure: false,
      user: SMTP_USER,
      password: SMTP_PASSWORD,
      allowInsecureLoopback: true,
    },
    imap: {
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      user: COMPLIANCE,
      password: IMAP_PASSWORD,
      allowInsecureLoopback: true,
    },
    address: COMPLIANCE,
    displayName: 'Exchange Travel Rule Compliance',
    dataMode: 'inline',
  };
}
