import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueFilter, QueueSortColumn } from '../../src-shared/case';
import { cases, workstationWith } from '../../test/support/export';
import { databaseAt, insertCase, migrateTo } from '../../test/support/migrations';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { assignCase } from '../cases/assign';
import { importCasesFile } from '../cases/import';
import { countCases, listCases, listQuery, type FilterContext } from './cases';
import { saveCheck } from './checks';
import type { ReadableDB, WritableDB } from './db';
import { QUEUE_ROWS_SOURCE_SQL } from './migrations/0025-queue-rows';

// The queue page reads its rows from queue_rows (migration 0025), kept by triggers on `cases` and
// case_checks. Its one promise: after any write, it holds exactly what `cases` and the IVMS101 check
// say, so the analyst's queue shows what the case and its check say.

/** Rows of queue_rows that differ from what cases and case_checks say, both ways (empty: in step). */
function drift(db: Pick<ReadableDB, 'prepare'>): unknown[] {
  return db
    .prepare(
      `SELECT 'missing' AS side, * FROM (${QUEUE_ROWS_SOURCE_SQL} EXCEPT SELECT * FROM queue_rows)
       UNION ALL SELECT 'extra', * FROM (SELECT * FROM queue_rows EXCEPT ${QUEUE_ROWS_SOURCE_SQL})`,
    )
    .all();
}

const check = (caseId: string, summary: string) => ({
  name: 'ivms101',
  outcome: 'incomplete',
  summary,
  result: { outcome: 'incomplete' },
  inputsDigest: `d-${summary}`,
  engineVersion: 'test',
  computedAt: '2026-11-30T00:00:00.000Z',
  caseId,
});

describe('migration 0025: queue_rows', () => {
  it('is built from the cases and their IVMS101 summaries, then kept by the triggers', () => {
    const db = databaseAt(24);
    insertCase(db, 'a', { originator_name: 'Anna' });
    insertCase(db, 'b');
    const addCheck = (id: string, name: string, summary: string) =>
      db
        .prepare(
          `INSERT INTO case_checks (case_id, check_name, outcome, summary, result, inputs_digest, engine_version, computed_at)
           VALUES (?, ?, 'pass', ?, '{}', 'd', 'e', 'c')`,
        )
        .run(id, name, summary);
    addCheck('a', 'ivms101', 'Complete');
    addCheck('b', 'screening', 'No hits');
    expect(migrateTo(db, 25)).toBe(25);
    const rows = () =>
      db.prepare('SELECT id, originator_name, status, ivms101_summary FROM queue_rows ORDER BY id').all();
    expect(rows()).toEqual([
      { id: 'a', originator_name: 'Anna', status: 'pending_review', ivms101_summary: 'Complete' },
      { id: 'b', originator_name: null, status: 'pending_review', ivms101_summary: null },
    ]);
    expect(drift(db)).toEqual([]);

    insertCase(db, 'c', { originator_name: 'Carl' });
    db.prepare("UPDATE cases SET status = 'escalated', assigned_to = 'ben' WHERE id = 'a'").run();
    addCheck('c', 'ivms101', 'Missing: address');
    db.prepare("UPDATE case_checks SET summary = 'Missing: name' WHERE case_id = 'a' AND check_name = 'ivms101'").run();
    // Not the IVMS101 check: no summary moves.
    db.prepare("UPDATE case_checks SET summary = '1 hit' WHERE case_id = 'b'").run();
    db.prepare("DELETE FROM cases WHERE id = 'b'").run();
    expect(rows()).toEqual([
      { id: 'a', originator_name: 'Anna', status: 'escalated', ivms101_summary: 'Missing: name' },
      { id: 'c', originator_name: 'Carl', status: 'pending_review', ivms101_summary: 'Missing: address' },
    ]);
    db.prepare("DELETE FROM case_checks WHERE case_id = 'c'").run();
    expect(rows()).toContainEqual({
      id: 'c',
      originator_name: 'Carl',
      status: 'pending_review',
      ivms101_summary: null,
    });
    expect(drift(db)).toEqual([]);
  });
});

