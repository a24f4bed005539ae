import { z } from 'zod';
import { mailServerSchema, mailSettingsInputSchema } from '../../src-shared/contract';
import { AppError } from '../../src-shared/result';
import type { ReadableDB, WritableDB } from '../store/db';
import { readSetting, writeSetting } from '../store/settings';

// Mail settings, passwords included, live in the encrypted database (the vault), never in
// preferences.json. TLS is required; only a server on the loopback interface may be used without it,
// and only when that is asked for explicitly (the tests' local servers).

// Derived from the API contract's schema (one definition of a mail server): stored, the password is
// required (mail.configure keeps the stored one when it is omitted); `secure` is implicit TLS (465 /
// 993), otherwise STARTTLS is required unless insecure loopback is allowed.
const server = mailServerSchema.extend({ password: z.string().min(1).max(1024) }).strict();

export const mailConfigSchema = mailSettingsInputSchema
  .extend({
    smtp: server,
    imap: server,
    displayName: mailSettingsInputSchema.shape.displayName.default('Travel Rule Compliance'),
    dataMode: mailSettingsInputSchema.shape.dataMode.default('inline'),
  })
  .strict();
export type MailConfig = z.infer<typeof mailConfigSchema>;
export type ServerConfig = MailConfig['smtp'];

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Refuses a plaintext connection to anything but loopback, and to loopback unless asked for. */
export function tlsPolicy(
  s: ServerConfig,
  what: 'SMTP' | 'IMAP',
): { secure: boolean; requireTLS: boolean; ignoreTLS: boolean } {
  if (s.secure) return { secure: true, requireTLS: false, ignoreTLS: false };
  if (s.allowInsecureLoopback) {
    if (!LOOPBACK.has(s.host))
      throw new AppError(
        'invalid_input',
        `${what}: a connection without TLS is only allowed to a server on this machine (loopback), not ${s.host}.`,
      );
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
