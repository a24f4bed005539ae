import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate } from './index';

describe('migration 0011: case times in UTC', () => {
  it('converts times stored with an offset or without milliseconds, and leaves the rest alone', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS.slice(0, 10));
    const insert = db.prepare(
      `INSERT INTO cases (id, direction, status, asset, network, amount, transfer_time, originator_wallet, beneficiary_wallet, wallet_type, ivms101, version, created_at, updated_at, received_at)
       VALUES (?, 'deposit', 'pending_review', 'BTC', 'bitcoin', '1', ?, 'a', 'b', 'hosted', '{}', 1, ?, ?, 't')`,
    );
    insert.run('offset', '2026-03-01T01:30:00+02:00', '2026-03-01T00:00:00Z', '2026-02-28T23:59:59.5-05:00');
    insert.run('canonical', '2026-01-02T03:04:05.678Z', '2026-01-02T03:04:05.678Z', '2026-01-02T03:04:05.678Z');
    expect(migrate(db)).toBe(MIGRATIONS.length);
    const rows = db
      .prepare('SELECT id, transfer_time AS t, created_at AS c, updated_at AS u FROM cases ORDER BY id')
      .all();
    expect(rows).toEqual([
      { id: 'canonical', t: '2026-01-02T03:04:05.678Z', c: '2026-01-02T03:04:05.678Z', u: '2026-01-02T03:04:05.678Z' },
      { id: 'offset', t: '2026-02-28T23:30:00.000Z', c: '2026-03-01T00:00:00.000Z', u: '2026-03-01T04:59:59.500Z' },
    ]);
  });
});
