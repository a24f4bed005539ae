import Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS, migrate } from '../../src-main/store/migrations/index';

/** An in-memory case database at schema `version` (foreign keys on, as the app opens it). */
export function databaseAt(version: number): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS.slice(0, version));
  return db;
}

/** Applies the migrations up to `version`; returns the schema version reached. */
export function migrateTo(db: Database.Database, version: number): number {
  return migrate(db, MIGRATIONS.slice(0, version));
}

/** A case row with the columns of schema version 1 (every later version keeps them). */
export function insertCase(
  db: Database.Database,
  id: string,
  over: Partial<
    Record<'status' | 'direction' | 'asset' | 'originator_name' | 'counterparty_jurisdiction' | 'transfer_time', string>
  > = {},
): void {
  db.prepare(
    `INSERT INTO cases (id, direction, status, asset, network, amount, transfer_time, originator_wallet, beneficiary_wallet, wallet_type, counterparty_jurisdiction, originator_name, ivms101, version, created_at, updated_at, received_at)
     VALUES (@id, @direction, @status, @asset, 'bitcoin', '1', @transfer_time, 'bc1qorig', 'bc1qbene', 'hosted', @counterparty_jurisdiction, @originator_name, '{}', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
  ).run({
    id,
    direction: 'deposit',
    status: 'pending_review',
    asset: 'BTC',
    originator_name: null,
    counterparty_jurisdiction: null,
    transfer_time: '2026-01-01T00:00:00.000Z',
    ...over,
  });
}
