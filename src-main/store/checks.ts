import { createHash } from 'node:crypto';
import type { StoredCheck } from '../../src-shared/checks';
import { cached, type ReadableDB, type WritableDB } from './db';

/** The outcome is also kept on the case row, where the queue's filters can use an index. */
const OUTCOME_COLUMN: Record<string, string> = {
  ivms101: 'ivms101_outcome',
  screening: 'screening_outcome',
  travel_rule: 'travel_rule_outcome',
};

// The rule pack's lists are frozen (rules/pack.ts): one that cannot change is serialised and hashed once.
const frozenRefs = new WeakMap<object, { text: string; ref: string }>();

/** A list of citations as stored, and its reference in rule_sources. */
function sourceRef(sources: unknown[]): { text: string; ref: string } {
  const known = frozenRefs.get(sources);
  if (known) return known;
  const text = JSON.stringify(sources);
  const found = { text, ref: `sha256:${createHash('sha256').update(text).digest('hex')}` };
  if (Object.isFrozen(sources)) frozenRefs.set(sources, found);
  return found;
}

/** A result as its row holds it, and the citation lists it refers to (rule_sources), by reference. */
export interface StoredForm {
  text: string;
  sources: { ref: string; text: string }[];
}

/**
 * The result as stored: a Travel Rule result's per-side `sources` become a reference to `rule_sources`
 * (migration 0022), written in the same transaction; case_checks_full puts them back byte for byte.
 * Needs no database, so the intake's worker threads compute it (cases/intake-pool.ts).
 */
export function storedForm(name: string, result: unknown): StoredForm {
  const sides = name === 'travel_rule' ? (result as { sides?: unknown } | null)?.sides : undefined;
  if (!Array.isArray(sides)) return { text: JSON.stringify(result), sources: [] };
  // A side whose sources are not a list is not the engine's: kept whole, so nothing reads as a reference.
  if (sides.some((side: unknown) => typeof (side as { sources?: unknown } | null)?.sources === 'string'))
    return { text: JSON.stringify(result), sources: [] };
  const refs: { ref: string; text: string }[] = [];
  const compact = sides.map((side: unknown) => {
    const sources = (side as { sources?: unknown } | null)?.sources;
    if (!Array.isArray(sources) || sources.length === 0) return side;
    const found = sourceRef(sources);
    refs.push(found);
    // Spread keeps the key order, so the expanded text is the text JSON.stringify wrote.
    return { ...(side as object), sources: found.ref };
  });
  return { text: JSON.stringify({ ...(result as object), sides: compact }), sources: refs };
}

/** A check as stored, its result already in its stored form (see storedForm). */
export type StoredFormCheck = Omit<StoredCheck<unknown>, 'result'> & { stored: StoredForm };

/** `updateRow` false: the caller wrote the outcome onto the case row already (cases/intake.ts). */
export function saveCheck(db: WritableDB, caseId: string, c: StoredCheck<unknown>, updateRow = true): void {
  const { result, ...rest } = c;
  saveStoredCheck(db, caseId, { ...rest, stored: storedForm(c.name, result) }, updateRow);
}

const CHECK_COLUMNS = '(case_id, check_name, outcome, summary, result, inputs_digest, engine_version, computed_at)';
const CHECK_UPSERT = `ON CONFLICT (case_id, check_name) DO UPDATE SET outcome = excluded.outcome, summary = excluded.summary,
       result = excluded.result, inputs_digest = excluded.inputs_digest, engine_version = excluded.engine_version,
       computed_at = excluded.computed_at`;
const checkValues = (caseId: string, c: StoredFormCheck) =>
  [caseId, c.name, c.outcome, c.summary, c.stored.text, c.inputsDigest, c.engineVersion, c.computedAt] as const;

function saveSources(db: WritableDB, c: StoredFormCheck): void {
  // Every time, not once per process: a rolled-back transaction takes its row with it.
  for (const s of c.stored.sources)
    cached(db, 'INSERT OR IGNORE INTO rule_sources (digest, sources) VALUES (?, ?)').run(s.ref, s.text);
}

export function saveStoredCheck(db: WritableDB, caseId: string, c: StoredFormCheck, updateRow = true): void {
  saveSources(db, c);
  cached(db, `INSERT INTO case_checks ${CHECK_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?) ${CHECK_UPSERT}`).run(
    ...checkValues(caseId, c),
  );
  const column = OUTCOME_COLUMN[c.name];
  if (column && updateRow) cached(db, `UPDATE cases SET ${column} = ? WHERE id = ?`).run(c.outcome, caseId);
}

/**
 * The checks of a case row just inserted with their outcomes (cases/intake.ts): its rows in one
 * statement instead of one each, the same rows in the same order as saveStoredCheck writes them.
 */
export function saveFreshChecks(db: WritableDB, caseId: string, checks: StoredFormCheck[]): void {
  if (checks.length === 0) return;
  for (const c of checks) saveSources(db, c);
  const rows = Array.from({ length: checks.length }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  cached(db, `INSERT INTO case_checks ${CHECK_COLUMNS} VALUES ${rows} ${CHECK_UPSERT}`).run(
    checks.flatMap((c) => checkValues(caseId, c)),
  );
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
       FROM case_checks_full WHERE case_id = ? ORDER BY check_name`,
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
     FROM case_check_versions_full WHERE case_id = ? ORDER BY check_name, n`,
  ).all(caseId) as (Omit<SupersededCheck, 'result'> & { result: string })[];
  return rows.map((r) => ({ ...r, result: JSON.parse(r.result) as unknown }));
}
