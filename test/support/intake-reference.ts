import { createHash } from 'node:crypto';
import type { CaseRecord } from '../../src-shared/case';
import type {
  MatchPart,
  ScreenedParty,
  ScreeningCheck,
  ScreeningHit,
  StoredCheck,
  TravelRuleEvaluation,
} from '../../src-shared/checks';
import { appendAudit } from '../../src-main/audit/chain';
import { canonicalJson } from '../../src-main/audit/canonical-json';
import { TRAVEL_RULE_ENGINE, type CheckContext } from '../../src-main/checks/run';
import { ivms101Check } from '../../src-main/checks/ivms101';
import { parseJsonBounded } from '../../src-main/input/limits';
import { displayNames } from '../../src-main/ivms101/display-names';
import { readIvms101Shared, sharingIvms101Reads } from '../../src-main/ivms101/engine';
import { evaluateCase, type Evaluation } from '../../src-main/rules/evaluate';
import { SCREENING_ENGINE, DEFAULT_MIN_SCORE, evidenceOf, partiesOf } from '../../src-main/screening/case';
import type { ScreeningIndex } from '../../src-main/screening/search';
import { dispositionState, entryBy, entryDigest } from '../../src-main/screening/store';
import { caseHead, quarantine, storedDifferences, upsertCase } from '../../src-main/store/cases';
import { saveCheck, storedDigest } from '../../src-main/store/checks';
import type { ReadableDB, WritableDB } from '../../src-main/store/db';
import { withPendingRepair } from '../../src-main/store/repairs';
import { caseRecordSchema } from '../../src-shared/case';
import {
  describeIssues,
  type Admission,
  type IntakeContext,
  type IntakeSource,
  type RawCase,
} from '../../src-main/cases/intake';

// The intake as it was before its split into a pure stage and a database stage (commit 0e0bf69:
// cases/intake.ts admit, checks/run.ts computeCaseChecks and saveCaseChecks, screening/case.ts
// screenCase), kept verbatim as the oracle the differential test compares the split with. Test code only.

const strictCase = caseRecordSchema.strict();

// Where a status sits in the lifecycle; a change to a lower rank is a case moving backwards.
const RANK: Record<string, number> = {
  pending_review: 1,
  escalated: 2,
  needs_information: 2,
  accepted: 3,
  rejected: 3,
  awaiting_counterparty: 4,
  awaiting_email_reply: 4,
  counterparty_approved: 5,
  counterparty_rejected: 5,
  awaiting_tx_hash: 6,
  completed: 7,
  expired: 7,
  canceled: 7,
};
/** The one way back that is part of the flow: a repaired deposit returns to review. */
const ALLOWED_BACK = new Set(['needs_information>pending_review', 'escalated>pending_review']);

function judgeCase(
  db: WritableDB,
  raw: RawCase,
  today?: string,
): { ok: true; record: CaseRecord; stored: { version: number } | null } | { ok: false; reason: string } {
  let head: { version: number } | null = null;
  if ('error' in raw) return { ok: false, reason: raw.error };
  let value: unknown;
  if ('value' in raw) value = raw.value;
  else {
    // Depth is checked before JSON.parse: a deeply nested text never reaches a recursive walker.
    const parsed = parseJsonBounded(raw.text);
    if (!parsed.ok) return { ok: false, reason: parsed.reason };
    value = parsed.value;
  }
  const parsed = strictCase.safeParse(value);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
  const c = parsed.data;
  // Read with the checks' today, so the IVMS101 check and screening reuse this reading.
  const read = readIvms101Shared(c.ivms101, today ? { today } : {});
  if (!read.ok) return { ok: false, reason: `ivms101: ${read.reason}` };
  const local = caseHead(db, c.id);
  head = local;
  if (
    local &&
    c.version > local.version &&
    (RANK[c.status] ?? 0) < (RANK[local.status] ?? 0) &&
    !ALLOWED_BACK.has(`${local.status}>${c.status}`)
  ) {
    return { ok: false, reason: `the case moves backwards in its lifecycle, from ${local.status} to ${c.status}` };
  }
  if (local && c.version === local.version) {
    // Issue 17: one (id, version) means one content. A second, different one is not a replay: keep
    // the first, refuse the second by name (fields only, never values) so nobody mistakes it for one.
    const differs = storedDifferences(db, c, displayNames(c.ivms101));
    if (differs.length)
      return {
        ok: false,
        reason: `conflict: version ${c.version} of case ${c.id} differs from the stored version ${c.version} (${differs.slice(0, 5).join(', ')}${differs.length > 5 ? ', …' : ''})`,
      };
  }
  return { ok: true, record: c, stored: head };
}

