import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

const plan = (db: ReturnType<typeof databaseAt>, sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');

describe('migration 0023: case_checks_by_outcome goes', () => {
  it('drops the index; each read of case_checks still finds its rows by the primary key', () => {
    const db = databaseAt(22);
    insertCase(db, 'a');
    db.prepare(
      `INSERT INTO case_checks (case_id, check_name, outcome, summary, result, inputs_digest, engine_version, computed_at)
       VALUES ('a', 'ivms101', 'pass', 's', '{}', 'd', 'e', 'c')`,
    ).run();
    expect(migrateTo(db, 23)).toBe(23);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'case_checks_by_outcome'").all()).toEqual([]);
    // The reads store/checks.ts, the queue page and the export make.
    for (const sql of [
      "SELECT inputs_digest FROM case_checks WHERE case_id = 'a' AND check_name = 'ivms101'",
      "SELECT * FROM case_checks WHERE case_id = 'a' ORDER BY check_name",
      "SELECT * FROM case_checks WHERE case_id IN ('a', 'b') ORDER BY case_id, check_name",
    ])
      expect(plan(db, sql), sql).toMatch(/USING INDEX sqlite_autoindex_case_checks_1/);
    expect(db.prepare('SELECT outcome FROM case_checks').all()).toEqual([{ outcome: 'pass' }]);
  });
});
