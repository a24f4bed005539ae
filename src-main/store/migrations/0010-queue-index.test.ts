import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0010: the queue index', () => {
  it('adds a covering index the queue count is answered from, and keeps the cases', () => {
    const db = databaseAt(9);
    for (let i = 0; i < 20; i++)
      insertCase(db, `c${String(i).padStart(2, '0')}`, {
        status: i % 2 ? 'pending_review' : 'accepted',
        direction: i % 3 ? 'deposit' : 'withdrawal',
      });
    expect(migrateTo(db, 10)).toBe(10);
    expect(
      db.prepare("SELECT count(*) AS n FROM cases WHERE status = 'pending_review' AND direction = 'deposit'").get(),
    ).toEqual({ n: 7 });
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM cases WHERE status = 'pending_review' AND direction = 'deposit'",
      )
      .all() as { detail: string }[];
    // Answered from the index alone: no case row (with its IVMS101 JSON) is read.
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX cases_queue/);
  });
});
