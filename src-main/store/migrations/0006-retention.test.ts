import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0006: legal holds and retention tombstones', () => {
  it('adds holds (one per existing case) and tombstones to a version-5 database, keeping its cases and outbox', () => {
    const db = databaseAt(5);
    insertCase(db, 'c1');
    db.prepare(
      "INSERT INTO outbox (kind, case_id, idempotency_key, base_version, payload, next_attempt_at, created_at) VALUES ('decision', 'c1', 'k1', 1, '{}', 't', 't')",
    ).run();
    expect(migrateTo(db, 6)).toBe(6);
    expect(
      db.prepare('SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM outbox) AS outbox').get(),
    ).toEqual({ cases: 1, outbox: 1 });

    const hold = db.prepare("INSERT INTO legal_holds VALUES (?, 'matter 7', 'ana', 't')");
    hold.run('c1');
    expect(() => hold.run('c1')).toThrow(/UNIQUE/);
    expect(() => hold.run('no-such-case')).toThrow(/FOREIGN KEY/);
    // A tombstone outlives its case: no foreign key to cases.
    db.prepare(
      "INSERT INTO retention_tombstones VALUES ('gone', 'deposit', 'accepted', 'DE', 't', 'r', 5, 'e', null, null, 'digest', 'p', 1)",
    ).run();
    expect(() => db.prepare("INSERT INTO retention_tombstones (case_id) VALUES ('x')").run()).toThrow(/NOT NULL/);
  });
});
