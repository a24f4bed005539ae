import type { Migration } from './index';

/**
 * The triage index's columns: the queue's tab (status, direction) and the risk floor first, so the
 * analyst's triage view is one seek; then every sort column and every other filter column, so a page
 * and a count under it are answered from the index alone (as the indexes of 0019 and 0021).
 */
export const TRIAGE_INDEX_COLUMNS = [
  'status',
  'direction',
  'risk_score',
  'transfer_time',
  'updated_at',
  'fiat_amount_minor',
  'asset',
  'arrived_at',
  'id',
  'counterparty_jurisdiction',
  'ivms101_outcome',
  'screening_outcome',
  'travel_rule_outcome',
  'assigned_to',
  'counterparty_vasp_id',
] as const;

// Issue 21: "risk ≥ 90" among pending deposits (4,567 of a million cases) had no seek: the queue
// index seeks (status, direction) and tests the risk in 171,349 entries; the risk index seeks the
// floor across every status (26,844); so its page walked the sort index, about 22,000 entries and
// 1,000-1,300 pages read and decrypted (33-48 ms with the file in the OS's cache, 76 ms in the bench
// run of 30 Nov). Seeking (status, direction, risk) reads the 4,567 alone: 211 pages, 6.3 ms. One more
// index entry written per case.
export const migration0026: Migration = {
  version: 26,
  name: 'triage index: (status, direction, risk score), every sort and filter column after',
  up(db) {
    db.exec(`CREATE INDEX cases_triage ON cases (${TRIAGE_INDEX_COLUMNS.join(', ')});`);
  },
};
