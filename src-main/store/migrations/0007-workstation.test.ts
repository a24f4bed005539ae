import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0007: assignment, search, second analysts, proposals, saved views', () => {
  it('indexes the existing cases for search, and keeps the index in step with later changes', () => {
    const db = databaseAt(6);
    insertCase(db, 'case-old', { originator_name: 'Müller Anna' });
    db.prepare(
      "INSERT INTO decisions (id, case_id, kind, reason_codes, analyst, case_version, decided_at) VALUES ('d1', 'case-old', 'accept', '[]', 'ana', 1, 't')",
    ).run();
    expect(migrateTo(db, 7)).toBe(7);
    const search = (q: string) => db.prepare('SELECT id FROM cases_fts WHERE cases_fts MATCH ? ORDER BY id').all(q);
    // Rows from before the migration are found (the rebuild), diacritics folded.
    expect(search('muller')).toEqual([{ id: 'case-old' }]);
    insertCase(db, 'case-new', { originator_name: 'Jonas Weber' });
    expect(search('weber')).toEqual([{ id: 'case-new' }]);
    db.prepare("UPDATE cases SET originator_name = 'Jonas Becker' WHERE id = 'case-new'").run();
    expect(search('weber')).toEqual([]);
    expect(search('becker')).toEqual([{ id: 'case-new' }]);

    expect(
      db
        .prepare(
          "SELECT assigned_to, (SELECT approved_by FROM decisions WHERE id = 'd1') AS approved FROM cases WHERE id = 'case-old'",
        )
        .get(),
    ).toEqual({ assigned_to: null, approved: null });
    const propose = db.prepare(
      "INSERT INTO decision_proposals (id, case_id, kind, reason_codes, proposed_by, proposed_at, case_version, why) VALUES (?, 'case-old', ?, '[]', 'ana', 't', 1, '[]')",
    );
    propose.run('p1', 'accept');
    expect(db.prepare('SELECT state FROM decision_proposals').get()).toEqual({ state: 'awaiting_approval' });
    expect(() => propose.run('p2', 'approve-all')).toThrow(/CHECK/);
  });
});
