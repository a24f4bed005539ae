import { hash } from 'node:crypto';
import type { CaseRecord } from '../../src-shared/case';
import type { StoredCheck, TravelRuleEvaluation } from '../../src-shared/checks';
import { canonicalJson } from '../audit/canonical-json';
import { evaluateCase, type Evaluation } from '../rules/evaluate';
import type { RateSource } from '../rules/fx';
import { defaultRulePack, type RulePack } from '../rules/pack';
import { casePage } from '../store/cases';
import {
  saveFreshChecks,
  saveStoredCheck,
  storedDigest,
  storedForm,
  type StoredForm,
  type StoredFormCheck,
} from '../store/checks';
import type { ReadableDB, WritableDB } from '../store/db';
import { withPendingRepair } from '../store/repairs';
import { ivms101Check } from './ivms101';
import { SCREENING_ENGINE, findHits, withDispositions, type FoundScreening } from '../screening/case';
import type { ScreeningIndex } from '../screening/search';

// Every automatic check of a case, run when the case arrives or changes, and again when what it
// read changes (a new FX rate, a new rule pack). Each result is stored with a digest of exactly
// what it read and its engine version; an unchanged result is not rewritten.

export interface CheckContext {
  homeJurisdiction: string;
  /** "Today", for the date-of-birth rule. */
  today: string;
  pack: RulePack;
  rates: RateSource;
  maxRateAgeHours?: number;
  /** The sanctions index over the active lists (null: none imported, so cases are "not screened"). */
  screening?: ScreeningIndex | null;
  minScreeningScore?: number;
}

// 2: local legal dates, territories, not_required/prohibited, stale rates never decide "below" (issue 14).
// 3: VASP-to-VASP-only rules say "not required" for a self-hosted wallet; the why says an unverified rule's
//    missing fields in one line (issue 14, 30 Nov 2026).
export const TRAVEL_RULE_ENGINE = 'travel-rule-evaluation/3';

/** What stored evaluations rest on: the engine and the rule pack. Either changing re-evaluates the store. */
export const rulesDigest = (pack: RulePack = defaultRulePack()): string => `${TRAVEL_RULE_ENGINE} ${pack.digest}`;
// One-shot crypto.hash: the same SHA-256 hex as createHash().update().digest() without a Hash object per
// digest (a case takes three here and one per screened party; issue 21).
const digest = (v: unknown) => hash('sha256', canonicalJson(v), 'hex');

/** One check's result and exactly what it read, before it is stored. */
export interface ComputedCheck {
  check: Omit<StoredCheck<unknown>, 'inputsDigest' | 'computedAt'>;
  inputs: unknown;
}

/** One check's result and the digest of what it read: what is stored, and all a worker thread needs to send. */
export interface DigestedCheck {
  check: Omit<StoredCheck<unknown>, 'inputsDigest' | 'computedAt'>;
  inputsDigest: string;
  /** The result as its row will hold it, when computed ahead (a worker sends this text, not the result). */
  stored?: StoredForm;
}

/**
 * The checks of a case as far as they need no database. Screening is `checked` when it needs none
 * either (it failed, or found no hit, so no disposition to read); else its hits await the dispositions.
 */
export interface PreparedChecks {
  travelRule: DigestedCheck;
  ivms101: DigestedCheck;
  screening: { found: FoundScreening } | { checked: DigestedCheck };
}

/** The outcomes the case row carries for the queue's filters (see store/checks.ts). */
export interface CheckOutcomes {
  travelRule: string | null;
  ivms101: string | null;
  screening: string | null;
}

export function outcomesOf(computed: DigestedCheck[]): CheckOutcomes {
  const of = (name: string) => computed.find((x) => x.check.name === name)?.check.outcome ?? null;
  return { travelRule: of('travel_rule'), ivms101: of('ivms101'), screening: of('screening') };
}

function failed(name: string, e: unknown): Omit<StoredCheck<unknown>, 'inputsDigest' | 'computedAt'> {
  // A check that throws must not take the import or sync batch down with it: it is recorded as failed.
  const reason = `the check itself failed (${e instanceof Error ? e.name : 'error'}); re-run after updating Waybill`;
  return {
    name,
    engineVersion: 'failed',
    outcome: name === 'ivms101' ? 'unreadable' : 'cannot_evaluate',
    summary: `Not checked: ${reason}`,
    result: { reason },
  };
}

