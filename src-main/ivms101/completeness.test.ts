import { describe, expect, it } from 'vitest';
import { chooseTier, evaluateCompleteness, profileFor } from './completeness';
import type { Ivms101Model } from './model';
import { validModel } from '../../test/support/ivms101-payloads';

/** The FATF minimum for the beneficiary side, and an originator with name and account only. */
function bareModel(): Ivms101Model {
  const m = validModel();
  m.originator!.originatorPerson[0] = { naturalPerson: { name: { nameIdentifier: [{ primaryIdentifier: 'Howard', naturalPersonNameIdentifierType: 'LEGL' }] } } };
  return m;
}

describe('completeness', () => {
  it('maps member states to the EU profile and knows which jurisdictions it cannot judge', () => {
    expect(profileFor('DE')?.id).toBe('EU');
    expect(profileFor('no')?.id).toBe('EU'); // EEA
    expect(profileFor('US')?.id).toBe('US');
    expect(profileFor('BR')).toBeNull();
    const r = evaluateCompleteness(validModel(), '2020', ['DE', 'BR']);
    expect(r.notEvaluated).toEqual(['BR']);
    expect(r.complete).toBe(false); // BR could not be judged: never a silent pass
    expect(r.missing).toEqual([]);
  });

  it('a full payload is complete everywhere', () => {
    const r = evaluateCompleteness(validModel(), '2023', ['DE', 'US', 'GB', 'CH', 'SG'], { value: '5000', currency: 'USD' });
    expect(r.missing).toEqual([]);
  });

  it('EU: asks for address, document and customer numbers — or date and place of birth — in an analyst\'s words, with paths', () => {
    const r = evaluateCompleteness(bareModel(), '2020', ['FR']);
    expect(r.missing).toHaveLength(1);
    const [gap] = r.missing;
    expect(gap?.label).toMatch(/address with official document number and customer number, or date and place of birth/);
    // The closest alternative is the shorter one: date and place of birth.
    expect(gap?.items).toEqual([{ item: 'birth', label: 'date and place of birth', path: '/originator/originatorPersons/0/naturalPerson/dateAndPlaceOfBirth' }]);
    expect(gap?.jurisdictions).toEqual(['EU']);
  });

  it('names account numbers where the edition keeps them', () => {
    const m = bareModel();
    delete m.beneficiary!.accountNumber;
    const p2020 = evaluateCompleteness(m, '2020', ['CH']).missing.find((x) => x.requirement === 'beneficiary.account');
    const p2023 = evaluateCompleteness(m, '2023', ['CH']).missing.find((x) => x.requirement === 'beneficiary.account');
    expect(p2020?.items[0]?.path).toBe('/beneficiary/accountNumber');
    expect(p2023?.items[0]?.path).toBe('/beneficiary/beneficiaryPerson/0/accountNumber');
  });

  it.each([
    ['US', '2999.99', 'USD', 0, 'below USD 3,000'],
    ['US', '3000', 'USD', 1, 'USD 3,000 and above'],
    ['SG', '1500', 'SGD', 0, 'up to SGD 1,500'],
    ['SG', '1500.01', 'SGD', 1, 'above SGD 1,500'],
    ['GB', '1000', 'EUR', 0, 'up to EUR 1,000'],
    ['GB', '1000.01', 'EUR', 1, 'above EUR 1,000'],
  ])('%s at %s %s: %i gap(s) (%s)', (j, value, currency, gaps, tier) => {
    const r = evaluateCompleteness(bareModel(), '2020', [j], { value, currency });
    expect(r.evaluated[0]?.tier).toBe(tier);
    expect(r.missing.filter((x) => x.side === 'originator')).toHaveLength(gaps);
  });

  it('without a usable amount the strictest tier applies, and says so', () => {
    const sg = profileFor('SG')!;
    expect(chooseTier(sg).tier.name).toBe('above SGD 1,500');
    const other = chooseTier(sg, { value: '10', currency: 'EUR' });
    expect(other.tier.name).toBe('above SGD 1,500');
    expect(other.note).toMatch(/no exchange rate/);
  });

  it('takes the union over both jurisdictions, once per requirement, naming who asks', () => {
    const r = evaluateCompleteness(bareModel(), '2020', ['DE', 'SG'], { value: '2000', currency: 'SGD' });
    const originatorGaps = r.missing.filter((x) => x.side === 'originator');
    expect(originatorGaps.map((g) => g.jurisdictions)).toEqual([['EU'], ['SG']]);
  });
});
