import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourcesDir } from '../../src-main/platform/paths';
import { generateCases } from '../../src-main/cases/generate';
import { ivms101Check } from '../../src-main/checks/ivms101';
import { evaluateCase } from '../../src-main/rules/evaluate';
import { memoryRates, parseRatesCsv } from '../../src-main/rules/fx';
import { defaultRulePack } from '../../src-main/rules/pack';
import { round, type Suite } from '../harness';

const CASES = Number(process.env.BENCH_RULES_CASES ?? 5000);

function perSecond(n: number, fn: () => void, minMs = 1500): number {
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    done += n;
  }
  return done / ((performance.now() - start) / 1000);
}

export const rulesSuite: Suite = {
  name: 'rules',
  async run() {
    const cases = [...generateCases(CASES, { seed: 31 })];
    const ctx = {
      pack: defaultRulePack(),
      rates: memoryRates(parseRatesCsv(readFileSync(join(resourcesDir(), 'demo', 'fx-rates.csv'), 'utf8')).rates),
      homeJurisdiction: 'DE',
    };
    for (const c of cases.slice(0, 500)) evaluateCase(c, ctx); // warm-up
    const evals = perSecond(cases.length, () => cases.forEach((c) => evaluateCase(c, ctx)));
    const full = perSecond(cases.length, () =>
      cases.forEach((c) => ivms101Check(c, evaluateCase(c, ctx), '2026-11-22')),
    );
    return [
      {
        suite: 'rules',
        metric: 'Travel Rule evaluation (both sides, FX, tiers)',
        value: round(evals, 0),
        unit: 'cases/s',
        note: `${CASES} generated cases, demo FX table`,
      },
      {
        suite: 'rules',
        metric: 'evaluation + IVMS101 validation and completeness',
        value: round(full, 0),
        unit: 'cases/s',
      },
    ];
  },
};
