import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_STATUSES } from '../../src-shared/domain';
import { cases, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { assignCase } from '../cases/assign';
import { recordDecision } from '../cases/decide';
import { countCases, getCaseRecord, upsertCase } from '../store/cases';
import type { WritableDB } from '../store/db';
import { dashboard } from './summary';

// Issue 18 point 12, on a real SQLCipher database: the SLA runs from the case's ARRIVAL in this
// workstation (the intake writes it once), not from its creation at the exchange: a backlog synced
// today is not in breach today. The dashboard narrows to an analyst and to a date range.
let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let db: WritableDB;
let imported: Date;
const HOUR = 3600_000;

beforeAll(async () => {
  t = tempDir();
  imported = new Date();
  // Generated cases were created at the exchange weeks or months ago.
  ws = await workstationWith(t.dir, cases(120, { seed: 12 }));
  db = ws.database();
}, 60_000);
afterAll(() => {
  ws?.close();
  t?.cleanup();
});

const open = () =>
  (
    db
      .prepare(`SELECT count(*) AS n FROM cases WHERE status IN (${OPEN_STATUSES.map(() => '?').join(',')})`)
      .get(...OPEN_STATUSES) as { n: number }
  ).n;

describe('the SLA counted from arrival', () => {
  it('records the arrival once, at the first admission, and keeps it through later versions', () => {
    const r = db
      .prepare('SELECT min(arrived_at) AS lo, max(arrived_at) AS hi, min(created_at) AS made FROM cases')
      .get() as {
      lo: string;
      hi: string;
      made: string;
    };
    expect(Date.parse(r.lo)).toBeGreaterThanOrEqual(imported.getTime() - 1000);
    expect(Date.parse(r.made)).toBeLessThan(imported.getTime() - 24 * HOUR); // created long before
    const first = db.prepare('SELECT id, arrived_at AS a FROM cases ORDER BY id LIMIT 1').get() as {
      id: string;
      a: string;
    };
    const rec = getCaseRecord(db, first.id)!;
    const next = { ...rec, version: rec.version + 1, updatedAt: new Date().toISOString() };
    expect(upsertCase(db, next, '2031-01-01T00:00:00.000Z', { originator: null, beneficiary: null })).toBe('updated');
    expect(db.prepare('SELECT arrived_at AS a FROM cases WHERE id = ?').get(first.id)).toEqual({ a: first.a });
  });

  it('finds no case in breach on the day a backlog arrives, and every open one a day later', () => {
    const ctx = (at: Date) => ({ now: at.toISOString(), slaHours: 24 });
    expect(open()).toBeGreaterThan(10);
    expect(countCases(db, { slaBreached: true }, ctx(new Date(imported.getTime() + 23 * HOUR)))).toBe(0);
    expect(countCases(db, { slaBreached: true }, ctx(new Date(imported.getTime() + 25 * HOUR)))).toBe(open());
    expect(dashboard(db, { now: new Date(imported.getTime() + HOUR), slaHours: 24 }).slaBreachTotal).toBe(0);
    expect(dashboard(db, { now: new Date(imported.getTime() + 25 * HOUR), slaHours: 24 }).slaBreachTotal).toBe(open());
  });
});

describe('the dashboard per analyst and over a date range', () => {
  it("narrows figures to one analyst's cases and decisions, and lists every analyst's", () => {
    const ids = (
      db.prepare("SELECT id FROM cases WHERE status = 'pending_review' ORDER BY id LIMIT 3").all() as { id: string }[]
    ).map((r) => r.id);
    for (const id of ids) assignCase(db, { caseId: id, analyst: 'ben', actor: 'analyst-a' });
    const at = new Date().toISOString();
    recordDecision(db, { caseId: ids[0]!, kind: 'reject', reasonCodes: ['MISSING_FIELDS'], analyst: 'ben', at });
    const later = new Date(imported.getTime() + 25 * HOUR);
    const ben = dashboard(db, { now: later, slaHours: 24, analyst: 'ben' });
    expect(ben.analyst).toBe('ben');
    expect(ben.byAnalyst).toEqual([
      { analyst: 'ben', open: 3, breached: 3, accepted: 0, rejected: 1, requestedInformation: 0 },
    ]);
    expect(ben.slaBreachTotal).toBe(3);
    expect(ben.byStatus.reduce((a, b) => a + b.count, 0)).toBe(3);
    const all = dashboard(db, { now: later, slaHours: 24 });
    expect(all.byAnalyst.map((a) => a.analyst)).toEqual(['ben', null]);
    expect(all.byAnalyst[1]!.open).toBe(open() - 3);
  });

  it('totals cases by status and by travel rule outcome as a count over the cases themselves gives them', () => {
    // The totals are sums over queue_counts (migration 0021); they must match the cases, also after an
    // assignment (the test above) moved cases between combinations.
    const group = (column: string, where = '', params: unknown[] = []) =>
      Object.fromEntries(
        (
          db
            .prepare(`SELECT ${column} AS k, count(*) AS n FROM cases NOT INDEXED ${where} GROUP BY ${column}`)
            .all(...params) as { k: string | null; n: number }[]
        ).map((r) => [String(r.k), r.n]),
      );
    const d = dashboard(db, { now: new Date(), slaHours: 24 });
    expect(Object.fromEntries(d.byStatus.map((r) => [r.status, r.count]))).toEqual(group('status'));
    expect(Object.fromEntries(d.byTravelRule.map((r) => [String(r.outcome), r.count]))).toEqual(
      group('travel_rule_outcome'),
    );
    expect(Object.keys(group('status')).length).toBeGreaterThan(1);
    const ben = dashboard(db, { now: new Date(), slaHours: 24, analyst: 'ben' });
    expect(Object.fromEntries(ben.byStatus.map((r) => [r.status, r.count]))).toEqual(
      group('status', 'WHERE assigned_to = ?', ['ben']),
    );
    expect(ben.byStatus.length).toBeGreaterThan(0);
    // Descending by count, as before.
    expect(d.byStatus.map((r) => r.count)).toEqual([...d.byStatus.map((r) => r.count)].sort((a, b) => b - a));
  });

  it('counts the open cases and those past the SLA as a count over the cases themselves gives them', () => {
    // The dashboard counts them as all open cases (queue_counts) less those within the SLA or with no
    // arrival time; here against the count of the breached ones, for every status and analyst, with
    // arrivals spread around the cutoff and two cases with none.
    const statuses = OPEN_STATUSES.map(() => '?').join(',');
    const ids = (
      db.prepare(`SELECT id FROM cases WHERE status IN (${statuses}) ORDER BY id`).all(...OPEN_STATUSES) as {
        id: string;
      }[]
    ).map((r) => r.id);
    const setArrival = db.prepare('UPDATE cases SET arrived_at = ? WHERE id = ?');
    ids
      .slice(0, 40)
      .forEach((id, i) => setArrival.run(new Date(imported.getTime() + (i - 15) * 2 * HOUR).toISOString(), id));
    setArrival.run(null, ids[40]);
    setArrival.run(null, ids[41]);
    for (const hours of [1, 10, 23, 25, 49, 100])
      for (const analyst of [undefined, 'ben']) {
        const now = new Date(imported.getTime() + hours * HOUR);
        const cutoff = new Date(now.getTime() - 24 * HOUR).toISOString();
        const mine = analyst ? 'AND assigned_to = ?' : '';
        const direct = db
          .prepare(
            `SELECT status, assigned_to AS analyst, count(*) AS open, sum(arrived_at < ?) AS breached FROM cases NOT INDEXED
             WHERE status IN (${statuses}) ${mine} GROUP BY status, assigned_to`,
          )
          .all(cutoff, ...OPEN_STATUSES, ...(analyst ? [analyst] : [])) as {
          status: string;
          analyst: string | null;
          open: number;
          breached: number;
        }[];
        const d = dashboard(db, { now, slaHours: 24, ...(analyst ? { analyst } : {}) });
        const byStatus = new Map<string, number>();
        for (const r of direct) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + r.breached);
        const want = [...byStatus].filter(([, n]) => n > 0).map(([status, count]) => ({ status, count }));
        expect(d.slaBreaches, `${hours} h, ${analyst ?? 'all'}`).toEqual(
          want.sort((a, b) => (a.status < b.status ? -1 : 1)),
        );
        const byAnalyst = new Map<string | null, { open: number; breached: number }>();
        for (const r of direct) {
          const a = byAnalyst.get(r.analyst) ?? { open: 0, breached: 0 };
          byAnalyst.set(r.analyst, { open: a.open + r.open, breached: a.breached + r.breached });
        }
        expect(
          d.byAnalyst.map((a) => [a.analyst, a.open, a.breached]),
          `${hours} h, ${analyst ?? 'all'}`,
        ).toEqual(
          [...byAnalyst]
            .map(([a, v]) => [a, v.open, v.breached])
            .sort((x, y) => String(x[0] ?? '\uffff').localeCompare(String(y[0] ?? '\uffff'))),
        );
      }
    // The spread reached both sides of the cutoff.
    const mid = dashboard(db, { now: new Date(imported.getTime() + 25 * HOUR), slaHours: 24 });
    expect(mid.slaBreachTotal).toBeGreaterThan(0);
    expect(mid.slaBreachTotal).toBeLessThan(open());
  });

  it('draws the volume over the chosen days, and refuses a range that ends before it starts or is over a year', () => {
    const d = dashboard(db, { now: new Date(), slaHours: 24, from: '2026-01-01', to: '2026-01-10' });
    expect(d.range).toEqual({ from: '2026-01-01', to: '2026-01-10' });
    expect(d.volume.map((v) => v.day)).toEqual(
      Array.from({ length: 10 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`),
    );
    const n = (
      db
        .prepare("SELECT count(*) AS n FROM cases WHERE transfer_time >= '2026-01-01' AND transfer_time < '2026-01-11'")
        .get() as { n: number }
    ).n;
    expect(d.volume.reduce((a, v) => a + v.withdrawals + v.deposits, 0)).toBe(n);
    expect(() => dashboard(db, { now: new Date(), slaHours: 24, from: '2026-02-01', to: '2026-01-01' })).toThrow(
      /ends \(2026-01-01\) before it starts \(2026-02-01\)/,
    );
    expect(() => dashboard(db, { now: new Date(), slaHours: 24, from: '2024-01-01', to: '2026-01-01' })).toThrow(
      /at most 366/,
    );
  });
});
