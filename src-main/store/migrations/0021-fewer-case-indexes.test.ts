import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';
import { QUEUE_FILTER_COLUMNS } from './0019-queue-covering';
import { DROPPED_CASE_INDEXES, RISK_INDEX_SORT_COLUMNS } from './0021-fewer-case-indexes';

const indexesOnCases = (db: ReturnType<typeof databaseAt>) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);

describe('migration 0021: the narrow case indexes no query reads are dropped', () => {
  it('drops the eight, keeps every other index, trigger and row', () => {
    const db = databaseAt(20);
    insertCase(db, 'a', { counterparty_jurisdiction: 'TR' });
    insertCase(db, 'b', { status: 'escalated', asset: 'ETH' });
    const before = indexesOnCases(db);
    const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all();
    for (const i of DROPPED_CASE_INDEXES) expect(before, i).toContain(i);
    expect(migrateTo(db, 21)).toBe(21);
    expect(indexesOnCases(db)).toEqual(before.filter((i) => !(DROPPED_CASE_INDEXES as readonly string[]).includes(i)));
    // The id index, the two narrow ones still read, the seven sort indexes and the queue index: 11 of 19.
    expect(indexesOnCases(db)).toEqual([
      'cases_by_assignee',
      'cases_by_counterparty',
      'cases_page_by_arrived_at',
      'cases_page_by_asset',
      'cases_page_by_fiat',
      'cases_page_by_risk',
      'cases_page_by_status',
      'cases_page_by_transfer_time',
      'cases_page_by_updated_at',
      'cases_queue',
      'sqlite_autoindex_cases_1',
    ]);
    // The risk index carries every filter column and every sort column after (risk_score, id).
    const risk = (
      db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all('cases_page_by_risk') as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(risk.slice(0, 2)).toEqual(['risk_score', 'id']);
    expect([...risk].sort()).toEqual(
      [...new Set(['risk_score', 'id', ...QUEUE_FILTER_COLUMNS, ...RISK_INDEX_SORT_COLUMNS])].sort(),
    );
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT rowid FROM cases INDEXED BY cases_page_by_risk
           WHERE risk_score >= 90 AND status = 'pending_review' AND direction = 'deposit'
           ORDER BY transfer_time DESC, id DESC LIMIT 100`,
        )
        .all() as { detail: string }[]
    ).map((r) => r.detail);
    expect(plan).toEqual([
      'SEARCH cases USING COVERING INDEX cases_page_by_risk (risk_score>?)',
      'USE TEMP B-TREE FOR ORDER BY',
    ]);
    // queue_counts' and the search's triggers are untouched, and still count.
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").all()).toEqual(triggers);
    insertCase(db, 'c', { status: 'escalated', asset: 'ETH' });
    expect(
      db.prepare("SELECT sum(n) AS n FROM queue_counts WHERE status = 'escalated' AND asset = 'ETH'").get(),
    ).toEqual({ n: 2 });
    expect(db.prepare('SELECT id, status, asset FROM cases ORDER BY id').all()).toEqual([
      { id: 'a', status: 'pending_review', asset: 'BTC' },
      { id: 'b', status: 'escalated', asset: 'ETH' },
      { id: 'c', status: 'escalated', asset: 'ETH' },
    ]);
  });
});
