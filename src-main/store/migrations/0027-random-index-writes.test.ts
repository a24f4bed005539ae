import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';
import { dashboard } from '../../dashboard/summary';
import { caseFacets } from '../cases';
import type { ReadableDB } from '../db';

const plan = (db: ReturnType<typeof databaseAt>, sql: string) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
/** The entries the index holds (its leaf cells, as SQLite's dbstat counts them). */
const entries = (db: ReturnType<typeof databaseAt>) =>
  (
    db
      .prepare("SELECT coalesce(sum(ncell), 0) AS n FROM dbstat WHERE name = 'cases_by_assignee' AND pagetype = 'leaf'")
      .get() as {
      n: number;
    }
  ).n;
const assign = (db: ReturnType<typeof databaseAt>, id: string, who: string | null) =>
  db.prepare('UPDATE cases SET assigned_to = ? WHERE id = ?').run(who, id);

describe('migration 0027: fewer index entries written for a new case', () => {
  it('keeps an entry per assigned case, none for an unassigned one, and the reads by analyst still seek it', () => {
    const db = databaseAt(26);
    for (const id of ['a', 'b', 'c'])
      insertCase(db, id, { transfer_time: `2026-01-0${id === 'a' ? 1 : 2}T10:00:00.000Z` });
    assign(db, 'a', 'ana');
    assign(db, 'b', 'ben');
    expect(entries(db)).toBe(3); // before: the unassigned case too
    expect(migrateTo(db, 27)).toBe(27);
    expect(entries(db)).toBe(2);
    expect(
      (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'cases_by_assignee'").get() as { sql: string }).sql,
    ).toMatch(/\(assigned_to, transfer_time\) WHERE assigned_to IS NOT NULL$/);

    // A new case arrives unassigned: no entry. Its assignment adds one; taking it back removes it.
    insertCase(db, 'd');
    expect(entries(db)).toBe(2);
    assign(db, 'd', 'ana');
    expect(entries(db)).toBe(3);
    assign(db, 'a', null);
    expect(entries(db)).toBe(2);

    // The queries that read it (the dashboard's volumes for one analyst, the queue's assignee choices)
    // seek it still: each names an analyst or asks for assigned cases, which the index's WHERE covers.
    expect(
      plan(
        db,
        `SELECT substr(transfer_time, 1, 10) AS day, direction, count(*) AS n FROM cases
         WHERE transfer_time >= '2026-01-01' AND transfer_time < '2026-02-01' AND assigned_to = 'ana' GROUP BY day, direction`,
      ),
    ).toMatch(
      /SEARCH cases USING INDEX cases_by_assignee \(assigned_to=\? AND transfer_time>\? AND transfer_time<\?\)/,
    );
    expect(plan(db, 'SELECT DISTINCT assigned_to AS v FROM cases WHERE assigned_to IS NOT NULL')).toMatch(
      /COVERING INDEX cases_by_assignee/,
    );
    expect(caseFacets(db as unknown as ReadableDB).assignees.sort()).toEqual(['ana', 'ben']);
    const d = dashboard(db as unknown as ReadableDB, {
      now: new Date('2026-01-10T00:00:00.000Z'),
      slaHours: 24,
      from: '2026-01-01',
      to: '2026-01-10',
      analyst: 'ana',
    });
    // Ana's cases: d (transferred on 1 Jan by insertCase's default), not a (taken back).
    expect(JSON.stringify(d)).toContain('"day":"2026-01-01","withdrawals":0,"deposits":1');
    expect(JSON.stringify(d)).not.toContain('"day":"2026-01-02","withdrawals":0,"deposits":1');
  });

  it("keeps each counterparty's name from its latest transfer in counterparty_names, and drops cases_by_counterparty", () => {
    const db = databaseAt(26);
    const put = (id: string, vasp: string | null, name: string | null, day: string) => {
      insertCase(db, id, { transfer_time: `${day}T10:00:00.000Z` });
      db.prepare('UPDATE cases SET counterparty_vasp_id = ?, counterparty_name = ? WHERE id = ?').run(vasp, name, id);
    };
    put('a', 'vasp-1', 'Old Name Ltd', '2026-01-01');
    put('b', 'vasp-1', 'New Name Ltd', '2026-01-02');
    put('c', 'vasp-2', 'Other Exchange', '2026-01-01');
    put('e', null, null, '2026-01-01');
    expect(migrateTo(db, 27)).toBe(27);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'cases_by_counterparty'").all()).toEqual([]);
    const names = () => db.prepare('SELECT vasp_id, name FROM counterparty_names ORDER BY vasp_id').all();
    expect(names()).toEqual([
      { vasp_id: 'vasp-1', name: 'New Name Ltd' },
      { vasp_id: 'vasp-2', name: 'Other Exchange' },
    ]);
    // An older transfer does not rename; a new counterparty is added; the latest case renamed renames.
    put('f', 'vasp-1', 'Ancient Name Ltd', '2025-12-31');
    put('g', 'vasp-3', 'Third VASP', '2026-01-03');
    expect(names()).toContainEqual({ vasp_id: 'vasp-1', name: 'New Name Ltd' });
    db.prepare("UPDATE cases SET counterparty_name = 'Renamed Ltd' WHERE id = 'b'").run();
    expect(caseFacets(db as unknown as ReadableDB).counterparties).toEqual([
      { vaspId: 'vasp-2', name: 'Other Exchange' },
      { vaspId: 'vasp-1', name: 'Renamed Ltd' },
      { vaspId: 'vasp-3', name: 'Third VASP' },
    ]);
    // A counterparty whose last case leaves it is no longer offered (its ids come from queue_counts).
    db.prepare(
      "UPDATE cases SET counterparty_vasp_id = 'vasp-2', counterparty_name = 'Other Exchange' WHERE id = 'g'",
    ).run();
    expect(caseFacets(db as unknown as ReadableDB).counterparties.map((c) => c.vaspId)).toEqual(['vasp-2', 'vasp-1']);
  });
});
