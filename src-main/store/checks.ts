import type { StoredCheck } from '../../src-shared/checks';
import { cached, type ReadableDB, type WritableDB } from './db';

/** The outcome is also kept on the case row, where the queue's filters can use an index. */
const OUTCOME_COLUMN: Record<string, string> = {
  ivms101: 'ivms101_outcome',
  screening: 'screening_outcome',
  travel_rule: 'travel_rule_outcome',
};

/** `updateRow` false: the caller wrote the outcome onto the case row already (cases/intake.ts). */
export function saveCheck(db: WritableDB, caseId: string, c: StoredCheck<unknown>, updateRow = true): void {
  cached(
    db,
    `INSERT INTO case_checks (case_id, check_name, outcome, summary, result, inputs_digest, engine_version, computed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (case_id, check_name) DO UPDATE SET outcome = excluded.outcome, summary = excluded.summary,
       result = excluded.result, inputs_digest = excluded.inputs_digest, engine_version = excluded.engine_version,
       computed_at = excluded.computed_at`,
  ).run(caseId, c.name, c.outcome, c.summary, JSON.stringify(c.result), c.inputsDigest, c.engineVersion, c.computedAt);
  const column = OUTCOME_COLUMN[c.name];
  if (column && updateRow) cached(db, `UPDATE cases SET ${column} = ? WHERE id = ?`).run(c.outcome, caseId);
}

export function storedDigest(
  db: ReadableDB,
  caseId: string,
  name: string,
): { inputsDigest: string; engineVersion: string } | null {
  const r = cached(
    db,
    'SELECT inputs_digest AS inputsDigest, engine_version AS engineVersion FROM case_checks WHERE case_id = ? AND check_name = ?',
  ).get(caseId, name) as { inputsDigest: string; engineVersion: string } | undefined;
  return r ?? null;
}

export function checksForCase(db: ReadableDB, caseId: string): StoredCheck<unknown>[] {
  const rows = db
    .prepare(
      `SELECT check_name AS name, outcome, summary, result, inputs_digest AS inputsDigest, engine_version AS engineVersion, computed_at AS computedAt
       FROM case_checks WHERE case_id = ? ORDER BY check_name`,
    )
    .all(caseId) as (Omit<StoredCheck<unknown>, 'result'> & { result: string })[];
  return rows.map((r) => ({ ...r, result: JSON.parse(r.result) as unknown }));
}

/** A check result that a later one replaced: kept as it was (migration 0020), with when it was replaced. */
export interface SupersededCheck extends StoredCheck<unknown> {
  n: number;
  supersededAt: string;
}

/** Every superseded result of a case's checks, oldest first per check. */
export function supersededChecks(db: ReadableDB, caseId: string): SupersededCheck[] {
  const rows = cached(
    db,
    `SELECT n, check_name AS name, outcome, summary, result, inputs_digest AS inputsDigest, engine_version AS engineVersion,
            computed_at AS computedAt, superseded_at AS supersededAt
     FROM case_check_versions WHERE case_id = ? ORDER BY check_name, n`,
  ).all(caseId) as (Omit<SupersededCheck, 'result'> & { result: string })[];
  return rows.map((r) => ({ ...r, result: JSON.parse(r.result) as unknown }));
}