/**
 * Admits one case: judge it, then store it by (id, version), run its checks and record its arrival
 * or change in the audit trail — or quarantine it with its reason. Call inside a transaction.
 */
export function admitReference(db: WritableDB, raw: RawCase, source: IntakeSource, ctx: IntakeContext): Admission {
  return sharingIvms101Reads(() => admitOne(db, raw, source, ctx));
}

function admitOne(db: WritableDB, raw: RawCase, source: IntakeSource, ctx: IntakeContext): Admission {
  const verdict = judgeCase(db, raw, ctx.checks.today);
  if (!verdict.ok) {
    quarantine(db, {
      source: source.name,
      location: source.location,
      reason: verdict.reason,
      raw: raw.text.slice(0, 100_000),
      at: ctx.at,
    });
    return { outcome: 'quarantined', reason: verdict.reason };
  }
  const record = verdict.record;
  // Checks first, in memory, so the row is written once with its outcomes; a replay (same or older
  // version) is not checked at all, as before.
  const replay = verdict.stored !== null && verdict.stored.version >= record.version;
  const computed = replay ? null : computeCaseChecks(db, record, ctx.checks);
  const outcome = upsertCase(
    db,
    record,
    ctx.at,
    displayNames(record.ivms101),
    computed ? outcomesOf(computed) : undefined,
  );
  if (outcome === 'inserted' || outcome === 'updated') {
    saveCaseChecks(
      db,
      record.id,
      computed ?? computeCaseChecks(db, record, ctx.checks),
      ctx.at,
      computed !== null,
      outcome === 'inserted',
    );
    // Every transition is an audit event: the case's timeline starts with its arrival.
    appendAudit(db, {
      actor: source.actor,
      action: `case.${outcome === 'inserted' ? 'received' : 'updated'}`,
      caseId: record.id,
      payload: {
        source: source.name,
        version: record.version,
        status: record.status,
        ...(source.origin ? { backend: source.origin.host, backendId: source.origin.backendId } : {}),
      },
      at: ctx.at,
    });
  }
  return { outcome, record };
}

const digest = (v: unknown) => createHash('sha256').update(canonicalJson(v)).digest('hex');

interface ComputedCheck {
  check: Omit<StoredCheck<unknown>, 'inputsDigest' | 'computedAt'>;
  inputs: unknown;
}

/** The outcomes the case row carries for the queue's filters (see store/checks.ts). */
interface CheckOutcomes {
  travelRule: string | null;
  ivms101: string | null;
  screening: string | null;
}

function outcomesOf(computed: ComputedCheck[]): CheckOutcomes {
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

function computeCaseChecks(db: ReadableDB, received: CaseRecord, ctx: CheckContext): ComputedCheck[] {
  // A repair still waiting for the backend is what the analyst works on: the checks read it too.
  const c = withPendingRepair(db, received);
  const out: ComputedCheck[] = [];
  let evaluation: Evaluation | null = null;
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
    out.push({ check, inputs });
  } catch (e) {
    out.push({ check: failed('travel_rule', e), inputs: { failed: true, id: c.id } });
  }
  try {
    if (!evaluation) throw new Error('no evaluation');
    const check = ivms101Check(c, evaluation, ctx.today);
    const inputs = {
      ivms101: c.ivms101,
      requirements: evaluation.requirements.map((r) => [r.jurisdiction, r.label, r.tier.name, r.note]),
      unknown: evaluation.unknown,
      today: ctx.today,
    };
    out.push({ check, inputs });
  } catch (e) {
    out.push({ check: failed('ivms101', e), inputs: { failed: true, id: c.id } });
  }
  try {
    const r = screenCase(db, c, ctx.screening ?? null, ctx.minScreeningScore);
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
    out.push({ check, inputs: r });
  } catch (e) {
    out.push({ check: failed('screening', e), inputs: { failed: true, id: c.id } });
  }
  return out;
}

/**
 * Stores the computed checks of a stored case; a result whose inputs and engine are unchanged is not
 * rewritten. `rowHasOutcomes`: the case row was just written with outcomesOf(computed), so the
 * outcome columns need no second write. `fresh`: the case row was just inserted, so it has no stored
 * checks to compare with (case_checks rows go with their case). Returns the names of the checks that changed.
 */
