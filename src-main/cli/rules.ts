import { readFileSync } from 'node:fs';
import { caseRecordSchema } from '../../src-shared/case';
import { describeIssues } from '../cases/import';
import { evaluateCase } from '../rules/evaluate';
import { display, memoryRates, parseRatesCsv, type RateSource } from '../rules/fx';
import { defaultRulePack, ruleInForce } from '../rules/pack';
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
        ...(r.ok
          ? { version: r.version.version, via: r.via, effectiveFrom: r.version.effectiveFrom, threshold: r.version.threshold, tiers: r.version.tiers.map((t) => t.name), unhosted: r.version.unhostedWallet.duty }
          : { version: null, reason: r.reason }),
      };
    });
  if (json) {
    out.stdout(JSON.stringify({ date, digest: pack.digest, jurisdictions: rows, errors: pack.errors }) + '\n');
  } else {
    out.stdout(['CODE', 'NAME', 'VERSION IN FORCE', 'THRESHOLD', 'TIERS', 'SOURCE'].join('\t') + '\n');
    for (const r of rows) {
      const threshold = 'threshold' in r && r.threshold ? (r.threshold.amount === '0' && !r.threshold.exclusive ? 'none' : `${r.threshold.exclusive ? '>' : '≥'} ${display(r.threshold.amount, r.threshold.currency)}`) : '-';
      out.stdout([r.jurisdiction, r.name, r.version ?? `none (${'reason' in r ? r.reason : ''})`.slice(0, 60), threshold, 'tiers' in r ? String(r.tiers?.length) : '-', r.provenance].join('\t') + '\n');
    }
    out.stdout(`${rows.length} jurisdictions on ${date}; ${pack.errors.length} rule file errors\n`);
    for (const e of pack.errors) out.stdout(`  cannot evaluate: ${e.file} ${e.field}: ${e.message}\n`);
  }
  return pack.errors.length ? 1 : 0;
}

/** `waybill rules evaluate FILE`: one case as the contract carries it. Exit 0 evaluated, 1 cannot evaluate, 2 bad input. */
export function rulesEvaluate(file: string, opts: { json: boolean; home: string; rates: RateSource | null; ratesFile?: string }, out: Out): number {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new UsageError(`${file} is not a readable JSON file.`);
  }
  const parsed = caseRecordSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${file} is not a case as the backend contract carries it: ${describeIssues(parsed.error)}`);
  let rates = opts.rates ?? memoryRates([]);
  if (opts.ratesFile) {
    const csv = parseRatesCsv(readFileSync(opts.ratesFile, 'utf8'));
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
  return e.outcome === 'cannot_evaluate' ? 1 : 0;
}
