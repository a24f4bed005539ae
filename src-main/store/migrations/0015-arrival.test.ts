import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0015: arrival in the workstation', () => {
  it('back-fills each case from its first audit event, else from when it was received', () => {
    const db = databaseAt(14);
    insertCase(db, 'with-audit');
    insertCase(db, 'without-audit');
    const audit = db.prepare(
      "INSERT INTO audit_events (at, actor, action, case_id, payload, payload_digest, prev_hash, hash) VALUES (?, 'sync', ?, ?, NULL, 'd', 'p', ?)",
    );
    // Out of order on purpose: the earliest event is the arrival, whatever its sequence.
    audit.run('2026-03-05T08:00:00.000Z', 'case.updated', 'with-audit', 'h1');
    audit.run('2026-03-01T09:30:00.000Z', 'case.received', 'with-audit', 'h2');
    expect(migrateTo(db, 15)).toBe(15);
    const arrived = db.prepare('SELECT id, arrived_at AS a FROM cases ORDER BY id').all();
    expect(arrived).toEqual([
      { id: 'with-audit', a: '2026-03-01T09:30:00.000Z' },
      // insertCase writes received_at 2026-01-01 for a case with no audit trail.
      { id: 'without-audit', a: '2026-01-01T00:00:00.000Z' },
    ]);
    const plan = (
      db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT count(*) FROM cases WHERE status = 'pending_review' AND direction = 'deposit' AND arrived_at < '2026-02-01'",
        )
        .all() as { detail: string }[]
    )
      .map((p) => p.detail)
      .join(' ');
    // The SLA filter combined with others is still counted from the queue index alone.
    expect(plan).toMatch(/COVERING INDEX cases_queue/);
  });
});
