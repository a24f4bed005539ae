import type { Migration } from './index';

/**
 * A stored Travel Rule result with each side's `sources` (the rule version's citations, several KB of
 * quotes, identical for every case the version decides) put back from `rule_sources`: the result as
 * it was computed, byte for byte (store/checks.ts writes the reference; a differential test holds the
 * two equal). A result stored before 0022 holds its sources inline and is read as it is.
 */
export const expandedResult = (column: string) => `CASE
  WHEN check_name = 'travel_rule' AND instr(${column}, '"sources":"sha256:') > 0 THEN json_set(${column}, '$.sides', json((
    SELECT json_group_array(json(CASE WHEN json_type(value, '$.sources') = 'text'
        AND EXISTS (SELECT 1 FROM rule_sources WHERE digest = json_extract(value, '$.sources'))
      THEN json_set(value, '$.sources', json((SELECT sources FROM rule_sources WHERE digest = json_extract(value, '$.sources'))))
      ELSE value END) ORDER BY key)
    FROM json_each(${column}, '$.sides'))))
  ELSE ${column} END`;

// Issue 21: the citations were 4-5 KB of the ~5.9 KB travel rule result of every case (802 MiB of a
// 1.4 GB store at 100,000 cases), written, encrypted and read again per case. They are kept once per
// distinct list, by SHA-256, and nothing can change or remove one (a result refers to it).
export const migration0022: Migration = {
  version: 22,
  name: 'rule citations kept once (rule_sources), results read through case_checks_full',
  up(db) {
    db.exec(`
      CREATE TABLE rule_sources (
        digest TEXT PRIMARY KEY,              -- 'sha256:' + SHA-256 of sources, as stored
        sources TEXT NOT NULL                 -- JSON array of the rule version's sources
      ) STRICT;
      CREATE TRIGGER rule_sources_no_update BEFORE UPDATE ON rule_sources
        BEGIN SELECT RAISE(ABORT, 'rule sources are referenced by stored results: never changed'); END;
      CREATE TRIGGER rule_sources_no_delete BEFORE DELETE ON rule_sources
        BEGIN SELECT RAISE(ABORT, 'rule sources are referenced by stored results: never removed'); END;
      CREATE VIEW case_checks_full AS
        SELECT case_id, check_name, outcome, summary, ${expandedResult('result')} AS result,
               inputs_digest, engine_version, computed_at
        FROM case_checks;
      CREATE VIEW case_check_versions_full AS
        SELECT case_id, check_name, n, outcome, summary, ${expandedResult('result')} AS result,
               inputs_digest, engine_version, computed_at, superseded_at
        FROM case_check_versions;
    `);
  },
};
