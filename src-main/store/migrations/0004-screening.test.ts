import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0004: sanctions screening', () => {
  it('adds lists, entries and dispositions to a version-3 database, keeping its cases and rates', () => {
    const db = databaseAt(3);
    insertCase(db, 'c1');
    db.prepare("INSERT INTO fx_rates VALUES ('EUR', 'USD', '1.08', 't', 'ECB', 't')").run();
    expect(migrateTo(db, 4)).toBe(4);
    expect(
      db.prepare('SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM fx_rates) AS rates').get(),
    ).toEqual({ cases: 1, rates: 1 });

    const list = db.prepare(
      "INSERT INTO sanctions_lists (source, label, imported_at, entry_count, digest, active) VALUES ('ofac', ?, 't', 1, 'd', ?)",
    );
    const first = Number(list.run('ofac v1', 1).lastInsertRowid);
    // Exactly one version of a list is in force.
    expect(() => list.run('ofac v2', 1)).toThrow(/UNIQUE/);
    list.run('ofac v2', 0);
    db.prepare("INSERT INTO sanctions_entries VALUES (?, '36', '{}')").run(first);
    // A list's entries go with it.
    db.prepare('DELETE FROM sanctions_lists WHERE id = ?').run(first);
    expect(db.prepare('SELECT count(*) AS n FROM sanctions_entries').get()).toEqual({ n: 0 });
    expect(() =>
      db.prepare("INSERT INTO screening_dispositions VALUES ('p', 'ofac', '36', 'e', 'maybe', null, 'ana', 't')").run(),
    ).toThrow(/CHECK/);
  });
});
