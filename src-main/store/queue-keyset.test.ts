import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueFilter, QueueSortColumn } from '../../src-shared/case';
import { cases, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { countCases, filterWhere, listCases, listQuery, type FilterContext } from './cases';
import type { WritableDB } from './db';

// A page that follows the one just listed is found by seeking past that page's last row (keyset
// paging) instead of skipping `offset` index entries. It must be the very page OFFSET gives: these
// tests page through every sort, both ways, with NULL sort keys on both ends, against SQLite's own
// answer without any index; and a write in between must send the next page back to OFFSET.

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let db: WritableDB;
const ctx: FilterContext = { now: '2026-06-01T00:00:00Z', slaHours: 24 };
const COLUMN: Record<QueueSortColumn, string> = {
  transferTime: 'transfer_time',
  riskScore: 'risk_score',
  fiatAmount: 'fiat_amount_minor',
  status: 'status',
  asset: 'asset',
  updatedAt: 'updated_at',
  arrivedAt: 'arrived_at',
};

beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, cases(500, { seed: 71 }));
  db = ws.database();
  // NULL sort keys, which SQLite puts first ascending and last descending.
  db.exec(`UPDATE cases SET risk_score = NULL WHERE rowid % 7 = 0;
    UPDATE cases SET fiat_amount_minor = NULL WHERE rowid % 5 = 0;
    UPDATE cases SET arrived_at = NULL WHERE rowid % 11 = 0;`);
}, 60_000);
afterAll(() => {
  ws.close();
  t.cleanup();
});

const reference = (f: QueueFilter | undefined, column: QueueSortColumn, dir: 'asc' | 'desc') => {
  const w = filterWhere(f, ctx);
  return (
    db
      .prepare(`SELECT c.id FROM cases c NOT INDEXED WHERE ${w.sql} ORDER BY c.${COLUMN[column]} ${dir}, c.id ${dir}`)
      .all(w.params) as { id: string }[]
  ).map((r) => r.id);
};

describe('keyset paging', () => {
  it('gives, page after page, exactly the rows OFFSET gives, for every sort both ways, NULL keys included', () => {
    const filters: (QueueFilter | undefined)[] = [
      undefined,
      { direction: 'deposit' },
      { status: ['pending_review', 'escalated'], minRisk: 30 },
      { search: 'a' },
    ];
    let seeks = 0;
    for (const filter of filters)
      for (const column of Object.keys(COLUMN) as QueueSortColumn[])
        for (const direction of ['asc', 'desc'] as const) {
          const want = reference(filter, column, direction);
          const matches = countCases(db, filter, ctx);
          expect(matches).toBe(want.length);
          const got: string[] = [];
          for (let offset = 0; offset < want.length; offset += 37) {
            const q = { offset, limit: 37, sort: { column, direction }, filter };
            // Every page but the first follows the one just listed.
            expect(listQuery(db, q, ctx, matches).keyset, `${column} ${direction} at ${offset}`).toBe(offset > 0);
            if (offset > 0) seeks++;
            got.push(...listCases(db, q, ctx, matches).map((r) => r.id));
          }
          expect(got, `${JSON.stringify(filter)} by ${column} ${direction}`).toEqual(want);
        }
    expect(seeks).toBeGreaterThan(100);
  });

  it('goes back to OFFSET after a write, and after a page that did not end where the next begins', () => {
    const sort = { column: 'riskScore' as const, direction: 'desc' as const };
    listCases(db, { offset: 0, limit: 50, sort }, ctx);
    expect(listQuery(db, { offset: 50, limit: 50, sort }, ctx).keyset).toBe(true);
    // Another page size: no page ended at 40.
    expect(listQuery(db, { offset: 40, limit: 50, sort }, ctx).keyset).toBe(false);
    // A write moves rows: the remembered end of page one no longer says where page two starts.
    const top = listCases(db, { offset: 0, limit: 50, sort }, ctx)[0]!;
    db.prepare('UPDATE cases SET risk_score = 0 WHERE id = ?').run(top.id);
    const q = { offset: 50, limit: 50, sort };
    expect(listQuery(db, q, ctx).keyset).toBe(false);
    expect(listCases(db, q, ctx).map((r) => r.id)).toEqual(reference(undefined, 'riskScore', 'desc').slice(50, 100));
  });
});
