import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-case-checks';
import { migrate, schemaVersion } from './index';

describe('migration 0002: case checks', () => {
  it('upgrades a version-1 database with cases in it, keeping them', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration0001]);
    db.prepare(
      `INSERT INTO cases (id, direction, status, asset, network, amount, transfer_time, originator_wallet, beneficiary_wallet, wallet_type, ivms101, version, created_at, updated_at, received_at)
       VALUES ('c1', 'deposit', 'pending_review', 'BTC', 'bitcoin', '1', 't', 'a', 'b', 'hosted', '{}', 1, 't', 't', 't')`,
    ).run();
    expect(migrate(db, [migration0001, migration0002])).toBe(2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT count(*) AS n FROM cases').get()).toEqual({ n: 1 });
    db.prepare("INSERT INTO case_checks VALUES ('c1', 'ivms101', 'pass', 'ok', '{}', 'd', 'v', 't')").run();
    // One row per case and check; a case's checks go with it.
    expect(() =>
      db.prepare("INSERT INTO case_checks VALUES ('c1', 'ivms101', 'pass', 'ok', '{}', 'd', 'v', 't')").run(),
    ).toThrow(/UNIQUE/);
    expect(() =>
      db.prepare("INSERT INTO case_checks VALUES ('nope', 'ivms101', 'pass', 'ok', '{}', 'd', 'v', 't')").run(),
    ).toThrow(/FOREIGN KEY/);
  });
});
