import type { Migration } from './index';

export const migration0002: Migration = {
  version: 2,
  name: 'case checks: each automatic check stored with its inputs digest and engine version',
  up(db) {
    db.exec(`
      CREATE TABLE case_checks (
        case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        check_name TEXT NOT NULL,             -- 'ivms101', later 'threshold', 'screening'
        outcome TEXT NOT NULL,                -- check-specific, e.g. pass / incomplete / invalid / unreadable
        summary TEXT NOT NULL,                -- one line for the queue
        result TEXT NOT NULL,                 -- JSON: the full result, with the why
        inputs_digest TEXT NOT NULL,          -- SHA-256 of what the check read: re-run when it changes
        engine_version TEXT NOT NULL,
        computed_at TEXT NOT NULL,
        PRIMARY KEY (case_id, check_name)
      ) STRICT;
      CREATE INDEX case_checks_by_outcome ON case_checks (check_name, outcome);
    `);
  },
};
