import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueFilter } from '../../src-shared/case';
import { cases, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { assignCase } from '../cases/assign';
import { importCasesFile } from '../cases/import';
import { countCases, countQuery, filterWhere, type FilterContext } from './cases';
import type { WritableDB } from './db';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The queue's counts for plain-value filters come from queue_counts (migration 0018), kept by triggers
// on cases. These tests hold its one promise: after any write (import, re-import with changes,
// assignment, a check outcome, a deletion), every count equals a count of the case rows themselves.

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let db: WritableDB;
const ctx: FilterContext = { now: '2026-06-01T00:00:00Z', slaHours: 24 };

beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, cases(900, { seed: 21 }));
  db = ws.database();
}, 60_000);
afterAll(() => {
  ws.close();
  t.cleanup();
});

// Plain values, and a risk floor in tens (counted by band).
const plain: (QueueFilter | undefined)[] = [
  undefined,
  {},
  { status: ['pending_review'] },
  { status: ['pending_review', 'escalated'], direction: 'deposit' },
  { direction: 'withdrawal', jurisdiction: 'DE' },
  { asset: 'BTC', missingFields: true },
  { sanctionsHit: true },
  { sanctionsAwaiting: true, assignedTo: 'unassigned' },
  { assignedTo: 'analyst-b' },
  { travelRule: ['applies', 'below_threshold'], direction: 'deposit' },
  { counterpartyVaspId: 'vasp-does-not-exist' },
  { minRisk: 50 },
  { minRisk: 90, status: ['pending_review'], direction: 'deposit' },
  { minRisk: 10, assignedTo: 'unassigned' },
  { minRisk: 100 },
];

/** The count SQLite gives reading every case row (no index, no counts table). */
function rowCount(f: QueueFilter | undefined): number {
  const w = filterWhere(f, ctx);
  return (db.prepare(`SELECT count(*) AS n FROM cases c NOT INDEXED WHERE ${w.sql}`).get(w.params) as { n: number }).n;
}

function expectExact(when: string) {
  const vasps = (
    db.prepare('SELECT DISTINCT counterparty_vasp_id AS v FROM cases WHERE counterparty_vasp_id IS NOT NULL').all() as {
      v: string;
    }[]
  ).map((r) => r.v);
  for (const f of [...plain, ...vasps.slice(0, 3).map((v) => ({ counterpartyVaspId: v }))])
    expect(countCases(db, f, ctx), `${when}: ${JSON.stringify(f)}`).toBe(rowCount(f));
}

describe('queue counts kept by triggers', () => {
  it('answers plain-value filters from queue_counts, the others from the case indexes', () => {
    const plan = (f: QueueFilter) => {
      const q = countQuery(f, ctx);
      return (db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(q.params) as { detail: string }[])
        .map((r) => r.detail)
        .join();
    };
    expect(plan({ status: ['pending_review'], direction: 'deposit' })).toMatch(/queue_counts/);
    expect(countQuery({ status: ['pending_review'], minRisk: 50 }, ctx).sql).toMatch(
      /FROM queue_counts c .* c\.risk_band >= 5$/,
    );
    // A floor that is not a band boundary, the SLA (it moves with the clock) and a search use the indexes.
    expect(plan({ status: ['pending_review'], minRisk: 55 })).not.toMatch(/queue_counts/);
    expect(plan({ slaBreached: true })).not.toMatch(/queue_counts/);
    expect(plan({ search: 'Petrov' })).not.toMatch(/queue_counts/);
    // Non-trivial: the filters above do split the cases.
    expect(rowCount({ status: ['pending_review'] })).toBeGreaterThan(0);
    expect(rowCount({ status: ['pending_review'] })).toBeLessThan(900);
  });

  it('matches a count of the case rows after import', () => expectExact('after import'));

  it('matches after assignment, status and outcome changes, re-import with changes, and deletions', async () => {
    const ids = (db.prepare('SELECT id FROM cases ORDER BY id LIMIT 40').all() as { id: string }[]).map((r) => r.id);
    for (const id of ids.slice(0, 10)) assignCase(db, { caseId: id, analyst: 'analyst-b', actor: 'analyst-a' });
    assignCase(db, { caseId: ids[0]!, analyst: null, actor: 'analyst-a' });
    expectExact('after assignment');
    db.prepare("UPDATE cases SET status = 'escalated' WHERE id IN (?, ?, ?)").run(ids[11], ids[12], ids[13]);
    db.prepare("UPDATE cases SET screening_outcome = 'potential_match' WHERE id = ?").run(ids[14]);
    db.prepare('UPDATE cases SET risk_score = risk_score WHERE id = ?').run(ids[15]); // no counted value changed
    db.prepare('UPDATE cases SET risk_score = 91 WHERE id IN (?, ?)').run(ids[16], ids[17]);
    db.prepare('UPDATE cases SET risk_score = 49 WHERE id = ?').run(ids[18]);
    db.prepare('UPDATE cases SET risk_score = NULL WHERE id = ?').run(ids[19]);
    expectExact('after status and outcome changes');
    // The same cases arrive again, newer, with other statuses and assets.
    const again = cases(900, { seed: 21 })
      .slice(100, 160)
      .map((c, i) => ({
        ...c,
        version: c.version + 1,
        updatedAt: '2026-11-25T00:00:00.000Z',
        status: i % 2 ? ('approved' as const) : c.status,
      }));
    const file = join(t.dir, 'again.jsonl');
    writeFileSync(file, again.map((c) => JSON.stringify(c)).join('\n') + '\n');
    await importCasesFile(db, file, 'analyst-a', ws.checkContext());
    expectExact('after re-import');
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM cases WHERE id IN (?, ?, ?, ?)').run(ids[20], ids[21], ids[22], ids[23]);
    db.pragma('foreign_keys = ON');
    expectExact('after deletion');
    // "SLA breached": open minus arrived within the SLA. Some cases arrived long ago, one has no arrival time.
    db.prepare("UPDATE cases SET arrived_at = '2026-01-02T00:00:00.000Z' WHERE rowid % 3 = 0").run();
    db.prepare('UPDATE cases SET arrived_at = NULL WHERE id = ?').run(ids[30]);
    const later = (hours: number) => ({ now: new Date(Date.now() + hours * 3600_000).toISOString(), slaHours: 24 });
    for (const c of [later(1), later(48), { now: '2026-01-03T06:00:00.000Z', slaHours: 24 }])
      for (const f of [
        { slaBreached: true },
        { slaBreached: true, status: ['pending_review', 'approved'] },
        { slaBreached: true, status: ['approved'] },
        { slaBreached: true, direction: 'deposit', minRisk: 50 },
        { slaBreached: true, minRisk: 55 },
      ] as QueueFilter[]) {
        const w = filterWhere(f, c);
        const rows = (
          db.prepare(`SELECT count(*) AS n FROM cases c NOT INDEXED WHERE ${w.sql}`).get(w.params) as { n: number }
        ).n;
        expect(countCases(db, f, c), `SLA at ${c.now}: ${JSON.stringify(f)}`).toBe(rows);
      }
    expect(countCases(db, { slaBreached: true }, later(48))).toBeGreaterThan(0);
    expect((db.prepare('SELECT count(*) AS n FROM queue_counts WHERE n <= 0').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT sum(n) AS n FROM queue_counts').get() as { n: number }).n).toBe(rowCount(undefined));
  }, 60_000);
});
