import type { Migration } from './index';

// Sanctions lists managed from the workstation (who imported a version, from where, when a fetch last
// found it current) and dispositions kept as a history: every verdict with its reason, the list version
// and the listed entry as it then read, never overwritten. The old one-row-per-key table is copied in.
export const migration0013: Migration = {
  version: 13,
  name: 'sanctions list provenance and the disposition history',
  up(db) {
    db.exec(`
      ALTER TABLE sanctions_lists ADD COLUMN imported_by TEXT;
      ALTER TABLE sanctions_lists ADD COLUMN origin TEXT;      -- "file NAME", "url URL", "backend HOST"
      ALTER TABLE sanctions_lists ADD COLUMN checked_at TEXT;  -- a fetch last found this version current

      CREATE TABLE screening_disposition_log (
        id INTEGER PRIMARY KEY,
        party_digest TEXT NOT NULL,
        source TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        entry_digest TEXT NOT NULL,
        list_version TEXT NOT NULL,
        entry_data TEXT,                      -- JSON: the listed entry as it read when decided
        case_id TEXT,
        disposition TEXT NOT NULL CHECK (disposition IN ('false_positive', 'true_match')),
        -- in_force: the verdict; proposed: a true match waiting for a second analyst; refused: the
        -- second analyst did not confirm the proposal it refers to.
        state TEXT NOT NULL CHECK (state IN ('in_force', 'proposed', 'refused')),
        reason_code TEXT,
        note TEXT,
        analyst TEXT NOT NULL,
        second_analyst TEXT,
        refers_to INTEGER REFERENCES screening_disposition_log (id),
        decided_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX screening_disposition_log_key ON screening_disposition_log (party_digest, source, entry_id, id);

      INSERT INTO screening_disposition_log (party_digest, source, entry_id, entry_digest, list_version, disposition, state, reason_code, note, analyst, decided_at)
        SELECT party_digest, source, entry_id, entry_digest, 'unknown', disposition, 'in_force', 'recorded_before_reasons', note, analyst, decided_at
        FROM screening_dispositions ORDER BY decided_at;
    `);
  },
};