const TRAVEL_HEAD: Record<string, string> = {
  below_threshold: 'Below threshold',
  not_required: 'Not required (no Travel Rule in force)',
};
const travelSummary = (r: TravelRuleEvaluation): string => {
  // Both sides under one rule (two EU members, say) is one rule that applies: said once.
  const applies = [
    ...new Set(
      r.sides
        .filter((s) => s.status === 'applies')
        .map((s) => `${s.jurisdiction} ${s.version}${s.tier && s.tier !== 'all transfers' ? ` (${s.tier})` : ''}`),
    ),
  ];
  const head =
    r.outcome === 'prohibited'
      ? `RED FLAG: ${r.sides
          .filter((s) => s.status === 'prohibited')
          .map((s) => s.jurisdiction)
          .join(', ')} prohibits VASP activity${applies.length ? `; applies: ${applies.join('; ')}` : ''}`
      : r.outcome === 'applies'
        ? `Applies: ${applies.join('; ')}`
        : r.outcome === 'cannot_evaluate'
          ? `Cannot evaluate: ${r.sides
              .filter((s) => s.status === 'cannot_evaluate')
              .map((s) => s.jurisdiction)
              .join(', ')}`
          : (TRAVEL_HEAD[r.outcome] ?? r.outcome);
  // An unverified rule that decided something is said wherever the outcome is shown.
  const unverified = r.unverified?.length
    ? ` (unverified rule: ${r.unverified.map((u) => u.jurisdiction).join(', ')})`
    : '';
  return `${head}${unverified}${r.warnings.length ? ` — ${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''}` : ''}`;
};

/** The digest of what a check read; a check whose inputs cannot be read is recorded as failed, never thrown. */
function digested(x: ComputedCheck, caseId: string): DigestedCheck {
  try {
    return { check: x.check, inputsDigest: digest(x.inputs) };
  } catch (e) {
    return { check: failed(x.check.name, e), inputsDigest: digest({ failed: true, id: caseId }) };
  }
}

/**
 * The pure part of the checks: Travel Rule evaluation, the IVMS101 check and the screening search,
 * with the digests of what they read. Reads no database (the caller lays a pending repair over the
 * case first), so the intake runs it on its worker threads (cases/intake-pool.ts).
 */
export function prepareChecks(c: CaseRecord, ctx: CheckContext): PreparedChecks {
  let evaluation: Evaluation | null = null;
  let travel: ComputedCheck;
  try {
    evaluation = evaluateCase(c, ctx);
    const r = evaluation.result;
    const check = {
      name: 'travel_rule',
      engineVersion: TRAVEL_RULE_ENGINE,
      outcome: r.outcome,
      summary: travelSummary(r),
      result: r,
    };
    // What the evaluation read: the case's facts, the rule pack, and the rates it actually used.
    const inputs = {
      r: r.inputs,
      wallet: c.walletType,
      protocol: c.counterparty?.protocol ?? null,
      pack: r.rulePackDigest,
      rates: r.sides.map((s) => s.converted?.rates ?? []),
      maxAge: ctx.maxRateAgeHours ?? null,
    };
    travel = { check, inputs };
  } catch (e) {
    travel = { check: failed('travel_rule', e), inputs: { failed: true, id: c.id } };
  }
  let ivms: ComputedCheck;
  try {
    if (!evaluation) throw new Error('no evaluation');
    const check = ivms101Check(c, evaluation, ctx.today);
    const inputs = {
      ivms101: c.ivms101,
      requirements: evaluation.requirements.map((r) => [r.jurisdiction, r.label, r.tier.name, r.note]),
      unknown: evaluation.unknown,
      today: ctx.today,
    };
    ivms = { check, inputs };
  } catch (e) {
    ivms = { check: failed('ivms101', e), inputs: { failed: true, id: c.id } };
  }
  let screening: PreparedChecks['screening'];
  try {
    const found = findHits(c, ctx.screening ?? null, ctx.minScreeningScore);
    // No hit, no disposition to read: the result is complete here.
    screening = found.hits.length ? { found } : { checked: screeningCheck(null, c.id, found) };
  } catch (e) {
    screening = { checked: digested({ check: failed('screening', e), inputs: { failed: true, id: c.id } }, c.id) };
  }
  return { travelRule: digested(travel, c.id), ivms101: digested(ivms, c.id), screening };
}

/**
 * The prepared checks as a worker thread sends them: each complete result as the text its row will
 * hold (strings cross threads far cheaper than the object, and the writer need not serialise it).
 */
export function forTransfer(p: PreparedChecks): PreparedChecks {
  const seal = (x: DigestedCheck): DigestedCheck => ({
    check: { ...x.check, result: null },
    inputsDigest: x.inputsDigest,
    stored: x.stored ?? storedForm(x.check.name, x.check.result),
  });
  return {
    travelRule: seal(p.travelRule),
    ivms101: seal(p.ivms101),
    screening: 'checked' in p.screening ? { checked: seal(p.screening.checked) } : p.screening,
  };
}

