import type { QueueLayout } from '../../src-shared/contract';
import type { ReadableDB, WritableDB } from './db';

// The `settings` table is a key–value store inside the encrypted database. Every key the workstation
// uses is named here, with the type of its value, so a typo is a compile error and a reader finds in
// one place what is kept (and that secrets — the backend token, the signing key, the mail passwords
// and reference key — never leave the vault).

interface Codec<T> {
  encode: (v: T) => string;
  decode: (s: string) => T;
}
const text: Codec<string> = { encode: (v) => v, decode: (s) => s };
const json = <T>(): Codec<T> => ({ encode: (v) => JSON.stringify(v), decode: (s) => JSON.parse(s) as T });
const integer: Codec<number> = { encode: (v) => String(v), decode: (s) => Number(s) };

/** The keys and how each value is stored. JSON values are checked by their owner on read (see mail/config.ts). */
export const SETTINGS = {
  /** The shared workstation token from before per-analyst credentials (store/credentials.ts); read, no longer written. */
  'sync.token': text,
  /** The changes-feed cursor, committed with the page it ends (sync/engine.ts). */
  'sync.cursor': integer,
  /** The team feed's cursor (claims, proposals, reviews, the roster), committed with its page (sync/team.ts). */
  'sync.team_cursor': integer,
  /** Which backend's case store that cursor counts in (its /v1/health backendId): another one restarts the feed. */
  'sync.backend_id': text,
  /** The rule pack digest the stored evaluations rest on (app/workstation.ts re-checks when it changes). */
  'rules.digest': text,
  /** When the scheduled purge last ran, ISO 8601 UTC. */
  'retention.last_run': text,
  /** The workstation's Ed25519 export-signing key, PKCS#8 PEM, created once. */
  'export.signing_key': text,
  /** Mail server settings with their passwords: parsed with mail/config.ts's schema. */
  'mail.config': json<unknown>(),
  /** The analyst's edited mail templates by kind. */
  'mail.templates': json<Record<string, unknown>>(),
  /** The HMAC key of case reference tokens in subjects, hex, created once. */
  'mail.reference_key': text,
  /** The queue's column layouts by saved view name ('' without a view): `QueueLayout` in the contract. */
  'queue.layouts': json<Record<string, QueueLayout>>(),
  /** Where the IMAP reader stopped. */
  'mail.imap.cursor': json<{ uidValidity: string; lastUid: number }>(),
  /** Per analyst, the time of the newest notification they have seen (notifications/feed.ts). */
  'notifications.seen': json<Record<string, string>>(),
};

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K] extends Codec<infer T> ? T : never;

/** The stored value, or null when the key was never written. */
export function readSetting<K extends SettingKey>(db: ReadableDB, key: K): SettingValue<K> | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? (SETTINGS[key] as Codec<SettingValue<K>>).decode(row.value) : null;
}

/** Writes (or replaces) a value. */
export function writeSetting<K extends SettingKey>(db: WritableDB, key: K, value: SettingValue<K>): void {
  db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(
    key,
    (SETTINGS[key] as Codec<SettingValue<K>>).encode(value),
  );
}

/**
 * For a value made once and kept for good (a key): stores `make()` only if nothing is stored yet and
 * returns what is stored, so a second caller never replaces the first one's key.
 */
export function createSetting<K extends SettingKey>(
  db: WritableDB,
  key: K,
  make: () => SettingValue<K>,
): { value: SettingValue<K>; created: boolean } {
  const found = readSetting(db, key);
  if (found !== null) return { value: found, created: false };
  const value = make();
  const r = db
    .prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)')
    .run(key, (SETTINGS[key] as Codec<SettingValue<K>>).encode(value));
  return r.changes ? { value, created: true } : { value: readSetting(db, key)!, created: false };
}
