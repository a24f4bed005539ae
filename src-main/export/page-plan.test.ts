import { afterAll, beforeAll, expect, it } from 'vitest';
import { cases, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { casePageSql } from './sections';
import { selectionWhere } from './selection';

// An export reads its cases a page of 250 at a time after the last id. With the statistics of a large
// store, SQLite preferred the transfer-time index for the selection's dates and sorted the whole range
// by id for every page: quadratic, a million-case export ran for over an hour. The page walks the id index.

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, cases(300, { seed: 8 }));
}, 60_000);
afterAll(() => {
  ws.close();
  t.cleanup();
});

it('pages the selection by the id index, never by sorting the date range, with a large store’s statistics', () => {
  const db = ws.database();
  // The statistics the sampled ANALYZE wrote on the 100,000-case bench store (two of its indexes).
  db.exec(`DELETE FROM sqlite_stat1 WHERE tbl = 'cases';
    INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
      ('cases', 'cases_page_by_transfer_time', '100000 1 1 1 1 1 1 1 1 1 1 1 1 1'),
      ('cases', 'sqlite_autoindex_cases_1', '100000 1');
    ANALYZE sqlite_schema;`);
  const where = selectionWhere({
    from: '2000-01-01',
    to: '2099-12-31',
    jurisdiction: null,
    direction: null,
    status: null,
  });
  const plan = (sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ ...where.params, after: '' }) as { detail: string }[]).map(
      (r) => r.detail,
    );
  const sql = casePageSql(where.sql);
  for (const s of [sql.rows, sql.ids]) {
    const p = plan(s);
    expect(p.join(' | ')).toMatch(/^SEARCH c USING INDEX sqlite_autoindex_cases_1 \(id>\?\)/);
    expect(p.join(' | ')).not.toMatch(/TEMP B-TREE/);
  }
  // The trap it avoids: the same statement without the index named sorts the date range.
  expect(plan(sql.ids.replace(/ INDEXED BY \S+/, '')).join(' | ')).toMatch(
    /cases_page_by_transfer_time.*TEMP B-TREE FOR ORDER BY/,
  );
});
