import { caseRecordSchema } from '../../src-shared/case';
import type { TravelRuleOutcome } from '../../src-shared/checks';
import { describeIssues } from '../cases/import';
import { evaluateCase } from '../rules/evaluate';
import { display, memoryRates, parseRatesCsv, type RateSource } from '../rules/fx';
import { defaultRulePack, ruleInForce, unverifiedFields, versionVerified } from '../rules/pack';
import { MAX_LINE_BYTES } from '../input/limits';
import { MAX_CSV_FILE_BYTES, readJsonFileBounded, readTextBounded, UnreadableFile } from '../input/read-file';
import { UsageError } from './passphrase';

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };

/** `waybill rules list`: every jurisdiction, the version in force on a date, and the files that failed. */
export function rulesList(json: boolean, date: string, out: Out): number {
  const pack = defaultRulePack();
  const rows = [...pack.files.values()]
    .filter((f) => f.kind !== 'group')
    .map((f) => {
      const r = ruleInForce(pack, f.jurisdiction, date);
      return {
        jurisdiction: f.jurisdiction,
        name: f.name,
        provenance: f.provenance,
        retentionYears: f.retentionYears,
        // The version in force on the date decides, so its flag is the one shown; the jurisdiction's
        // (every version verified) beside it.
        verified: r.kind === 'unknown' ? false : r.verified,
        jurisdictionVerified: f.verified,
        timeZone: f.timeZone,
        ...(r.ok
          ? {
              version: r.version.version,
              regime: 'travel_rule',
              via: r.via,
              effectiveFrom: r.version.effectiveFrom,
              threshold: r.version.threshold,
              tiers: r.version.tiers.map((t) => t.name),
              unhosted: r.version.unhostedWallet.duty,
            }
          : r.kind === 'unknown'
            ? { version: null, regime: 'none_known', reason: r.reason }
            : {
                version: r.version.version,
                regime: r.kind,
                via: r.via,
                effectiveFrom: r.version.effectiveFrom,
                reason: r.reason,
              }),
      };
    });
  if (json) {
    out.stdout(JSON.stringify({ date, digest: pack.digest, jurisdictions: rows, errors: pack.errors }) + '\n');
  } else {
    out.stdout(['CODE', 'NAME', 'VERSION IN FORCE', 'THRESHOLD', 'TIERS', 'SOURCE'].join('\t') + '\n');
    for (const r of rows) {
      const threshold =
        'threshold' in r && r.threshold
          ? r.threshold.amount === '0' && !r.threshold.exclusive
            ? 'none'
            : `${r.threshold.exclusive ? '>' : '≥'} ${display(r.threshold.amount, r.threshold.currency)}`
          : r.regime === 'travel_rule'
            ? '-'
            : r.regime.replace(/_/g, ' ');
      const version = r.version ?? `none (${'reason' in r ? r.reason : ''})`.slice(0, 60);
      out.stdout(
        [
          r.jurisdiction,
          r.name,
          version,
          threshold,
          'tiers' in r ? String(r.tiers?.length) : '-',
          `${r.provenance}${r.verified ? ', verified' : ', unverified'}`,
        ].join('\t') + '\n',
      );
    }
    out.stdout(`${rows.length} jurisdictions on ${date}; ${pack.errors.length} rule file errors\n`);
    for (const e of pack.errors) out.stdout(`  cannot evaluate: ${e.file} ${e.field}: ${e.message}\n`);
  }
  return pack.errors.length ? 1 : 0;
}

/**
 * `waybill rules audit`: per jurisdiction, whether its rule was checked against the primary text (and
 * if not, why), its sources with article and quote, and each version's quoted threshold wording. What
 * the README's count of verified jurisdictions comes from.
 */
