import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0005: sync outbox and conflicts', () => {
  it('marks the decisions already made as pending sync, and adds an outbox whose idempotency keys are unique', () => {
    const db = databaseAt(4);
    insertCase(db, 'c1');
    db.prepare(
      "INSERT INTO decisions (id, case_id, kind, reason_codes, analyst, case_version, decided_at) VALUES ('d1', 'c1', 'accept', '[]', 'ana', 1, 't')",
    ).run();
    expect(migrateTo(db, 5)).toBe(5);
    // A decision made before sync existed has not reached the backend: it is pending, not lost.
    expect(db.prepare('SELECT id, sync_state FROM decisions').all()).toEqual([{ id: 'd1', sync_state: 'pending' }]);

    const enqueue = db.prepare(
      "INSERT INTO outbox (kind, case_id, idempotency_key, base_version, payload, next_attempt_at, created_at) VALUES ('decision', ?, ?, 1, '{}', 't', 't')",
    );
    const id = Number(enqueue.run('c1', 'k1').lastInsertRowid);
    expect(db.prepare('SELECT state, attempts FROM outbox').get()).toEqual({ state: 'pending', attempts: 0 });
    expect(() => enqueue.run('c1', 'k1')).toThrow(/UNIQUE/);
    expect(() => enqueue.run('no-such-case', 'k2')).toThrow(/FOREIGN KEY/);
    db.prepare(
      "INSERT INTO conflicts (case_id, outbox_id, ours, theirs, detected_at) VALUES ('c1', ?, '{}', '{}', 't')",
    ).run(id);
    expect(() =>
      db
        .prepare(
          "INSERT INTO conflicts (case_id, outbox_id, ours, theirs, detected_at) VALUES ('c1', 999, '{}', '{}', 't')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });
});
