import { QUEUE_FILTER_COLUMNS } from './0019-queue-covering';
import type { Migration } from './index';

/**
 * The narrow (column, transfer_time) indexes on `cases` that no query reads any more (issue 21), each
 * with what answers its queries now. Counted filters come from queue_counts (0018); a page walks a
 * sort index or seeks cases_queue (0019), both carrying every filter column; the dashboard's totals
 * by status and travel rule outcome and the asset and jurisdiction facets are sums or distinct values
 * of queue_counts; an export's count walks cases_page_by_transfer_time over its date range.
 * cases_by_counterparty (a counterparty's name, the counterparty facet) and cases_by_assignee (an
 * analyst's own cases: dashboard, notifications) are still read and stay.
 */
export const DROPPED_CASE_INDEXES = [
  'cases_by_status',
  'cases_by_status_created',
  'cases_by_asset',
  'cases_by_direction',
  'cases_by_jurisdiction',
  'cases_by_ivms101',
  'cases_by_screening',
  'cases_by_travel_rule',
] as const;

// Every index on `cases` is written for each inserted case: 20 B-trees cost about 460 µs CPU of the
// 600 µs of upsertCase (issue 21). Dropping these eight changes no result, only which index is read.
/** The sort columns cases_page_by_risk now carries after the filter columns (risk_score leads it). */
export const RISK_INDEX_SORT_COLUMNS = ['transfer_time', 'updated_at', 'fiat_amount_minor'] as const;

// A risk floor ("risk ≥ 90", 2.6% of the cases) walked the sort index past ~24,000 entries for its first
// page of 420 matches, or seeked the queue index over every pending deposit (17,174): the risk index,
// seeked from the floor, reads 2,607, but had to read each match's row for a sort by time, value or
// update. It now carries those columns too (one wider index, rebuilt once, against eight dropped).
export const migration0021: Migration = {
  version: 21,
  name: 'drop the eight narrow case indexes no query reads; the risk index carries every sort column',
  up(db) {
    for (const index of DROPPED_CASE_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
    const rest = QUEUE_FILTER_COLUMNS.filter((c) => c !== 'risk_score');
    db.exec(`DROP INDEX IF EXISTS cases_page_by_risk;
      CREATE INDEX cases_page_by_risk ON cases (risk_score, id, ${[...rest, ...RISK_INDEX_SORT_COLUMNS].join(', ')});
      ANALYZE cases_page_by_risk;`);
  },
};
