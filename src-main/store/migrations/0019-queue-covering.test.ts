import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';
import { QUEUE_FILTER_COLUMNS, QUEUE_SORT_INDEXES } from './0019-queue-covering';

const columnsOf = (db: ReturnType<typeof databaseAt>, index: string) =>
  (db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(index) as { name: string }[]).map(
    (r) => r.name,
  );

describe('migration 0019: queue sort indexes carry every filter column', () => {
  it('replaces each (column, id) sort index by one holding every filter column after it', () => {
    const db = databaseAt(18);
    insertCase(db, 'a', { counterparty_jurisdiction: 'TR' });
    insertCase(db, 'b', { status: 'escalated' });
    expect(migrateTo(db, 19)).toBe(19);
    for (const s of QUEUE_SORT_INDEXES) {
      expect(columnsOf(db, s.replaces), s.replaces).toEqual([]);
      const cols = columnsOf(db, s.index);
      expect(cols.slice(0, 2), s.index).toEqual([s.column, 'id']);
      expect([...cols].sort(), s.index).toEqual([...new Set([s.column, 'id', ...QUEUE_FILTER_COLUMNS])].sort());
    }
    // 0015 left the travel rule outcome out of the queue index; it is back.
    expect(columnsOf(db, 'cases_queue')).toContain('travel_rule_outcome');
    expect(columnsOf(db, 'cases_queue')).toEqual(expect.arrayContaining([...QUEUE_FILTER_COLUMNS]));
    // A filtered page walks the sort index and tests every condition there, reading no case row.
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT rowid FROM cases INDEXED BY cases_page_by_transfer_time
           WHERE status = 'pending_review' AND counterparty_jurisdiction = 'TR' AND travel_rule_outcome IS NULL
             AND risk_score >= 90 AND arrived_at < '2026-01-02' AND assigned_to IS NULL
           ORDER BY transfer_time DESC, id DESC LIMIT 100`,
        )
        .all() as { detail: string }[]
    ).map((r) => r.detail);
    expect(plan).toEqual(['SCAN cases USING COVERING INDEX cases_page_by_transfer_time']);
    // The rows are untouched.
    expect(db.prepare('SELECT id, status, counterparty_jurisdiction AS j FROM cases ORDER BY id').all()).toEqual([
      { id: 'a', status: 'pending_review', j: 'TR' },
      { id: 'b', status: 'escalated', j: null },
    ]);
  });
});
