import type { ReadableDB, WritableDB } from './db';

// Each analyst's own backend credential (issue 15 point 4), inside the encrypted database: never in
// a file in clear, never in a log, never across IPC or HTTP once set. The engine sends each outbox
// entry with the credential of the analyst who made it.

export function readCredential(db: ReadableDB, analyst: string): string | null {
  return (
    (
      db.prepare('SELECT credential FROM backend_credentials WHERE analyst = ?').get(analyst) as
        { credential: string } | undefined
    )?.credential ?? null
  );
}

export function writeCredential(db: WritableDB, analyst: string, credential: string, at: string): void {
  db.prepare('INSERT OR REPLACE INTO backend_credentials (analyst, credential, set_at) VALUES (?, ?, ?)').run(
    analyst,
    credential,
    at,
  );
}

export function deleteCredential(db: WritableDB, analyst: string): void {
  db.prepare('DELETE FROM backend_credentials WHERE analyst = ?').run(analyst);
}

/** Who holds a credential here (names only). */
export function credentialHolders(db: ReadableDB): string[] {
  return (db.prepare('SELECT analyst FROM backend_credentials ORDER BY analyst').all() as { analyst: string }[]).map(
    (r) => r.analyst,
  );
}