export function rulesAudit(
  json: boolean,
  only: 'verified' | 'unverified' | null,
  out: Out,
  today = new Date().toISOString().slice(0, 10),
  codes: string[] = [],
): number {
  const pack = defaultRulePack();
  const all = [...pack.files.values()];
  const unknownCode = codes.find((c) => !pack.files.has(c));
  if (unknownCode !== undefined) {
    out.stderr(`No rule file for ${unknownCode}: \`waybill rules list\` shows the jurisdictions.`);
    return 2;
  }
  const rows = all
    .filter((f) => codes.length === 0 || codes.includes(f.jurisdiction))
    .filter((f) => only === null || f.verified === (only === 'verified'))
    .map((f) => ({
      jurisdiction: f.jurisdiction,
      name: f.name,
      kind: f.kind,
      provenance: f.provenance,
      verified: f.verified,
      checkedOn: f.verification.checkedOn,
      reason: f.verification.reason ?? null,
      notes: f.verification.notes ?? null,
      timeZone: f.timeZone,
      retentionYears: f.retentionYears,
      sources: f.sources,
      versions: f.versions.map((v) => ({
        version: v.version,
        regime: v.regime,
        verified: versionVerified(v),
        verificationReason: versionVerified(v)
          ? null
          : (v.verification?.reason ?? f.verification.reason ?? 'not checked against the primary text'),
        checkedOn: v.verification?.checkedOn ?? null,
        // The same few words a case's why gives: the fields not read in the primary text.
        unverifiedFields: versionVerified(v) ? null : unverifiedFields(v),
        // Per field (threshold, effectiveFrom, tiers, selfHosted, retention; regime for a period without a
        // rule): the primary text read, down to the article, with the quote where it decides.
        fields: v.verification?.fields ?? {},
        effectiveFrom: v.effectiveFrom,
        inForceBy: v.inForceBy ?? null,
        effectiveTo: v.effectiveTo,
        threshold: v.regime === 'travel_rule' ? v.threshold : null,
        thresholdText: v.regime === 'travel_rule' ? (v.threshold.text ?? null) : null,
        quotes: v.sources
          .filter((src) => src.quote)
          .map((src) => ({ label: src.label, article: src.article ?? null, quote: src.quote })),
        sources: v.sources,
      })),
    }));
  const jurisdictions = all.filter((f) => f.kind !== 'group');
  const summary = {
    jurisdictions: jurisdictions.length,
    verified: jurisdictions.filter((f) => f.verified).length,
    unverified: jurisdictions.filter((f) => !f.verified).length,
    // The version in force today decides today's transfers: how many of those rest on the primary text.
    verifiedToday: jurisdictions.filter((f) => {
      const r = ruleInForce(pack, f.jurisdiction, today);
      return r.kind !== 'unknown' && r.verified;
    }).length,
    today,
    brokenFiles: pack.errors.length,
  };
  if (json) {
    out.stdout(JSON.stringify({ digest: pack.digest, summary, jurisdictions: rows, errors: pack.errors }) + '\n');
  } else {
    for (const r of rows) {
      out.stdout(
        `${r.jurisdiction}\t${r.name}\t${r.verified ? 'VERIFIED' : 'unverified'}\t${r.provenance}\tchecked ${r.checkedOn}\n`,
      );
      if (r.reason) out.stdout(`  why unverified: ${r.reason}\n`);
      for (const v of r.versions) {
        const start = v.effectiveFrom ?? `unknown (in force by ${v.inForceBy})`;
        const wording = v.thresholdText
          ? `: "${v.thresholdText}"`
          : v.regime === 'travel_rule'
            ? ': threshold wording not quoted'
            : '';
        out.stdout(
          `  ${v.version} [${v.regime}] ${v.verified ? 'VERIFIED' : 'unverified'} from ${start}${v.effectiveTo ? ` to ${v.effectiveTo}` : ''}${wording}\n`,
        );
        if (!v.verified && v.verificationReason) {
          out.stdout(`    why unverified: ${v.verificationReason}\n`);
          out.stdout(`    ${v.unverifiedFields}\n`);
        }
        for (const [field, cited] of Object.entries(v.fields))
          for (const c of cited ?? [])
            out.stdout(`    ${field}: ${c.label}, ${c.article} <${c.url}>${c.quote ? `: "${c.quote}"` : ''}\n`);
        for (const q of v.quotes) out.stdout(`    ${q.label}${q.article ? `, ${q.article}` : ''}: "${q.quote}"\n`);
      }
      for (const src of r.sources)
        out.stdout(`  source: ${src.label}${src.article ? `, ${src.article}` : ''} <${src.url}>\n`);
    }
    out.stdout(
      `${summary.verified} of ${summary.jurisdictions} jurisdictions verified against the primary text (every version); ${summary.unverified} unverified; ${summary.verifiedToday} decided today (${today}) by a verified version; ${summary.brokenFiles} rule file errors\n`,
    );
    for (const e of pack.errors) out.stdout(`  cannot evaluate: ${e.file} ${e.field}: ${e.message}\n`);
  }
  return pack.errors.length ? 1 : 0;
}

