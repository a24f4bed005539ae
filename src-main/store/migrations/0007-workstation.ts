import type { Migration } from './index';

export const migration0007: Migration = {
  version: 7,
  name: 'analyst workstation: queue indexes and full-text search, assignment, four eyes, saved views',
  up(db) {
    db.exec(`
      -- Assignment is ours, not the backend's: upserts of a newer case version leave it alone.
      ALTER TABLE cases ADD COLUMN assigned_to TEXT;
      CREATE INDEX cases_by_assignee ON cases (assigned_to, transfer_time);
      CREATE INDEX cases_by_jurisdiction ON cases (counterparty_jurisdiction, transfer_time);
      CREATE INDEX cases_by_counterparty ON cases (counterparty_vasp_id, transfer_time);
      CREATE INDEX cases_by_direction ON cases (direction, transfer_time);
      CREATE INDEX cases_by_status_created ON cases (status, created_at);

      -- Search by name, wallet, transaction hash or case id. External content: the text lives once,
      -- in cases; triggers keep the index in step. (VACUUM could renumber cases' rowids: after one,
      -- run INSERT INTO cases_fts(cases_fts) VALUES ('rebuild').)
      CREATE VIRTUAL TABLE cases_fts USING fts5(
        id, originator_name, beneficiary_name, counterparty_name, originator_wallet, beneficiary_wallet, tx_hash,
        content = 'cases', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2', prefix = '3'
      );
      CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
        INSERT INTO cases_fts (rowid, id, originator_name, beneficiary_name, counterparty_name, originator_wallet, beneficiary_wallet, tx_hash)
        VALUES (new.rowid, new.id, new.originator_name, new.beneficiary_name, new.counterparty_name, new.originator_wallet, new.beneficiary_wallet, new.tx_hash);
      END;
      CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
        INSERT INTO cases_fts (cases_fts, rowid, id, originator_name, beneficiary_name, counterparty_name, originator_wallet, beneficiary_wallet, tx_hash)
        VALUES ('delete', old.rowid, old.id, old.originator_name, old.beneficiary_name, old.counterparty_name, old.originator_wallet, old.beneficiary_wallet, old.tx_hash);
      END;
      CREATE TRIGGER cases_fts_update AFTER UPDATE OF id, originator_name, beneficiary_name, counterparty_name, originator_wallet, beneficiary_wallet, tx_hash ON cases BEGIN
        INSERT INTO cases_fts (cases_fts, rowid, id, originator_name, beneficiary_name, counterparty_name, originator_wallet, beneficiary_wallet, tx_hash)
        VALUES ('delete', old.rowid, old.id, old.originator_name, old.beneficiary_name, old.counterparty_name, old.originator_wallet, old.beneficiary_wallet, old.tx_hash);
        INSERT INTO cases_fts (rowid, id, originator_name, beneficiary_name, counterparty_name, originator_wallet, beneficiary_wallet, tx_hash)
        VALUES (new.rowid, new.id, new.originator_name, new.beneficiary_name, new.counterparty_name, new.originator_wallet, new.beneficiary_wallet, new.tx_hash);
      END;
      INSERT INTO cases_fts (cases_fts) VALUES ('rebuild');

      -- Second analysts: each with a passphrase of their own (Argon2id), so an approval is theirs.
      CREATE TABLE analysts (
        name TEXT PRIMARY KEY,
        kdf TEXT NOT NULL,                    -- JSON: Argon2id parameters and salt
        verifier TEXT NOT NULL,               -- hex of the derived key
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL
      ) STRICT;

      -- Four eyes: a decision on a high-risk case waits here until another analyst approves it.
      CREATE TABLE decision_proposals (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases (id),
        kind TEXT NOT NULL CHECK (kind IN ('accept', 'reject', 'request_information')),
        reason_codes TEXT NOT NULL,
        note TEXT,
        proposed_by TEXT NOT NULL,
        proposed_at TEXT NOT NULL,
        case_version INTEGER NOT NULL,
        why TEXT NOT NULL,                    -- JSON: why the case needs a second analyst
        state TEXT NOT NULL DEFAULT 'awaiting_approval' CHECK (state IN ('awaiting_approval', 'approved', 'declined', 'withdrawn')),
        reviewed_by TEXT,
        reviewed_at TEXT,
        review_note TEXT,
        decision_id TEXT
      ) STRICT;
      CREATE INDEX proposals_by_case ON decision_proposals (case_id, state);
      ALTER TABLE decisions ADD COLUMN approved_by TEXT;

      CREATE TABLE saved_views (
        name TEXT PRIMARY KEY,
        query TEXT NOT NULL,                  -- JSON: filter and sort
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
