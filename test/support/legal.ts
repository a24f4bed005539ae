import { expect } from 'vitest';
import { evaluateCase } from '../../src-main/rules/evaluate';
import { memoryRates } from '../../src-main/rules/fx';
import { defaultRulePack, type RulePack } from '../../src-main/rules/pack';
import { caseWith } from './cases';

// The shared shape of the rule pack's legal-case tables (issue 14): a transfer, the outcome the law's text
// gives it, the provision it rests on, and lines the why must carry.

export interface LegalRow {
  /** The provision the row rests on, as read. */
  cite: string;
  what: string;
  home: string;
  /** null: a self-hosted wallet. */
  cp: string | null;
  value: string;
  currency: string;
  at: string;
  outcome: string;
  why?: RegExp[];
}

export const legalRowName = (r: LegalRow) => `${r.what} — ${r.cite}`;

/** Evaluates a row's withdrawal (no FX table: each row is in the rule's own currency) and checks its outcome and why. */
export function judgeRow(r: LegalRow, pack: RulePack = defaultRulePack()) {
  const c = caseWith({ counterparty: r.cp, value: r.value, currency: r.currency, at: r.at, direction: 'withdrawal' });
  const e = evaluateCase(c, { pack, rates: memoryRates([]), homeJurisdiction: r.home }).result;
  expect(e.outcome, e.why.join('\n')).toBe(r.outcome);
  for (const w of r.why ?? [])
    expect(
      e.why.some((line) => w.test(line)),
      `${w} in\n${e.why.join('\n')}`,
    ).toBe(true);
  const us = e.sides.find((s) => s.party === 'us')!;
  const them = e.sides.find((s) => s.party === 'counterparty');
  return { e, us, them };
}

export function ruleFile(j: string, pack: RulePack = defaultRulePack()) {
  const f = pack.files.get(j);
  if (!f) throw new Error(`no rule file for ${j}`);
  return f;
}

export function ruleVersion(j: string, name: string, pack: RulePack = defaultRulePack()) {
  const v = ruleFile(j, pack).versions.find((x) => x.version === name);
  if (!v) throw new Error(`no version ${name} in ${j}`);
  return v;
}