describe('queue_rows on a workstation store', () => {
  let t: ReturnType<typeof tempDir>;
  let ws: Workstation;
  let db: WritableDB;
  const ctx: FilterContext = { now: '2026-06-01T00:00:00Z', slaHours: 24 };

  beforeAll(async () => {
    t = tempDir();
    ws = await workstationWith(t.dir, cases(600, { seed: 25 }));
    db = ws.database();
  }, 60_000);
  afterAll(() => {
    ws.close();
    t.cleanup();
  });

  /**
   * The page as the queue read it before 0025: the case rows themselves, joined with case_checks for
   * the summary. Every page the queue gives now must equal it, row for row.
   */
  function fromCases(q: Parameters<typeof listQuery>[1]) {
    const l = listQuery(db, q, ctx, countCases(db, q.filter, ctx));
    const sql = l.sql
      .replace('ivms101_summary AS ivms101Summary', 'k.summary AS ivms101Summary')
      .replace(
        'FROM page CROSS JOIN queue_rows r ON r.rid = page.rid',
        "FROM page CROSS JOIN cases r ON r.rowid = page.rid LEFT JOIN case_checks k ON k.case_id = r.id AND k.check_name = 'ivms101'",
      );
    expect(sql).not.toMatch(/queue_rows/);
    return (
      db.prepare(sql).all(l.params) as { waitingToSync: number; awaitingApproval: number; sortKey: unknown }[]
    ).map(({ sortKey: _, ...r }) => ({
      ...r,
      waitingToSync: r.waitingToSync === 1,
      awaitingApproval: r.awaitingApproval === 1,
    }));
  }

  function expectSamePages(when: string) {
    expect(drift(db), when).toEqual([]);
    const sorts: QueueSortColumn[] = ['transferTime', 'riskScore', 'fiatAmount', 'arrivedAt'];
    const filters: (QueueFilter | undefined)[] = [undefined, { status: ['pending_review'] }, { missingFields: true }];
    for (const column of sorts)
      for (const filter of filters) {
        const q = { offset: 0, limit: 50, sort: { column, direction: 'desc' as const }, ...(filter ? { filter } : {}) };
        const page = listCases(db, q, ctx, countCases(db, filter, ctx));
        expect(page.length, `${when}: ${column} ${JSON.stringify(filter)}`).toBeGreaterThan(0);
        expect(page, `${when}: ${column} ${JSON.stringify(filter)}`).toEqual(fromCases(q));
      }
  }

  it('reads a page from queue_rows alone, by rowid', () => {
    const l = listQuery(db, { offset: 0, limit: 100, sort: { column: 'transferTime', direction: 'desc' } }, ctx, 600);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${l.sql}`).all(l.params) as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toMatch(/SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan).not.toMatch(/case_checks|SCAN r/);
    expect(plan).not.toMatch(/SEARCH cases /);
  });

  it('gives the same pages as the case rows after import', () => expectSamePages('after import'));

  it('stays in step through assignment, status and check changes, re-import with changes and deletion', async () => {
    const ids = (db.prepare('SELECT id FROM cases ORDER BY id LIMIT 40').all() as { id: string }[]).map((r) => r.id);
    for (const id of ids.slice(0, 8)) assignCase(db, { caseId: id, analyst: 'analyst-b', actor: 'analyst-a' });
    assignCase(db, { caseId: ids[0]!, analyst: null, actor: 'analyst-a' });
    db.prepare("UPDATE cases SET status = 'escalated' WHERE id IN (?, ?)").run(ids[10], ids[11]);
    db.prepare('UPDATE cases SET risk_score = 97 WHERE id = ?').run(ids[12]);
    // A check re-run (as a repair does): a new summary and outcome on the case's IVMS101 check.
    const { caseId, ...c } = check(ids[13]!, 'Missing: originator address (re-run)');
    saveCheck(db, caseId, c);
    expect(db.prepare('SELECT ivms101_summary AS s FROM queue_rows WHERE id = ?').get(caseId)).toEqual({
      s: 'Missing: originator address (re-run)',
    });
    expectSamePages('after assignment, status and check changes');

    // The same cases arrive again, newer, with other statuses and names.
    const again = cases(600, { seed: 25 })
      .slice(100, 140)
      .map((x, i) => ({
        ...x,
        version: x.version + 1,
        updatedAt: '2026-11-25T00:00:00.000Z',
        status: i % 2 ? ('approved' as const) : x.status,
      }));
    const file = join(t.dir, 'again.jsonl');
    writeFileSync(file, again.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const before = db.prepare('SELECT count(*) AS n FROM queue_rows').get() as { n: number };
    await importCasesFile(db, file, 'analyst-a', ws.checkContext());
    expect(db.prepare('SELECT count(*) AS n FROM queue_rows').get()).toEqual(before);
    // The intake takes some as updates (others it holds as conflicts): those show their new version.
    const newer = (table: string) =>
      (
        db.prepare(`SELECT count(*) AS n FROM ${table} WHERE updated_at = '2026-11-25T00:00:00.000Z'`).get() as {
          n: number;
        }
      ).n;
    expect(newer('cases')).toBeGreaterThan(0);
    expect(newer('queue_rows')).toBe(newer('cases'));
    expectSamePages('after re-import');

    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM cases WHERE id IN (?, ?, ?)').run(ids[20], ids[21], ids[22]);
    db.pragma('foreign_keys = ON');
    expect(
      db.prepare('SELECT count(*) AS n FROM queue_rows WHERE id IN (?, ?, ?)').get(ids[20], ids[21], ids[22]),
    ).toEqual({
      n: 0,
    });
    expectSamePages('after deletion');
  }, 60_000);
});
