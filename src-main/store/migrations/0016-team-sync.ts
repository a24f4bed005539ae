import type { Migration } from './index';

// A team across workstations (issue 15 point 4). The outbox also carries four-eyes proposals, their
// declines, claims and credential revocations, each sent with the credential of the analyst who did
// it (`actor`); a revocation belongs to no case. SQLite cannot change a CHECK, so the table is
// rebuilt with its rows and ids (conflicts point at them).
// Each analyst's own backend credential is kept here, inside the encrypted database, never in clear.
export const migration0016: Migration = {
  version: 16,
  name: 'team sync: outbox kinds and actors, per-analyst backend credentials',
  rebuildsTable: true,
  up(db) {
    // SQLite's twelve steps with foreign keys off (rebuildsTable): the new table takes the name
    // "outbox" that conflicts.outbox_id references, with every row and id; migrate() checks the keys.
    db.exec(`
      CREATE TABLE outbox_new (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('decision', 'counterparty_response', 'proposal', 'decline', 'assignment', 'revocation')),
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
        actor TEXT                            -- whose credential sends it; NULL: the signed-in analyst's (rows from before)
      ) STRICT;
      INSERT INTO outbox_new (id, kind, case_id, idempotency_key, base_version, payload, state, attempts, next_attempt_at, last_error, created_at, acked_at)
        SELECT id, kind, case_id, idempotency_key, base_version, payload, state, attempts, next_attempt_at, last_error, created_at, acked_at FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_new RENAME TO outbox;
    `);
    db.exec(`
      CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
      CREATE INDEX outbox_by_case ON outbox (case_id, state, id);

      -- A proposal that came from the backend's team feed (made on another workstation).
      ALTER TABLE decision_proposals ADD COLUMN from_backend INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE backend_credentials (
        analyst TEXT PRIMARY KEY,
        credential TEXT NOT NULL,
        set_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
