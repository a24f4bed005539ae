import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0009: check outcomes on the case row', () => {
  it('copies each existing case check outcome onto its case, and leaves unchecked cases empty', () => {
    const db = databaseAt(8);
    insertCase(db, 'checked');
    insertCase(db, 'unchecked');
    const check = db.prepare("INSERT INTO case_checks VALUES ('checked', ?, ?, 's', '{}', 'd', 'v', 't')");
    check.run('ivms101', 'incomplete');
    check.run('screening', 'possible_match');
    check.run('travel_rule', 'applies');
    expect(migrateTo(db, 9)).toBe(9);
    expect(
      db
        .prepare(
          'SELECT id, ivms101_outcome AS i, screening_outcome AS s, travel_rule_outcome AS t FROM cases ORDER BY id',
        )
        .all(),
    ).toEqual([
      { id: 'checked', i: 'incomplete', s: 'possible_match', t: 'applies' },
      { id: 'unchecked', i: null, s: null, t: null },
    ]);
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT id FROM cases WHERE screening_outcome = 'possible_match' ORDER BY transfer_time",
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/cases_by_screening/);
  });
});
