import type { Migration } from './index';

/**
 * Every column a queue filter tests (cases_queue's, as migration 0015 left it, plus the travel rule
 * outcome that 0015 dropped from it). A sort index that carries them all answers a filtered page from
 * the index alone.
 */
export const QUEUE_FILTER_COLUMNS = [
  'status',
  'direction',
  'counterparty_jurisdiction',
  'asset',
  'ivms101_outcome',
  'screening_outcome',
  'travel_rule_outcome',
  'assigned_to',
  'risk_score',
  'arrived_at',
  'counterparty_vasp_id',
] as const;

/** Each queue sort's column and its covering index, which replaces the narrow (column, id) one. */
export const QUEUE_SORT_INDEXES = [
  { column: 'transfer_time', index: 'cases_page_by_transfer_time', replaces: 'cases_by_transfer_time' },
  { column: 'updated_at', index: 'cases_page_by_updated_at', replaces: 'cases_by_updated_at' },
  { column: 'fiat_amount_minor', index: 'cases_page_by_fiat', replaces: 'cases_by_fiat' },
  { column: 'risk_score', index: 'cases_page_by_risk', replaces: 'cases_by_risk' },
  { column: 'status', index: 'cases_page_by_status', replaces: 'cases_by_status_id' },
  { column: 'asset', index: 'cases_page_by_asset', replaces: 'cases_by_asset_id' },
  { column: 'arrived_at', index: 'cases_page_by_arrived_at', replaces: 'cases_by_arrived_at' },
] as const;

// Issue 21: a filtered page walked a (column, id) index in sort order and read a case row (a page of
// encrypted IVMS101 JSON) per entry to test the filter: "jurisdiction TR" read about 9,000 rows for its
// first 100 (1.0-1.2 s at 94k cases). Each sort index now carries the filter columns after (column, id),
// so the walk tests them in the index: about 25 entries per page read instead of one row. The indexes
// are replaced, not added (the same number of index writes per case, wider entries).
export const migration0019: Migration = {
  version: 19,
  name: 'queue sort indexes carry every filter column (a filtered page is found from the index alone)',
  up(db) {
    for (const s of QUEUE_SORT_INDEXES) {
      const rest = QUEUE_FILTER_COLUMNS.filter((c) => c !== s.column);
      db.exec(`DROP INDEX IF EXISTS ${s.replaces};
        CREATE INDEX ${s.index} ON cases (${s.column}, id, ${rest.join(', ')});`);
    }
    // 0015 rebuilt the queue index without the travel rule outcome: a combined filter on it read case rows.
    db.exec(`DROP INDEX IF EXISTS cases_queue;
      CREATE INDEX cases_queue ON cases (
        status, direction, counterparty_jurisdiction, asset, ivms101_outcome, screening_outcome, travel_rule_outcome,
        assigned_to, risk_score, arrived_at, counterparty_vasp_id,
        transfer_time, updated_at, fiat_amount_minor, id
      );
      ANALYZE;`);
  },
};