/** Exit codes of `rules evaluate` (also in its --help): a red flag is not an answer to act on silently. */
export const EVALUATE_EXIT = {
  applies: 0,
  below_threshold: 0,
  not_required: 0,
  cannot_evaluate: 1,
  prohibited: 3,
} as const satisfies Record<TravelRuleOutcome, number>;

/** `waybill rules evaluate FILE`: one case as the contract carries it. Exit per EVALUATE_EXIT; 2 bad input. */
export function rulesEvaluate(
  file: string,
  opts: { json: boolean; home: string; rates: RateSource | null; ratesFile?: string },
  out: Out,
): number {
  // A case is one JSON Lines line elsewhere (cases import), so it is held to the same bounds here.
  const raw = readInput(() => readJsonFileBounded(file, MAX_LINE_BYTES, 'a case'), file);
  const parsed = caseRecordSchema.safeParse(raw);
  if (!parsed.success)
    throw new UsageError(`${file} is not a case as the backend contract carries it: ${describeIssues(parsed.error)}`);
  let rates = opts.rates ?? memoryRates([]);
  if (opts.ratesFile) {
    const ratesFile = opts.ratesFile;
    const csv = parseRatesCsv(readRatesCsv(ratesFile));
    for (const bad of csv.rejected) out.stderr(`${opts.ratesFile}:${bad.line}: ${bad.reason}\n`);
    rates = memoryRates(csv.rates);
  }
  const e = evaluateCase(parsed.data, { pack: defaultRulePack(), rates, homeJurisdiction: opts.home }).result;
  if (opts.json) out.stdout(JSON.stringify(e) + '\n');
  else {
    out.stdout(`${parsed.data.id}: ${e.outcome.toUpperCase().replace('_', ' ')}\n`);
    for (const w of e.why) out.stdout(`  ${w}\n`);
    for (const w of e.warnings) out.stdout(`  WARNING: ${w}\n`);
  }
  return EVALUATE_EXIT[e.outcome];
}

/** The value a bounded reader returned, or a UsageError (exit 2) naming the file and what is wrong with it. */
function readInput<T>(read: () => { ok: true; value: T } | { ok: false; reason: string }, file: string): T {
  let r: { ok: true; value: T } | { ok: false; reason: string };
  try {
    r = read();
  } catch (e) {
    if (e instanceof UnreadableFile) throw new UsageError(e.message);
    throw e;
  }
  if (!r.ok) throw new UsageError(`${file} is refused: ${r.reason}.`);
  return r.value;
}

/** A rates CSV's text, under MAX_CSV_FILE_BYTES and strict UTF-8; otherwise a UsageError (exit 2). */
export function readRatesCsv(file: string): string {
  return readInput(() => {
    const t = readTextBounded(file, MAX_CSV_FILE_BYTES, 'a rates CSV');
    return t.ok ? { ok: true, value: t.text } : t;
  }, file);
}
