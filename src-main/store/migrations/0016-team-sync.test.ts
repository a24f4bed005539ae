import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0016: team sync (outbox kinds and actors, per-analyst credentials)', () => {
  it('keeps every outbox row and its id (a conflict still points at it), and takes the new kinds', () => {
    const db = databaseAt(15);
    db.pragma('foreign_keys = ON');
    insertCase(db, 'case-old', {});
    db.prepare(
      "INSERT INTO outbox (id, kind, case_id, idempotency_key, base_version, payload, state, next_attempt_at, created_at) VALUES (7, 'decision', 'case-old', 'k-0000001', 1, '{}', 'conflict', 't', 't')",
    ).run();
    db.prepare(
      "INSERT INTO conflicts (case_id, outbox_id, ours, theirs, detected_at) VALUES ('case-old', 7, '{}', '{}', 't')",
    ).run();
    expect(migrateTo(db, 16)).toBe(16);
    expect(db.prepare('SELECT id, kind, state, actor FROM outbox').all()).toEqual([
      { id: 7, kind: 'decision', state: 'conflict', actor: null },
    ]);
    expect(db.prepare('SELECT outbox_id FROM conflicts').all()).toEqual([{ outbox_id: 7 }]);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const add = db.prepare(
      "INSERT INTO outbox (kind, case_id, idempotency_key, base_version, payload, next_attempt_at, created_at, actor) VALUES (?, ?, ?, 1, '{}', 't', 't', 'Ana')",
    );
    for (const [i, kind] of ['proposal', 'decline', 'assignment'].entries()) add.run(kind, 'case-old', `k-new-${i}`);
    add.run('revocation', null, 'k-revoke-1'); // a revocation concerns an analyst, not a case
    expect(() => add.run('anything', 'case-old', 'k-bad-0001')).toThrow(/CHECK constraint/);
    db.prepare("INSERT INTO backend_credentials (analyst, credential, set_at) VALUES ('Ana', 'secret', 't')").run();
    expect(db.prepare('SELECT from_backend FROM decision_proposals').all()).toEqual([]);
  });
});
