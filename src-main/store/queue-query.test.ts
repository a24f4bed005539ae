import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueFilter, QueueSortColumn } from '../../src-shared/case';
import { cases, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import {
  countCases,
  countQuery,
  filterWhere,
  listCases,
  listQuery,
  pageQuery,
  countSeek,
  riskSeekEntries,
  triageRange,
  type FilterContext,
} from './cases';
import type { ReadableDB } from './db';

// Which index answers a queue query is chosen per query (see pageIndex and countIndex). These tests
// hold the two promises behind that: a combined filter is counted from the queue index alone, never
// by reading case rows; and whichever index finds a page, the page is the same.

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let db: ReadableDB;
const ctx: FilterContext = { now: '2026-06-01T00:00:00Z', slaHours: 24 };

beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, cases(1200, { seed: 33 }));
  db = ws.database();
}, 60_000);
afterAll(() => {
  ws.close();
  t.cleanup();
});

const plan = (q: { sql: string; params: Record<string, unknown> }) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(q.params) as { detail: string }[]).map((r) => r.detail).join(' | ');

const combined: QueueFilter[] = [
  { status: ['pending_review'], direction: 'deposit' },
  { direction: 'deposit', missingFields: true },
  { jurisdiction: 'DE', minRisk: 50 },
  { jurisdiction: 'DE', minRisk: 55 },
  { missingFields: true, assignedTo: 'unassigned' },
  { asset: 'BTC', direction: 'withdrawal', slaBreached: true },
  { status: ['pending_review', 'escalated'], sanctionsHit: true, minRisk: 10 },
  // The triage view (migration 0026): a tab's status and direction and a risk floor.
  { status: ['pending_review'], direction: 'deposit', minRisk: 70 },
  { status: ['pending_review', 'escalated'], direction: 'withdrawal', minRisk: 55 },
  { direction: 'deposit', minRisk: 35, slaBreached: true },
];

describe('queue counts', () => {
  it('counts any combined filter from the queue index alone, reading no case row (plain values from queue_counts)', () => {
    for (const f of combined)
      if ((f.minRisk !== undefined && f.minRisk % 10 !== 0) || f.slaBreached)
        expect(plan(countQuery(f, ctx)), JSON.stringify(f)).toMatch(
          /^(SEARCH|SCAN) c USING COVERING INDEX cases_queue/,
        );
      else expect(countQuery(f, ctx).sql, JSON.stringify(f)).toMatch(/ FROM queue_counts c WHERE /);
  });

  it('counts one condition from its own index, and a search from its hits', () => {
    expect(plan(countQuery({ minRisk: 55 }, ctx))).toMatch(/COVERING INDEX cases_page_by_risk/);
    expect(plan(countQuery({ search: 'Petrov', direction: 'deposit' }, ctx))).not.toMatch(/cases_queue/);
  });

  it('counts a text search alone in the FTS index, and one with many hits over the queue index', () => {
    const alone = plan(countQuery({ search: 'Anna' }, ctx));
    expect(alone).toMatch(/cases_fts VIRTUAL TABLE/);
    expect(alone).not.toMatch(/ c USING /);
    expect(plan(countQuery({ search: 'Anna', direction: 'deposit' }, ctx, 5000))).toMatch(/COVERING INDEX cases_queue/);
    // Few hits: their rows are read, not the queue index.
    expect(plan(countQuery({ search: 'Anna', direction: 'deposit' }, ctx, 10))).not.toMatch(/cases_queue/);
  });

  it('counts a text search as SQLite does without any index, whichever way it is counted', () => {
    const searches: QueueFilter[] = [
      { search: 'a' },
      { search: 'a', direction: 'deposit' },
      { search: 'a', status: ['pending_review'], minRisk: 40 },
      { search: 'zzzz-none' },
    ];
    let seen = 0;
    for (const f of searches) {
      const w = filterWhere(f, ctx);
      const plain = (
        db.prepare(`SELECT count(*) AS n FROM cases c NOT INDEXED WHERE ${w.sql}`).get(w.params) as { n: number }
      ).n;
      seen += plain;
      expect(countCases(db, f, ctx), JSON.stringify(f)).toBe(plain);
      for (const hits of [10, 5000]) {
        const q = countQuery(f, ctx, hits);
        expect((db.prepare(q.sql).get(q.params) as { n: number }).n, `${JSON.stringify(f)} ${hits}`).toBe(plain);
      }
    }
    // The searches find something, so a count reading nothing would show.
    expect(seen).toBeGreaterThan(100);
  });

  it('gives the count SQLite gives without any index', () => {
    for (const f of combined) {
      const w = filterWhere(f, ctx);
      const plain = (
        db.prepare(`SELECT count(*) AS n FROM cases c NOT INDEXED WHERE ${w.sql}`).get(w.params) as { n: number }
      ).n;
      expect(countCases(db, f, ctx), JSON.stringify(f)).toBe(plain);
    }
  });
});

