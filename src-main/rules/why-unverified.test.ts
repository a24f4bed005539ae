import { describe, expect, it } from 'vitest';
import { caseWith } from '../../test/support/cases';
import { evaluateCase } from './evaluate';
import { memoryRates } from './fx';
import { defaultRulePack, ruleInForce } from './pack';

// Issue 14 point 9: "the UI, the why and exports say 'unverified rule' wherever it decided something". The
// why on a case says it in one short line naming the fields not read in the primary text; the research
// trail (what was read, the routes tried) stays on the stored evaluation, in exports and in `rules audit`.
const pack = defaultRulePack();

describe('an unverified rule in the why: one short line, the full reason kept', () => {
  it('GB (MLR 2017 Part 7A, start read in reg. 1(3); the rest not read): names the missing fields, not the search log', () => {
    const c = caseWith({ counterparty: 'GB', value: '23.11', currency: 'EUR', at: '2026-11-07T18:14:06Z' });
    const e = evaluateCase(c, { pack, rates: memoryRates([]), homeJurisdiction: 'DE' }).result;
    const line = e.why.find((w) => w.startsWith('Unverified rule: GB'));
    expect(line, e.why.join('\n')).toBeDefined();
    const gb = ruleInForce(pack, 'GB', '2026-11-07');
    if (gb.kind !== 'travel_rule') throw new Error(`GB should have a Travel Rule on 2026-11-07, not ${gb.kind}`);
    // The fields the rule file does not cite from the primary text, in a few words.
    expect(line).toContain(`(${gb.unverifiedFields})`);
    expect(gb.unverifiedFields).toMatch(/^not read in the primary text: .*threshold/);
    expect(line).toContain('`waybill rules audit GB`');
    // The research trail is not on the case's why, however long the file's reason grows...
    expect(gb.verificationReason!.length).toBeGreaterThan(200);
    expect(line).not.toContain(gb.verificationReason!);
    expect(line!.length).toBeLessThan(300);
    // ...but the stored evaluation (and so the export) keeps it whole.
    expect(e.unverified).toContainEqual({
      jurisdiction: 'GB',
      version: gb.version.version,
      reason: gb.verificationReason,
    });
  });

  it('US (31 CFR 1010.410: four fields read in the regulation, the CVC start not): only the start date is named', () => {
    const c = caseWith({ counterparty: 'US', value: '5000', currency: 'USD', at: '2026-11-02T10:00:00Z' });
    const e = evaluateCase(c, { pack, rates: memoryRates([]), homeJurisdiction: 'US' }).result;
    const line = e.why.find((w) => w.startsWith('Unverified rule: US'));
    expect(line, e.why.join('\n')).toMatch(/\(not read in the primary text: start date\)/);
  });

  it('a verified version (the TFR, Reg. (EU) 2023/1113) gives no such line', () => {
    const c = caseWith({ counterparty: 'FR', value: '5000', currency: 'EUR', at: '2026-11-02T10:00:00Z' });
    const e = evaluateCase(c, { pack, rates: memoryRates([]), homeJurisdiction: 'DE' }).result;
    expect(e.why.join('\n')).not.toMatch(/Unverified rule/);
  });
});