function saveCaseChecks(
  db: WritableDB,
  caseId: string,
  computed: ComputedCheck[],
  now: string,
  rowHasOutcomes = false,
  fresh = false,
): string[] {
  const ran: string[] = [];
  for (const x of computed) {
    let check = x.check;
    let inputsDigest: string;
    try {
      inputsDigest = digest(x.inputs);
    } catch (e) {
      // As before the split: a check whose inputs cannot be read is recorded as failed, never thrown.
      check = failed(check.name, e);
      inputsDigest = digest({ failed: true, id: caseId });
    }
    const prev = fresh ? null : storedDigest(db, caseId, check.name);
    if (prev && prev.inputsDigest === inputsDigest && prev.engineVersion === check.engineVersion) continue;
    saveCheck(db, caseId, { ...check, inputsDigest, computedAt: now }, !rowHasOutcomes || check !== x.check);
    ran.push(check.name);
  }
  return ran;
}

function nameParts(p: ScreenedParty, h: ReturnType<ScreeningIndex['search']>[number]): MatchPart[] {
  const parts: MatchPart[] = [
    { field: 'name', ours: p.value, theirs: h.matchedName, effect: `name score ${h.why.nameScore}` },
  ];
  for (const x of h.why.pairs)
    parts.push({
      field: 'name token',
      ours: x.query,
      theirs: x.listed,
      effect: x.score === 1 ? 'identical' : `${x.score} Jaro–Winkler`,
    });
  if (h.why.birthDate) {
    const effect = h.why.birthDate === 'same date' ? '+0.05' : h.why.birthDate === 'same year' ? '+0.02' : '−0.15';
    parts.push({
      field: 'date of birth',
      ours: p.birthDate ?? '',
      theirs: h.birthDates.join(', '),
      effect: `${h.why.birthDate}: ${effect}`,
    });
  }
  if (h.why.country)
    parts.push({
      field: 'country',
      ours: p.country ?? '',
      theirs: h.countries.join(', '),
      effect: h.why.country === 'listed' ? 'listed: +0.02' : 'not listed: −0.05',
    });
  return parts;
}

function screenCase(
  db: ReadableDB,
  c: CaseRecord,
  index: ScreeningIndex | null,
  minScore = DEFAULT_MIN_SCORE,
): ScreeningCheck {
  const parties = partiesOf(c);
  if (!index || index.lists.length === 0) {
    return { outcome: 'not_screened', lists: [], minScore, parties: parties.length, hits: [], blocksAcceptance: false };
  }
  const hits: ScreeningHit[] = [];
  const withDisposition = (p: ScreenedParty, list: string, entryId: string) => {
    const e = entryBy(db, list, entryId);
    const d = e ? entryDigest(e) : 'unknown';
    const state = dispositionState(db, p.digest, list, entryId, d);
    return {
      entryDigest: d,
      disposition: state.current,
      pending: state.pending,
      previous: state.previous,
      ...(e ? { evidence: evidenceOf(e) } : {}),
    };
  };
  for (const p of parties) {
    if (p.kind === 'wallet') {
      for (const h of index.findAddress(p.value, c.network)) {
        hits.push({
          party: p,
          score: 1,
          list: h.list,
          listVersion: h.listVersion,
          entryId: h.entryId,
          name: h.name,
          matchedName: `${h.chain} ${h.address}`,
          why: `The ${p.role} ${p.value} is listed as a ${h.chain} digital currency address of this entry.`,
          parts: [
            { field: 'wallet address', ours: p.value, theirs: `${h.chain} ${h.address}`, effect: 'exact: score 1' },
          ],
          ...withDisposition(p, h.list, h.entryId),
        });
      }
      continue;
    }
    for (const h of index.search(p.value, { minScore, limit: 5, birthDate: p.birthDate, country: p.country })) {
      const pairs = h.why.pairs
        .map((x) => (x.score === 1 ? x.listed : `${x.query}≈${x.listed} (${x.score})`))
        .join(', ');
      const extra = [
        h.why.birthDate ? `date of birth: ${h.why.birthDate}` : null,
        h.why.country ? `country: ${h.why.country}` : null,
      ]
        .filter(Boolean)
        .join('; ');
      hits.push({
        party: p,
        score: h.score,
        list: h.list,
        listVersion: h.listVersion,
        entryId: h.entryId,
        name: h.name,
        matchedName: h.matchedName,
        why: `Name score ${h.why.nameScore} on ${pairs}${extra ? `; ${extra}` : ''}.`,
        parts: nameParts(p, h),
        ...withDisposition(p, h.list, h.entryId),
      });
    }
  }
  const open = hits.filter((h) => !h.disposition || (h.disposition.disposition === 'false_positive' && h.pending));
  const trueMatch = hits.some((h) => h.disposition?.disposition === 'true_match');
  return {
    outcome: trueMatch ? 'true_match' : open.length ? 'potential_match' : 'clear',
    lists: index.lists.map((l) => l.version),
    minScore,
    parties: parties.length,
    hits: hits.sort((a, b) => b.score - a.score),
    blocksAcceptance: trueMatch,
  };
}
