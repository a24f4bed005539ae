import type { Migration } from './index';

export const migration0005: Migration = {
  version: 5,
  name: 'sync: durable outbox, decision sync state, conflicts',
  up(db) {
    db.exec(`
      -- Every outbound action, written in the same transaction as the local change it carries,
      -- replayed until the backend acknowledges it. The idempotency key makes replays harmless.
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('decision', 'counterparty_response')),
        case_id TEXT NOT NULL REFERENCES cases (id),
        idempotency_key TEXT NOT NULL UNIQUE,
        base_version INTEGER NOT NULL,        -- the case version the analyst saw (If-Match)
        payload TEXT NOT NULL,                -- JSON body
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'acked', 'conflict', 'rejected')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        acked_at TEXT
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

      ALTER TABLE decisions ADD COLUMN sync_state TEXT NOT NULL DEFAULT 'pending';

      -- Someone else decided first: both versions are kept for the analyst; nothing is overwritten.
      CREATE TABLE conflicts (
        id INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases (id),
        outbox_id INTEGER NOT NULL REFERENCES outbox (id),
        ours TEXT NOT NULL,                   -- JSON: our decision
        theirs TEXT NOT NULL,                 -- JSON: the case as the backend has it now
        detected_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT
      ) STRICT;
    `);
  },
};
