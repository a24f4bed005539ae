import { describe, expect, it } from 'vitest';
import { defaultRulePack } from '../rules/pack';
import { ruleSetsFor } from '../rules/rule-sets';
import { evaluateCompleteness } from './completeness';
import type { Ivms101Model } from './model';
import type { Edition } from './schema';
import { validModel } from '../../test/support/ivms101-payloads';

const pack = defaultRulePack();
const DATE = '2026-11-22';

/** An originator with name and account only; the beneficiary as FATF asks (name and account). */
function bareModel(): Ivms101Model {
  const m = validModel();
  m.originator!.originatorPerson[0] = {
    naturalPerson: {
      name: { nameIdentifier: [{ primaryIdentifier: 'Howard', naturalPersonNameIdentifierType: 'LEGL' }] },
    },
  };
  return m;
}

function check(
  model: Ivms101Model,
  edition: Edition,
  jurisdictions: string[],
  amount?: { value: string; currency: string },
) {
  const { ruleSets, notEvaluated } = ruleSetsFor(pack, jurisdictions, DATE, amount);
  return evaluateCompleteness(model, edition, ruleSets, notEvaluated);
}

describe('completeness', () => {
  it("takes member states' rules from the EU group and names what it cannot judge", () => {
    const r = check(validModel(), '2020', ['DE', 'SN']);
    expect(r.evaluated.map((e) => e.profile)).toEqual(['Germany — EU-TFR-2023/1113']);
    expect(r.notEvaluated).toEqual(['SN']);
    expect(r.complete).toBe(false); // SN could not be judged: never a silent pass
    expect(r.missing).toEqual([]);
  });

  it('a full payload is complete everywhere', () => {
    expect(
      check(validModel(), '2023', ['DE', 'US', 'GB', 'CH', 'SG'], { value: '5000', currency: 'USD' }).missing,
    ).toEqual([]);
  });

  it("EU: asks for address, document and customer numbers — or date and place of birth — in an analyst's words, with paths", () => {
    const r = check(bareModel(), '2020', ['FR']);
    expect(r.missing).toHaveLength(1);
    const [gap] = r.missing;
    expect(gap?.label).toMatch(/address with official document number and customer number, or date and place of birth/);
    // The closest alternative is the shorter one: date and place of birth.
    expect(gap?.items).toEqual([
      {
        item: 'birth',
        label: 'date and place of birth',
        path: '/originator/originatorPersons/0/naturalPerson/dateAndPlaceOfBirth',
      },
    ]);
    expect(gap?.jurisdictions).toEqual(['FR']);
  });

  it('names account numbers where the edition keeps them', () => {
    const m = bareModel();
    delete m.beneficiary!.accountNumber;
    const p2020 = check(m, '2020', ['CH']).missing.find((x) => x.requirement === 'beneficiary.account');
    const p2023 = check(m, '2023', ['CH']).missing.find((x) => x.requirement === 'beneficiary.account');
    expect(p2020?.items[0]?.path).toBe('/beneficiary/accountNumber');
    expect(p2023?.items[0]?.path).toBe('/beneficiary/beneficiaryPerson/0/accountNumber');
  });

  it.each([
    ['US', '2999.99', 'USD', 0],
    ['US', '3000', 'USD', 1],
    ['SG', '1500', 'SGD', 0],
    ['SG', '1500.01', 'SGD', 1],
    ['GB', '1000', 'EUR', 0],
    ['GB', '1000.01', 'EUR', 1],
    ['HK', '7999.99', 'HKD', 0],
    ['HK', '8000', 'HKD', 1],
  ])('%s at %s %s: %i originator gap(s)', (j, value, currency, gaps) => {
    const r = check(bareModel(), '2020', [j], { value, currency });
    expect(r.missing.filter((x) => x.side === 'originator')).toHaveLength(gaps);
  });

  it('without a usable amount the strictest tier applies, and says so', () => {
    const none = ruleSetsFor(pack, ['SG'], DATE).ruleSets[0];
    expect(none?.tier.name).toBe('above SGD 1,500');
    expect(none?.note).toMatch(/no amount given/);
    const other = ruleSetsFor(pack, ['SG'], DATE, { value: '10', currency: 'EUR' }).ruleSets[0];
    expect(other?.tier.name).toBe('above SGD 1,500');
    expect(other?.note).toMatch(/no exchange rate/);
  });

  it('takes the union over both jurisdictions, once per requirement, naming who asks', () => {
    const r = check(bareModel(), '2020', ['DE', 'SG'], { value: '2000', currency: 'SGD' });
    const originatorGaps = r.missing.filter((x) => x.side === 'originator');
    // The EU asks for birth data (the closest of its alternatives); Singapore accepts any one of
    // address, ID number or birth data — the birth data would satisfy both.
    expect(originatorGaps.map((g) => [g.requirement, g.jurisdictions])).toEqual([
      ['originator.identification', ['DE']],
      ['originator.identifier', ['SG']],
    ]);
  });
});

describe('completeness profiles read from the law (issue 14 point 10)', () => {
  it('EU (TFR Art. 14(1)(d)): names both alternatives — address with document and customer numbers, or date and place of birth', () => {
    const [gap] = check(bareModel(), '2020', ['FR']).missing;
    expect(gap?.alternatives?.map((a) => a.map((i) => i.item))).toEqual([
      ['address', 'nationalId', 'customerId'],
      ['birth'],
    ]);
  });

  it("UAE (VARA Rulebook III.G): the originator's address is required; a date of birth is no substitute", () => {
    const m = bareModel();
    m.originator!.originatorPerson[0]!.naturalPerson!.dateAndPlaceOfBirth = {
      dateOfBirth: '1980-01-01',
      placeOfBirth: 'Dubai',
    };
    const r = check(m, '2020', ['AE'], { value: '5000', currency: 'AED' });
    expect(r.missing.map((x) => x.requirement)).toEqual(['originator.address']);
  });

  it('US (31 CFR 1010.410(f)(1)(vi)): the beneficiary\'s name and account are "as received", not required outright', () => {
    const m = validModel();
    delete m.beneficiary!.accountNumber;
    const r = check(m, '2020', ['US'], { value: '5000', currency: 'USD' });
    expect(r.missing.filter((x) => x.side === 'beneficiary')).toEqual([]);
    expect(r.evaluated[0]?.tier).toBe('USD 3,000 and above');
  });
});
