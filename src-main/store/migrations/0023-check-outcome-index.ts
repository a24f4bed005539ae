import type { Migration } from './index';

// case_checks_by_outcome (check_name, outcome), from 0002, predates the outcome columns on `cases`
// (0009, 0012): every read of case_checks now names its case (the primary key), and the queue, the
// dashboard and the export filter outcomes on `cases` or queue_counts. Three entries per case were
// written to it at intake for no reader (issue 21).
export const migration0023: Migration = {
  version: 23,
  name: 'drop the unread case_checks_by_outcome index',
  up(db) {
    db.exec('DROP INDEX IF EXISTS case_checks_by_outcome');
  },
};
