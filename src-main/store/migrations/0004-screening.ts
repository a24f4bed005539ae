import type { Migration } from './index';

export const migration0004: Migration = {
  version: 4,
  name: "sanctions lists (versioned), their entries, and analysts' dispositions of hits",
  up(db) {
    db.exec(`
      CREATE TABLE sanctions_lists (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,                 -- ofac | eu | un | uk | csl
        label TEXT NOT NULL,                  -- e.g. "ofac 2026-02-27 (1a2b3c4d)"
        published_at TEXT,                    -- as the list states it, where it does
        imported_at TEXT NOT NULL,
        entry_count INTEGER NOT NULL,
        digest TEXT NOT NULL,                 -- SHA-256 of the imported file(s)
        active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
      ) STRICT;
      -- Exactly one version of each list is in force; a failed import never gets this far.
      CREATE UNIQUE INDEX sanctions_lists_one_active ON sanctions_lists (source) WHERE active = 1;

      CREATE TABLE sanctions_entries (
        list_id INTEGER NOT NULL REFERENCES sanctions_lists (id) ON DELETE CASCADE,
        entry_id TEXT NOT NULL,
        data TEXT NOT NULL,                   -- JSON: names, birth dates, countries, programmes, addresses
        PRIMARY KEY (list_id, entry_id)
      ) STRICT;

      -- "Not asked again for the same party and entry while neither changes": keyed by digests of both.
      CREATE TABLE screening_dispositions (
        party_digest TEXT NOT NULL,
        source TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        entry_digest TEXT NOT NULL,
        disposition TEXT NOT NULL CHECK (disposition IN ('false_positive', 'true_match')),
        note TEXT,
        analyst TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        PRIMARY KEY (party_digest, source, entry_id, entry_digest)
      ) STRICT;
    `);
  },
};