describe('queue pages', () => {
  it('are the same pages whichever index finds them, from the top and deep down', () => {
    const used = new Set<string>();
    const sorts: QueueSortColumn[] = [
      'transferTime',
      'riskScore',
      'fiatAmount',
      'status',
      'asset',
      'updatedAt',
      'arrivedAt',
    ];
    for (const f of [
      ...combined,
      { status: ['pending_review'] } satisfies QueueFilter,
      { minRisk: 30 } satisfies QueueFilter,
      { search: 'a' } satisfies QueueFilter,
      { search: 'a', direction: 'deposit' } satisfies QueueFilter,
    ]) {
      const matches = countCases(db, f, ctx);
      const w = filterWhere(f, ctx);
      for (const column of sorts)
        for (const direction of ['asc', 'desc'] as const)
          for (const offset of [0, Math.floor(matches / 2)])
            // With the count known, a store this small is always walked; without it, the queue
            // index is used (as it is at a million cases deep into a narrow filter).
            for (const known of [matches, undefined]) {
              const q = { offset, limit: 25, sort: { column, direction }, filter: f };
              const index = /INDEXED BY (\w+)/.exec(pageQuery(db, q, ctx, known).sql)?.[1] ?? 'planner';
              used.add(
                index === 'cases_queue'
                  ? 'queue index'
                  : index === 'cases_triage'
                    ? 'triage index seek'
                    : index === 'cases_page_by_risk' && column !== 'riskScore'
                      ? 'risk index seek'
                      : 'sort index walk',
              );
              const got = listCases(db, q, ctx, known).map((r) => r.id);
              const col = {
                transferTime: 'transfer_time',
                riskScore: 'risk_score',
                fiatAmount: 'fiat_amount_minor',
                status: 'status',
                asset: 'asset',
                updatedAt: 'updated_at',
                arrivedAt: 'arrived_at',
              }[column];
              const want = (
                db
                  .prepare(
                    `SELECT c.id FROM cases c NOT INDEXED WHERE ${w.sql} ORDER BY c.${col} ${direction}, c.id ${direction} LIMIT 25 OFFSET ${offset}`,
                  )
                  .all(w.params) as { id: string }[]
              ).map((r) => r.id);
              expect(got.length, JSON.stringify(f)).toBe(Math.max(0, Math.min(25, matches - offset)));
              expect(got, `${JSON.stringify(f)} by ${column} ${direction} from ${offset} via ${index}`).toEqual(want);
            }
    }
    // Every way of finding a page was exercised, so each is proved.
    expect([...used].sort()).toEqual(['queue index', 'risk index seek', 'sort index walk', 'triage index seek']);
  });

  it("lists each check's outcome and the IVMS101 summary as case_checks holds them", () => {
    const listed = listCases(db, { offset: 0, limit: 2000, sort: { column: 'transferTime', direction: 'desc' } }, ctx);
    expect(listed.length).toBe(1200);
    const check = db.prepare('SELECT outcome, summary FROM case_checks WHERE case_id = ? AND check_name = ?');
    const stored = (id: string, name: string) =>
      (check.get(id, name) as { outcome: string; summary: string } | undefined) ?? null;
    for (const r of listed) {
      expect(r.ivms101Outcome, r.id).toBe(stored(r.id, 'ivms101')?.outcome ?? null);
      expect(r.ivms101Summary, r.id).toBe(stored(r.id, 'ivms101')?.summary ?? null);
      expect(r.travelRuleOutcome, r.id).toBe(stored(r.id, 'travel_rule')?.outcome ?? null);
      expect(r.screeningOutcome, r.id).toBe(stored(r.id, 'screening')?.outcome ?? null);
    }
    // The fixture holds more than one IVMS101 outcome, so a column read from the wrong place would show.
    expect(new Set(listed.map((r) => r.ivms101Outcome)).size).toBeGreaterThan(1);
  });

  it('walks a sort index testing every filter in the index itself, reading no case row to find a page', () => {
    const filters: QueueFilter[] = [
      ...combined,
      { travelRule: ['applies'], sanctionsAwaiting: true, counterpartyVaspId: 'vasp-1' },
      { status: ['pending_review'], direction: 'deposit', minRisk: 90, assignedTo: 'unassigned' },
    ];
    const sorts: QueueSortColumn[] = [
      'transferTime',
      'riskScore',
      'fiatAmount',
      'status',
      'asset',
      'updatedAt',
      'arrivedAt',
    ];
    for (const filter of filters)
      for (const column of sorts) {
        // A known count of a few thousand at this size always walks the sort index (see pageIndex).
        const q = { offset: 0, limit: 100, sort: { column, direction: 'desc' as const }, filter };
        expect(plan(pageQuery(db, q, ctx, 5000)), `${JSON.stringify(filter)} by ${column}`).toMatch(
          /^(SCAN|SEARCH) c USING COVERING INDEX cases_page_by_\w+( \([^)]*\))?$/,
        );
      }
  });

  it("walks a sort index for a search with many matches, testing each entry's rowid against the hits", () => {
    const q = {
      offset: 0,
      limit: 100,
      sort: { column: 'fiatAmount' as const, direction: 'desc' as const },
      filter: { search: 'Anna', direction: 'deposit' as const },
    };
    const p = plan(pageQuery(db, q, ctx, 5000));
    expect(p).toMatch(
      /^SCAN c USING COVERING INDEX cases_page_by_fiat \| LIST SUBQUERY \d+ \| SCAN cases_fts VIRTUAL TABLE/,
    );
    // Few matches (here 100 x 1,200 / 2 entries to walk, past the limit): no walk, the planner starts elsewhere.
    expect(plan(pageQuery(db, q, ctx, 2))).not.toMatch(/cases_page_by_/);
  });

  it("reads only the page's own queue rows, whatever the filter", () => {
    for (const filter of [undefined, ...combined]) {
      const q = { offset: 0, limit: 100, sort: { column: 'riskScore' as const, direction: 'desc' as const }, filter };
      const p = plan(listQuery(db, q, ctx, filter ? countCases(db, filter, ctx) : 1200));
      // The page's rowids first, then a rowid lookup each in queue_rows (migration 0025): never a walk
      // over every case probing the page, and no case row read at all.
      expect(p, JSON.stringify(filter)).toMatch(/SCAN page \| SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(p, JSON.stringify(filter)).not.toMatch(/SCAN (cases|r)\b|SEARCH cases/);
    }
  });

  it('finds a page under a risk floor by seeking the risk index, reading no case row whatever the sort', () => {
    for (const column of ['transferTime', 'fiatAmount', 'updatedAt', 'asset', 'status', 'arrivedAt'] as const) {
      const q = { offset: 0, limit: 25, sort: { column, direction: 'desc' as const }, filter: { minRisk: 90 } };
      // Unknown count, or a few matches: the seek that reads fewer entries, here the risk floor's
      // (no status at the queue or triage index's head).
      expect(plan(pageQuery(db, q, ctx)), column).toMatch(
        /^SEARCH c USING COVERING INDEX cases_page_by_risk \(risk_score>\?\)/,
      );
      expect(plan(pageQuery(db, q, ctx, 3)), column).toMatch(
        /^SEARCH c USING COVERING INDEX cases_page_by_risk \(risk_score>\?\)/,
      );
    }
  });

  it("finds the triage view's page (status, direction, risk floor) by seeking the triage index alone", () => {
    // At a million cases "risk ≥ 90" among pending deposits walked ~22,000 sort-index entries for its
    // 4,567 matches (1,000-1,300 pages); this seek reads the matches alone (211 pages, migration 0026).
    const f: QueueFilter = { status: ['pending_review'], direction: 'deposit', minRisk: 90 };
    const matches = countCases(db, f, ctx);
    expect(matches).toBeGreaterThan(0);
    for (const column of ['transferTime', 'fiatAmount', 'updatedAt', 'asset', 'status', 'arrivedAt'] as const) {
      const q = { offset: 0, limit: 25, sort: { column, direction: 'desc' as const }, filter: f };
      for (const known of [undefined, 3])
        expect(plan(pageQuery(db, q, ctx, known)), `${column} ${known}`).toMatch(
          /^SEARCH c USING COVERING INDEX cases_triage \(status=\? AND direction=\? AND risk_score>\?\)/,
        );
    }
    // The range it reads is counted from queue_counts, exactly for a floor in tens.
    const inIndex = (
      db
        .prepare(
          "SELECT count(*) AS n FROM cases INDEXED BY cases_triage WHERE status = 'pending_review' AND direction = 'deposit' AND risk_score >= 90",
        )
        .get() as { n: number }
    ).n;
    expect(triageRange(db, f, ctx)).toBe(inIndex);
    expect(triageRange(db, { ...f, minRisk: 95 }, ctx)).toBe(inIndex);
    expect(triageRange(db, { direction: 'deposit', minRisk: 90 }, ctx)).toBeNull();
  });

  it('counts a risk floor outside the tens within a tab by seeking the triage index, as SQLite counts without one', () => {
    const f: QueueFilter = { status: ['pending_review'], direction: 'deposit', minRisk: 95 };
    const w = filterWhere(f, ctx);
    expect(countSeek(db, f, ctx, w)).toBe('cases_triage');
    expect(plan(countQuery(f, ctx, undefined, 'cases_triage'))).toMatch(
      /^SEARCH c USING COVERING INDEX cases_triage \(status=\? AND direction=\? AND risk_score>\?\)/,
    );
    const plain = (
      db.prepare(`SELECT count(*) AS n FROM cases c NOT INDEXED WHERE ${w.sql}`).get(w.params) as { n: number }
    ).n;
    expect(countCases(db, f, ctx)).toBe(plain);
    // Where the queue index's seek is the narrower (a jurisdiction within the tab, no floor), it stays.
    const g: QueueFilter = { status: ['pending_review'], direction: 'deposit', jurisdiction: 'DE', minRisk: 5 };
    expect(countSeek(db, g, ctx, filterWhere(g, ctx))).toBe('cases_queue');
  });

  it("estimates a risk floor's seek from queue_counts: exact in tens, never fewer than the index holds", () => {
    const inIndex = (floor: number) =>
      (
        db
          .prepare('SELECT count(*) AS n FROM cases INDEXED BY cases_page_by_risk WHERE risk_score >= ?')
          .get(floor) as {
          n: number;
        }
      ).n;
    for (const floor of [0, 5, 10, 50, 55, 89, 90, 99, 100]) {
      const n = inIndex(floor);
      if (floor % 10 === 0) expect(riskSeekEntries(db, floor), `floor ${floor}`).toBe(n);
      else expect(riskSeekEntries(db, floor), `floor ${floor}`).toBeGreaterThanOrEqual(n);
    }
    // Non-trivial: the floors split the cases, and a floor within a band counts more than its range.
    expect(inIndex(90)).toBeGreaterThan(0);
    expect(inIndex(90)).toBeLessThan(inIndex(50));
    expect(riskSeekEntries(db, 95)).toBeGreaterThan(inIndex(95));
  });

  it('finds a page in the queue index by seeking its conditions, sorting only the matches', () => {
    const f: QueueFilter = { status: ['pending_review'], direction: 'deposit' };
    const q = { offset: 40, limit: 25, sort: { column: 'riskScore' as const, direction: 'desc' as const }, filter: f };
    expect(plan(pageQuery(db, q, ctx))).toMatch(
      /SEARCH c USING COVERING INDEX cases_queue \(status=\? AND direction=\?\)/,
    );
  });
});
