import { describe, expect, it } from 'vitest';
import { caseWith } from '../../test/support/cases';
import { evaluateCase } from '../rules/evaluate';
import { memoryRates } from '../rules/fx';
import { defaultRulePack } from '../rules/pack';
import { CASES_CSV_HEADER, unverifiedRulesCell } from './rows';

// cases.csv says which unverified rule version decided a case's Travel Rule outcome (issue 14), from the
// evaluation as stored: here, real evaluations serialised as the checks store them.
const stored = (counterparty: string, at: string) =>
  JSON.stringify(
    evaluateCase(caseWith({ counterparty, value: '5', currency: 'EUR', at }), {
      pack: defaultRulePack(),
      rates: memoryRates([]),
      homeJurisdiction: counterparty,
    }).result,
  );

describe('cases.csv: the unverified rule column', () => {
  it('sits right after the travel_rule outcome', () => {
    expect(CASES_CSV_HEADER.indexOf('travel_rule_unverified_rule')).toBe(CASES_CSV_HEADER.indexOf('travel_rule') + 1);
  });

  it('names the version when an unverified one decided (France before the TFR: French law not read)', () => {
    expect(unverifiedRulesCell(stored('FR', '2024-06-01T12:00:00Z'))).toBe('FR FR-pre-TFR');
  });

  it('is empty when the deciding version was verified (the TFR, Reg. (EU) 2023/1113, from 30 Dec 2024)', () => {
    expect(unverifiedRulesCell(stored('FR', '2025-06-01T12:00:00Z'))).toBe('');
  });

  it('says a stored result it cannot read is unreadable, never "verified"', () => {
    expect(unverifiedRulesCell('{not json')).toBe('(stored evaluation unreadable)');
    expect(unverifiedRulesCell(undefined)).toBe('');
    // A damaged list (30 Nov: [null] stopped the whole export with an unnamed TypeError).
    for (const list of ['[null]', '[1]', '["FR"]', '[[]]', '[{"jurisdiction":"FR","version":"v"},null]'])
      expect(unverifiedRulesCell(`{"unverified":${list}}`), list).toBe('(stored evaluation unreadable)');
    expect(unverifiedRulesCell('{"unverified":[{"jurisdiction":"FR","version":"FR-pre-TFR"}]}')).toBe('FR FR-pre-TFR');
  });
});
