import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { WritableDB } from '../store/db';
import { createSetting } from '../store/settings';

// A case reference that survives a reply: the Message-ID chain (In-Reply-To / References) first, and
// a subject token for mail clients that drop those headers. The token is authenticated with a key
// in the vault, so a counterparty cannot attach mail to a case by typing its id.

const TOKEN = /\[WB:([A-Za-z0-9_-]{1,64}):([0-9a-f]{12})\]/;

function key(db: WritableDB): Buffer {
  return Buffer.from(createSetting(db, 'mail.reference_key', () => randomBytes(32).toString('hex')).value, 'hex');
}

const mac = (k: Buffer, caseId: string) => createHmac('sha256', k).update(`case:${caseId}`).digest('hex').slice(0, 12);

export function caseToken(db: WritableDB, caseId: string): string {
  return `[WB:${caseId}:${mac(key(db), caseId)}]`;
}

export type TokenRead = { kind: 'none' } | { kind: 'valid'; caseId: string } | { kind: 'forged'; caseId: string };

export function readToken(db: WritableDB, subject: string): TokenRead {
  const m = TOKEN.exec(subject);
  if (!m) return { kind: 'none' };
  const expected = Buffer.from(mac(key(db), m[1]!));
  const given = Buffer.from(m[2]!);
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { kind: 'valid', caseId: m[1]! }
    : { kind: 'forged', caseId: m[1]! };
}

export function newMessageId(address: string): string {
  const domain = address.split('@')[1] ?? 'waybill.invalid';
  return `<wb.${randomUUID()}@${domain}>`;
}
