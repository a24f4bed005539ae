import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0020: superseded check results are kept', () => {
  it('keeps a stored result when it is rewritten, with the time it was replaced', () => {
    const db = databaseAt(19);
    insertCase(db, 'a');
    const write = db.prepare(
      `INSERT INTO case_checks (case_id, check_name, outcome, summary, result, inputs_digest, engine_version, computed_at)
       VALUES ('a', 'travel_rule', ?, ?, ?, ?, 'e/1', ?)
       ON CONFLICT (case_id, check_name) DO UPDATE SET outcome = excluded.outcome, summary = excluded.summary,
         result = excluded.result, inputs_digest = excluded.inputs_digest, computed_at = excluded.computed_at`,
    );
    write.run('below_threshold', 'Below threshold', '{"v":1}', 'd1', '2026-01-01T00:00:00.000Z');
    expect(migrateTo(db, 20)).toBe(20);
    write.run('applies', 'Applies: DE', '{"v":2}', 'd2', '2026-02-01T00:00:00.000Z');
    expect(db.prepare('SELECT * FROM case_check_versions').all()).toEqual([
      {
        case_id: 'a',
        check_name: 'travel_rule',
        n: 1,
        outcome: 'below_threshold',
        summary: 'Below threshold',
        result: '{"v":1}',
        inputs_digest: 'd1',
        engine_version: 'e/1',
        computed_at: '2026-01-01T00:00:00.000Z',
        superseded_at: '2026-02-01T00:00:00.000Z',
      },
    ]);
    expect(db.prepare('SELECT result FROM case_checks').get()).toEqual({ result: '{"v":2}' });
    expect(() => db.prepare("UPDATE case_check_versions SET result = '{}'").run()).toThrow(/append-only/);
    // Kept results go with their case (a retention purge deletes the case's rows).
    db.prepare("DELETE FROM case_checks WHERE case_id = 'a'").run();
    db.prepare("DELETE FROM cases WHERE id = 'a'").run();
    expect(db.prepare('SELECT count(*) AS n FROM case_check_versions').get()).toEqual({ n: 0 });
  });
});