/** The database part: screening's hits with their dispositions. Returns every check, ready to store. */
export function finishChecks(db: ReadableDB, caseId: string, p: PreparedChecks): DigestedCheck[] {
  if ('checked' in p.screening) return [p.travelRule, p.ivms101, p.screening.checked];
  return [p.travelRule, p.ivms101, screeningCheck(db, caseId, p.screening.found)];
}

/** Screening's result with the dispositions of its hits (a result without hits reads no database). */
function screeningCheck(db: ReadableDB | null, caseId: string, found: FoundScreening): DigestedCheck {
  let screening: ComputedCheck;
  try {
    if (!db && found.hits.length) throw new Error('hits need the dispositions');
    const r = withDispositions(db!, found);
    const open = r.hits.filter((h) => !h.disposition).length;
    const summary =
      r.outcome === 'not_screened'
        ? 'Not screened: no sanctions list imported'
        : r.outcome === 'clear'
          ? `Clear against ${r.lists.length} ${r.lists.length === 1 ? 'list' : 'lists'}${r.hits.length ? ` (${r.hits.length} ${r.hits.length === 1 ? 'hit' : 'hits'} cleared as false positives)` : ''}`
          : r.outcome === 'true_match'
            ? 'TRUE MATCH recorded: acceptance is blocked unless escalated'
            : `${open} potential ${open === 1 ? 'match' : 'matches'} to review, best score ${Math.max(...r.hits.filter((h) => !h.disposition).map((h) => h.score))}`;
    const check = { name: 'screening', engineVersion: SCREENING_ENGINE, outcome: r.outcome, summary, result: r };
    screening = { check, inputs: r };
  } catch (e) {
    screening = { check: failed('screening', e), inputs: { failed: true, id: caseId } };
  }
  return digested(screening, caseId);
}

/**
 * Computes every check of a case without writing anything, so the intake can store the case row
 * once with its outcomes (three UPDATEs of the row, each through its indexes, cost more than the
 * insert itself). Screening reads the analysts' dispositions, hence the database.
 */
export function computeCaseChecks(db: ReadableDB, received: CaseRecord, ctx: CheckContext): DigestedCheck[] {
  // A repair still waiting for the backend is what the analyst works on: the checks read it too.
  const c = withPendingRepair(db, received);
  return finishChecks(db, c.id, prepareChecks(c, ctx));
}

/**
 * Stores the computed checks of a stored case; a result whose inputs and engine are unchanged is not
 * rewritten. `rowHasOutcomes`: the case row was just written with outcomesOf(computed), so the
 * outcome columns need no second write. `fresh`: the case row was just inserted, so it has no stored
 * checks to compare with (case_checks rows go with their case). Returns the names of the checks that changed.
 */
export function saveCaseChecks(
  db: WritableDB,
  caseId: string,
  computed: DigestedCheck[],
  now: string,
  rowHasOutcomes = false,
  fresh = false,
): string[] {
  const ran: string[] = [];
  const rows: StoredFormCheck[] = [];
  for (const { check, inputsDigest, stored } of computed) {
    const prev = fresh ? null : storedDigest(db, caseId, check.name);
    if (prev && prev.inputsDigest === inputsDigest && prev.engineVersion === check.engineVersion) continue;
    const { result, ...rest } = check;
    rows.push({ ...rest, inputsDigest, computedAt: now, stored: stored ?? storedForm(check.name, result) });
    ran.push(check.name);
  }
  // A new case's rows in one statement; otherwise each its own, with the row's outcome when it needs it.
  if (fresh && rowHasOutcomes) saveFreshChecks(db, caseId, rows);
  else for (const row of rows) saveStoredCheck(db, caseId, row, !rowHasOutcomes);
  return ran;
}

export function runCaseChecks(
  db: WritableDB,
  c: CaseRecord,
  ctx: CheckContext,
  now = new Date().toISOString(),
): string[] {
  return saveCaseChecks(db, c.id, computeCaseChecks(db, c, ctx), now);
}

/**
 * Re-runs every case's checks, a page per transaction: after new FX rates or a new rule pack.
 * Only results whose inputs changed are rewritten. Returns how many checks changed.
 */
export function recheckAll(db: WritableDB, ctx: CheckContext, pageSize = 500): { cases: number; changed: number } {
  let after = '';
  let cases = 0;
  let changed = 0;
  const now = new Date().toISOString();
  for (;;) {
    const page = casePage(db, after, pageSize);
    if (page.length === 0) break;
    db.transaction(() => {
      for (const c of page) changed += runCaseChecks(db, c, ctx, now).length;
    })();
    cases += page.length;
    after = page[page.length - 1]!.id;
  }
  return { cases, changed };
}
