import type { Migration } from './index';

/** A counterparty's name as the queue's filter shows it: from its latest transfer (by transfer time). */
const COUNTERPARTY_NAME_UPSERT = `
  INSERT INTO counterparty_names (vasp_id, name, transfer_time)
    VALUES (NEW.counterparty_vasp_id, NEW.counterparty_name, NEW.transfer_time)
    ON CONFLICT (vasp_id) DO UPDATE SET name = excluded.name, transfer_time = excluded.transfer_time
    WHERE excluded.transfer_time >= counterparty_names.transfer_time
      AND (excluded.name IS NOT counterparty_names.name OR excluded.transfer_time > counterparty_names.transfer_time);`;

// Issue 21: a transaction of 100 new cases wrote 1,745 pages at a million cases (bench/dirty-pages.ts,
// 1 Dec 2026), each through the cipher into the WAL and again into the database. 73% were index pages:
// a new case takes an entry at a random place in each index keyed by something random, and its leaf
// and interior pages are written whole. Two such indexes were there for little:
// - cases_by_assignee (assigned_to, transfer_time), 110 pages: every case arrives unassigned, and each
//   took a NULL entry. Every query that reads it names an analyst (assigned_to = ?) or asks for the
//   assigned cases (IS NOT NULL); unassigned cases are counted from queue_counts and listed through the
//   queue's covering indexes. It now holds the assigned cases only (a partial index).
// - cases_by_counterparty (counterparty_vasp_id, transfer_time), 127 pages: read for the queue's
//   counterparty choices alone (the distinct ids, and a name for each). The ids come from queue_counts
//   now, as the assets and jurisdictions do (0021), and the names from counterparty_names, a row per
//   counterparty kept by triggers in the same transaction as each case write, so it cannot drift.
export const migration0027: Migration = {
  version: 27,
  name: 'fewer index writes a new case: the assignee index holds assigned cases only; counterparty names in a table of their own',
  up(db) {
    db.exec(`
      DROP INDEX IF EXISTS cases_by_assignee;
      CREATE INDEX cases_by_assignee ON cases (assigned_to, transfer_time) WHERE assigned_to IS NOT NULL;

      CREATE TABLE counterparty_names (
        vasp_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        transfer_time TEXT NOT NULL      -- of the case the name was read from: the latest
      ) STRICT, WITHOUT ROWID;
      -- Each counterparty's name from its latest transfer, read through the index about to go (a seek each).
      INSERT INTO counterparty_names (vasp_id, name, transfer_time)
        SELECT v, n.counterparty_name, n.transfer_time
          FROM (SELECT DISTINCT counterparty_vasp_id AS v FROM cases WHERE counterparty_vasp_id IS NOT NULL)
          JOIN cases n ON n.rowid = (
            SELECT rowid FROM cases WHERE counterparty_vasp_id = v AND counterparty_name IS NOT NULL
             ORDER BY transfer_time DESC LIMIT 1);
      CREATE TRIGGER counterparty_names_insert AFTER INSERT ON cases
        WHEN NEW.counterparty_vasp_id IS NOT NULL AND NEW.counterparty_name IS NOT NULL
      BEGIN ${COUNTERPARTY_NAME_UPSERT}
      END;
      CREATE TRIGGER counterparty_names_update AFTER UPDATE OF counterparty_vasp_id, counterparty_name, transfer_time ON cases
        WHEN NEW.counterparty_vasp_id IS NOT NULL AND NEW.counterparty_name IS NOT NULL
      BEGIN ${COUNTERPARTY_NAME_UPSERT}
      END;
      DROP INDEX cases_by_counterparty;
    `);
  },
};
