import type { Migration } from './index';

export const migration0006: Migration = {
  version: 6,
  name: 'retention: legal holds and tombstones of purged cases',
  up(db) {
    db.exec(`
      -- A hold keeps a case past its retention period (litigation, an investigation). Kept apart
      -- from cases so a newer version of the case from the backend cannot clear it.
      CREATE TABLE legal_holds (
        case_id TEXT PRIMARY KEY REFERENCES cases (id),
        reason TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at TEXT NOT NULL
      ) STRICT;

      -- What remains of a purged case: no personal data, enough to show it existed, how it ended,
      -- and (through removed_digest) exactly what was removed, should a copy ever be produced.
      CREATE TABLE retention_tombstones (
        case_id TEXT PRIMARY KEY,
        direction TEXT NOT NULL,
        status TEXT NOT NULL,
        counterparty_jurisdiction TEXT,
        transfer_time TEXT NOT NULL,
        record_date TEXT NOT NULL,            -- the date the retention period ran from
        retention_years INTEGER NOT NULL,
        expired_on TEXT NOT NULL,
        decision_kind TEXT,                   -- the last decision, if any
        decided_at TEXT,
        removed_digest TEXT NOT NULL,         -- SHA-256 of the canonical JSON of everything removed
        purged_at TEXT NOT NULL,
        audit_seq INTEGER NOT NULL            -- the audit event that records the purge
      ) STRICT;
      CREATE INDEX tombstones_by_transfer_time ON retention_tombstones (transfer_time);
    `);
  },
};
