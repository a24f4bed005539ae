import type { Migration } from './index';

// The text-search index (cases_fts, 0007) was written by a trigger per case row. Inside a transaction
// SQLite opens a statement savepoint for each later write statement, and FTS5 writes its pending terms
// to disk as a new segment at every savepoint: a bulk intake wrote one segment per case and spent its
// time merging them (at 250,000 cases, two thirds of the intake's CPU was FTS5 merges reading and
// decrypting the pages of the segments they retired). A bulk intake now defers the index rows of the
// cases it inserts to the end of its transaction (store/search-index.ts): the trigger notes the row in
// cases_fts_pending and the batch indexes them all in one statement, before it commits.
//
// waybill_search_deferred() is registered on every connection (store/db.ts); a connection without it
// cannot insert a case at all, so no row goes unindexed silently.
const COLS = 'id, originator_name, beneficiary_name, counterparty_name, originator_wallet, beneficiary_wallet, tx_hash';
const of = (row: 'new' | 'old') =>
  COLS.split(', ')
    .map((c) => `${row}.${c}`)
    .join(', ');
const pending = (row: 'new' | 'old') => `EXISTS (SELECT 1 FROM cases_fts_pending WHERE case_rowid = ${row}.rowid)`;

export const migration0024: Migration = {
  version: 24,
  name: 'search index rows written per intake batch, not per case',
  up(db) {
    db.exec(`
      CREATE TABLE cases_fts_pending (case_rowid INTEGER PRIMARY KEY) STRICT;
      DROP TRIGGER cases_fts_insert;
      DROP TRIGGER cases_fts_update;
      DROP TRIGGER cases_fts_delete;
      CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases WHEN NOT waybill_search_deferred() BEGIN
        INSERT INTO cases_fts (rowid, ${COLS}) VALUES (new.rowid, ${of('new')});
      END;
      CREATE TRIGGER cases_fts_insert_deferred AFTER INSERT ON cases WHEN waybill_search_deferred() BEGIN
        INSERT INTO cases_fts_pending (case_rowid) VALUES (new.rowid);
      END;
      -- A row still pending has nothing in the index to take out: its final text is indexed at the flush.
      CREATE TRIGGER cases_fts_update AFTER UPDATE OF ${COLS} ON cases WHEN NOT ${pending('old')} BEGIN
        INSERT INTO cases_fts (cases_fts, rowid, ${COLS}) VALUES ('delete', old.rowid, ${of('old')});
        INSERT INTO cases_fts (rowid, ${COLS}) VALUES (new.rowid, ${of('new')});
      END;
      -- One trigger, in this order: SQLite fires a statement's triggers newest first, so two would race.
      CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
        INSERT INTO cases_fts (cases_fts, rowid, ${COLS}) SELECT 'delete', old.rowid, ${of('old')} WHERE NOT ${pending('old')};
        DELETE FROM cases_fts_pending WHERE case_rowid = old.rowid;
      END;
    `);
  },
};

/**
 * The statement that indexes the pending rows (store/search-index.ts), beside the trigger it replaces.
 * CROSS JOIN keeps the pending rows outside: left to itself SQLite walked every case probing the few
 * pending ones (the table has no statistics), which put ~500 ms on a live pull at 20,000 cases.
 */
export const FLUSH_PENDING_SQL = `INSERT INTO cases_fts (rowid, ${COLS})
  SELECT c.rowid, ${COLS.split(', ')
    .map((x) => `c.${x}`)
    .join(', ')} FROM cases_fts_pending p CROSS JOIN cases c ON c.rowid = p.case_rowid ORDER BY p.case_rowid`;
