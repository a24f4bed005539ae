import { z } from 'zod';
import { AppError } from '../../src-shared/result';
import type { ReadableDB, WritableDB } from '../store/db';
import { readSetting, writeSetting } from '../store/settings';

// Mail settings, passwords included, live in the encrypted database (the vault), never in
// preferences.json. TLS is required; only a server on the loopback interface may be used without it,
// and only when that is asked for explicitly (the tests' local servers).

const server = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    /** Implicit TLS (465 / 993). Otherwise STARTTLS is required unless insecure loopback is allowed. */
    secure: z.boolean(),
    user: z.string().min(1).max(255),
    password: z.string().min(1).max(1024),
    allowInsecureLoopback: z.boolean().default(false),
  })
  .strict();

export const mailConfigSchema = z
  .object({
    smtp: server,
    imap: server,
    /** Our compliance address: From, and the mailbox that receives replies (and a copy of what we send). */
    address: z.email(),
    displayName: z.string().min(1).max(100).default('Travel Rule Compliance'),
    /** How personal data travels: in the body (encrypted when the counterparty's key is on file) or only as an encrypted attachment. */
    dataMode: z.enum(['inline', 'encrypted_attachment']).default('inline'),
  })
  .strict();
export type MailConfig = z.infer<typeof mailConfigSchema>;
export type ServerConfig = MailConfig['smtp'];

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Refuses a plaintext connection to anything but loopback, and to loopback unless asked for. */
export function tlsPolicy(s: ServerConfig, what: 'SMTP' | 'IMAP'): { secure: boolean; requireTLS: boolean; ignoreTLS: boolean } {
  if (s.secure) return { secure: true, requireTLS: false, ignoreTLS: false };
  if (s.allowInsecureLoopback) {
    if (!LOOPBACK.has(s.host)) throw new AppError('invalid_input', `${what}: a connection without TLS is only allowed to a server on this machine (loopback), not ${s.host}.`);
    return { secure: false, requireTLS: false, ignoreTLS: true };
  }
  return { secure: false, requireTLS: true, ignoreTLS: false };
}

export function readMailConfig(db: ReadableDB): MailConfig | null {
  const stored = readSetting(db, 'mail.config');
  return stored === null ? null : mailConfigSchema.parse(stored);
}

export function saveMailConfig(db: WritableDB, input: unknown): MailConfig {
  const r = mailConfigSchema.safeParse(input);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new AppError('invalid_input', `Mail settings: ${i.path.join('.')}: ${i.message}.`);
  }
  tlsPolicy(r.data.smtp, 'SMTP');
  tlsPolicy(r.data.imap, 'IMAP');
  writeSetting(db, 'mail.config', r.data);
  return r.data;
}

/** What the UI may see: everything but the passwords. */
export function publicMailConfig(c: MailConfig | null) {
  if (!c) return null;
  const hide = ({ password: _password, ...rest }: ServerConfig) => ({ ...rest, passwordSet: true });
  return { ...c, smtp: hide(c.smtp), imap: hide(c.imap) };
}
