import type { Migration } from './index';

// Case times are compared as text (sorting, export date ranges, retention), which is only right when
// they are all UTC in one form. Intake now converts (src-shared/case.ts); this converts what an
// older Waybill stored as received, e.g. "2026-03-01T10:00:00+02:00" or without milliseconds.
// The rows to change are found in indexes that hold each column, not by reading every case.
const CANONICAL = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'";
const utc = (col: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${col})`;

export const migration0011: Migration = {
  version: 11,
  name: 'case times in UTC, one form',
  up(db) {
    for (const [col, index] of [
      ['transfer_time', 'cases_by_transfer_time'],
      ['updated_at', 'cases_by_updated_at'],
      ['created_at', 'cases_queue'],
    ] as const) {
      db.exec(`UPDATE cases SET ${col} = ${utc(col)}
               WHERE rowid IN (SELECT rowid FROM cases INDEXED BY ${index} WHERE ${col} NOT GLOB ${CANONICAL}) AND ${utc(col)} IS NOT NULL`);
    }
    db.exec(
      `UPDATE retention_tombstones SET transfer_time = ${utc('transfer_time')} WHERE transfer_time NOT GLOB ${CANONICAL} AND ${utc('transfer_time')} IS NOT NULL`,
    );
  },
};
