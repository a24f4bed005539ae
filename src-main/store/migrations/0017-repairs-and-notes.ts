import type { Migration } from './index';

// Issue 18 (9, 10): a case's IVMS101 record can be repaired from the counterparty's answer, and
// analysts keep internal notes. Both are append-only: a repair is a new version beside the original
// as received, an edited note is a new revision; neither is ever changed in place. Repairs leave for
// the backend through the outbox, whose kind list is rebuilt here to take them.
export const migration0017: Migration = {
  version: 17,
  name: 'IVMS101 repairs as versions, internal case notes, repairs in the outbox',
  up(db) {
    db.pragma('defer_foreign_keys = ON');
    db.exec(`
      -- Version 1 is the record as received (written when the first repair is made); each repair
      -- adds the next, with who, why and what changed. The case row keeps the backend's record.
      CREATE TABLE ivms101_versions (
        id INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases (id),
        n INTEGER NOT NULL CHECK (n >= 1),
        kind TEXT NOT NULL CHECK (kind IN ('received', 'repair')),
        repair_id TEXT UNIQUE,                -- the repair's id and outbox idempotency key
        ivms101 TEXT NOT NULL,                -- the whole record, JSON
        changes TEXT NOT NULL DEFAULT '[]',   -- JSON [{path, before, after}] against version n - 1
        note TEXT,                            -- why (required for a repair)
        analyst TEXT NOT NULL,
        case_version INTEGER NOT NULL,        -- the case version it was made on
        created_at TEXT NOT NULL,
        UNIQUE (case_id, n)
      ) STRICT;
      CREATE TRIGGER ivms101_versions_no_update BEFORE UPDATE ON ivms101_versions
        BEGIN SELECT RAISE(ABORT, 'IVMS101 versions are append-only'); END;

      -- Internal notes: never sent to a counterparty nor to the backend. An edit is a new row that
      -- names the note it revises.
      CREATE TABLE case_notes (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases (id),
        revises TEXT REFERENCES case_notes (id),
        body TEXT NOT NULL,
        mentions TEXT NOT NULL DEFAULT '[]',  -- JSON: enrolled analysts' names
        author TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX case_notes_by_case ON case_notes (case_id, created_at);
      CREATE TRIGGER case_notes_no_update BEFORE UPDATE ON case_notes
        BEGIN SELECT RAISE(ABORT, 'case notes are append-only'); END;

      -- SQLite cannot change a CHECK: the outbox is rebuilt with its rows and ids, as in 0016
      -- (conflicts point at them; foreign keys are checked at commit).
      CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('decision', 'counterparty_response', 'proposal', 'decline', 'assignment', 'revocation', 'ivms101_repair')),
        case_id TEXT REFERENCES cases (id),
        idempotency_key TEXT NOT NULL UNIQUE,
        base_version INTEGER NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'conflict', 'rejected')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        acked_at TEXT,
        actor TEXT
      ) STRICT;
      INSERT INTO outbox_new (id, kind, case_id, idempotency_key, base_version, payload, state, attempts, next_attempt_at, last_error, created_at, acked_at, actor)
        SELECT id, kind, case_id, idempotency_key, base_version, payload, state, attempts, next_attempt_at, last_error, created_at, acked_at, actor FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_new RENAME TO outbox;
      CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
      CREATE INDEX outbox_by_case ON outbox (case_id, state, id);
    `);
  },
};
