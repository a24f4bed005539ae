import type { Migration } from './index';

// A check's stored result was rewritten in place when what it read changed (a new rule pack, FX rate,
// sanctions list or disposition): the evaluation an analyst saw when deciding was gone. Evidence is
// never overwritten: the schema itself now keeps every superseded result, whoever writes case_checks,
// and nothing can edit a kept one. A fresh case's first results pay nothing (an INSERT fires no trigger).
export const migration0020: Migration = {
  version: 20,
  name: 'superseded check results are kept (case_check_versions, append-only)',
  up(db) {
    db.exec(`
      CREATE TABLE case_check_versions (
        case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
        check_name TEXT NOT NULL,
        n INTEGER NOT NULL,                   -- 1 for the first result superseded, then 2, 3, …
        outcome TEXT NOT NULL,
        summary TEXT NOT NULL,
        result TEXT NOT NULL,
        inputs_digest TEXT NOT NULL,
        engine_version TEXT NOT NULL,
        computed_at TEXT NOT NULL,            -- when this result was computed
        superseded_at TEXT NOT NULL,          -- when the next one replaced it (its computed_at)
        PRIMARY KEY (case_id, check_name, n)
      ) STRICT;
      CREATE TRIGGER case_check_versions_no_update BEFORE UPDATE ON case_check_versions
        BEGIN SELECT RAISE(ABORT, 'superseded check results are append-only'); END;
      CREATE TRIGGER case_checks_keep_superseded BEFORE UPDATE ON case_checks
        BEGIN
          INSERT INTO case_check_versions
            (case_id, check_name, n, outcome, summary, result, inputs_digest, engine_version, computed_at, superseded_at)
          VALUES (OLD.case_id, OLD.check_name,
            COALESCE((SELECT MAX(n) FROM case_check_versions WHERE case_id = OLD.case_id AND check_name = OLD.check_name), 0) + 1,
            OLD.outcome, OLD.summary, OLD.result, OLD.inputs_digest, OLD.engine_version, OLD.computed_at, NEW.computed_at);
        END;
    `);
  },
};
