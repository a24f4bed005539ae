import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0003: FX rates', () => {
  it('adds the rates table to a version-2 database with cases, keeping them; one rate per pair, time and source', () => {
    const db = databaseAt(2);
    insertCase(db, 'c1');
    expect(migrateTo(db, 3)).toBe(3);
    expect(db.prepare('SELECT id FROM cases').all()).toEqual([{ id: 'c1' }]);
    const add = db.prepare("INSERT INTO fx_rates VALUES ('EUR', 'USD', ?, '2026-11-20T16:00:00.000Z', 'ECB', 't')");
    add.run('1.0845');
    // The rate is text: a decimal string, never a binary float.
    expect(db.prepare('SELECT rate, typeof(rate) AS t FROM fx_rates').get()).toEqual({ rate: '1.0845', t: 'text' });
    expect(() => add.run('1.09')).toThrow(/UNIQUE/);
  });
});
