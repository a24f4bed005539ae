import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openDatabase, type WritableDB } from '../../src-main/store/db';

/** A real SQLCipher file in a temp folder, with a random key. */
export function openTestDb(dir: string, key: Buffer = randomBytes(32)): { db: WritableDB; key: Buffer; file: string } {
  const file = join(dir, 'cases.db');
  return { db: openDatabase(file, key), key, file };
}

/** A minimal case row, enough for rows that reference their case (checks, notes) in tests of those rows. */
export function insertStubCase(db: WritableDB, id: string): void {
  db.prepare(
    `INSERT INTO cases (id, direction, status, asset, network, amount, transfer_time, originator_wallet, beneficiary_wallet, wallet_type, ivms101, version, created_at, updated_at, received_at)
     VALUES (?, 'deposit', 'pending_review', 'BTC', 'bitcoin', '1', 't', 'a', 'b', 'hosted', '{}', 1, 't', 't', 't')`,
  ).run(id);
}
