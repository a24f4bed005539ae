import type { Migration } from './index';

/**
 * The case columns a queue row shows (src-shared/domain.ts CaseSummary) and sorts by, in the order
 * queue_rows holds them. Every one is also a column of `cases`, of the same name.
 */
export const QUEUE_ROW_COLUMNS = [
  'id',
  'direction',
  'status',
  'asset',
  'network',
  'amount',
  'fiat_amount',
  'fiat_currency',
  'fiat_amount_minor',
  'originator_name',
  'beneficiary_name',
  'counterparty_name',
  'counterparty_jurisdiction',
  'wallet_type',
  'risk_score',
  'transfer_time',
  'updated_at',
  'created_at',
  'arrived_at',
  'assigned_to',
  'ivms101_outcome',
  'travel_rule_outcome',
  'screening_outcome',
] as const;

const INTEGER_COLUMNS = new Set<string>(['fiat_amount_minor', 'risk_score']);
const cols = QUEUE_ROW_COLUMNS.join(', ');
const of = (row: string) => QUEUE_ROW_COLUMNS.map((c) => `${row}.${c}`).join(', ');
/** The IVMS101 check's one-line summary of a case, as case_checks holds it now. */
const summaryOf = (caseId: string) =>
  `(SELECT summary FROM case_checks WHERE case_id = ${caseId} AND check_name = 'ivms101')`;
const refreshSummary = (caseId: string) =>
  `UPDATE queue_rows SET ivms101_summary = ${summaryOf(caseId)} WHERE rid = (SELECT rowid FROM cases WHERE id = ${caseId});`;

/**
 * queue_rows as it must be: built from `cases` and case_checks by the same rule the triggers keep
 * (exported so a test and a store check can compare the kept table with it).
 */
export const QUEUE_ROWS_SOURCE_SQL = `
  SELECT c.rowid AS rid, ${of('c')}, k.summary AS ivms101_summary
  FROM cases c LEFT JOIN case_checks k ON k.case_id = c.id AND k.check_name = 'ivms101'`;

// Issue 21: a queue page at a million cases read each of its 100 case rows whole. The columns a row
// shows sit after the IVMS101 payload (appended by later migrations), so each read went through the
// row's overflow pages, decrypting each, and joined case_checks for the IVMS101 summary: ~15 of a
// cold page's ~25 ms. The queue's columns are now kept in a narrow table of their own, keyed by the
// case's rowid (as the search index is, 0007), written by triggers in the same transaction as each
// write to `cases` or case_checks, so it cannot drift from them. A later migration that rebuilds
// `cases` must recreate these triggers (and queue_counts', 0018).
export const migration0025: Migration = {
  version: 25,
  name: 'queue rows: the columns a queue page shows, kept by triggers on cases and case_checks',
  up(db) {
    db.exec(`
      CREATE TABLE queue_rows (
        rid INTEGER PRIMARY KEY,
        ${QUEUE_ROW_COLUMNS.map((c) => `${c} ${INTEGER_COLUMNS.has(c) ? 'INTEGER' : 'TEXT'}`).join(',\n        ')},
        ivms101_summary TEXT
      ) STRICT;
      INSERT INTO queue_rows (rid, ${cols}, ivms101_summary) ${QUEUE_ROWS_SOURCE_SQL};
      CREATE TRIGGER queue_rows_insert AFTER INSERT ON cases BEGIN
        INSERT INTO queue_rows (rid, ${cols}, ivms101_summary) VALUES (new.rowid, ${of('new')}, ${summaryOf('new.id')});
      END;
      CREATE TRIGGER queue_rows_update AFTER UPDATE OF ${cols} ON cases BEGIN
        UPDATE queue_rows SET (${cols}) = (${of('new')}) WHERE rid = old.rowid;
      END;
      CREATE TRIGGER queue_rows_rekey AFTER UPDATE OF id ON cases WHEN old.id IS NOT new.id BEGIN
        ${refreshSummary('new.id')}
      END;
      CREATE TRIGGER queue_rows_delete AFTER DELETE ON cases BEGIN
        DELETE FROM queue_rows WHERE rid = old.rowid;
      END;
      CREATE TRIGGER queue_rows_summary_insert AFTER INSERT ON case_checks WHEN new.check_name = 'ivms101' BEGIN
        ${refreshSummary('new.case_id')}
      END;
      CREATE TRIGGER queue_rows_summary_update AFTER UPDATE OF case_id, check_name, summary ON case_checks
        WHEN new.check_name = 'ivms101' OR old.check_name = 'ivms101' BEGIN
        ${refreshSummary('old.case_id')}
        ${refreshSummary('new.case_id')}
      END;
      CREATE TRIGGER queue_rows_summary_delete AFTER DELETE ON case_checks WHEN old.check_name = 'ivms101' BEGIN
        ${refreshSummary('old.case_id')}
      END;
    `);
  },
};
