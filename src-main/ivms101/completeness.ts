import Decimal from 'decimal.js';
import type { Ivms101Model, Person } from './model';
import type { Edition } from './schema';

// Completeness is not validity: a valid payload may still lack what a jurisdiction requires.
// A profile lists, per side and per amount tier, the requirements; each requirement is satisfied by
// any one of its alternatives, and an alternative is a set of data items that must all be present.
// The missing list is what a repair request or an e-mail to the counterparty asks for.

import type { CompletenessResult, DataItem as Item, MissingItem, Side } from '../../src-shared/checks';

export type { CompletenessResult, MissingItem, Side };

export interface Requirement {
  id: string;
  side: Side;
  label: string;
  anyOf: Item[][];
}

export interface Tier {
  name: string;
  /** The tier applies from this amount (inclusive unless `exclusive`), in `currency`. */
  from?: { amount: string; currency: string; exclusive?: boolean };
  requirements: Requirement[];
}

export interface Profile {
  id: string;
  label: string;
  source: string;
  tiers: Tier[];
}

const ITEM_LABEL: Record<Item, string> = {
  name: 'full name',
  account: 'account number or wallet address',
  address: 'address',
  nationalId: 'official identity document number',
  customerId: 'customer identification number',
  birth: 'date and place of birth',
};

const req = (side: Side, id: string, label: string, ...anyOf: Item[][]): Requirement => ({ id: `${side}.${id}`, side, label, anyOf });
const nameAndAccount = (side: Side) => [req(side, 'name', `${cap(side)}'s name`, ['name']), req(side, 'account', `${cap(side)}'s account number or wallet address`, ['account'])];
const cap = (s: string) => s[0]?.toUpperCase() + s.slice(1);

export const PROFILES: Record<string, Profile> = {
  EU: {
    id: 'EU',
    label: 'EU/EEA — Transfer of Funds Regulation',
    source: 'Regulation (EU) 2023/1113, Art. 14(1)-(2); applies to all CASP-to-CASP transfers from 30 Dec 2024',
    tiers: [
      {
        name: 'all transfers',
        requirements: [
          ...nameAndAccount('originator'),
          req('originator', 'identification', "Originator's address with official document number and customer number, or date and place of birth", ['address', 'nationalId', 'customerId'], ['birth']),
          ...nameAndAccount('beneficiary'),
        ],
      },
    ],
  },
  US: {
    id: 'US',
    label: 'United States — FinCEN Recordkeeping and Travel Rule',
    source: '31 CFR 1010.410(f): transmittals of USD 3,000 or more',
    tiers: [
      { name: 'below USD 3,000', requirements: [] },
      {
        name: 'USD 3,000 and above',
        from: { amount: '3000', currency: 'USD' },
        requirements: [...nameAndAccount('originator'), req('originator', 'address', "Originator's address", ['address']), ...nameAndAccount('beneficiary')],
      },
    ],
  },
  GB: {
    id: 'GB',
    label: 'United Kingdom — Money Laundering Regulations 2017, Part 7A',
    source: 'MLR 2017 regs. 64C-64D (in force 1 Sep 2023); EUR 1,000 tier in GBP equivalent',
    tiers: [
      { name: 'up to EUR 1,000', requirements: [...nameAndAccount('originator'), ...nameAndAccount('beneficiary')] },
      {
        name: 'above EUR 1,000',
        from: { amount: '1000', currency: 'EUR', exclusive: true },
        requirements: [
          ...nameAndAccount('originator'),
          req('originator', 'identifier', "Originator's address, customer number, identity document number, or date and place of birth", ['address'], ['customerId'], ['nationalId'], ['birth']),
          ...nameAndAccount('beneficiary'),
        ],
      },
    ],
  },
  CH: {
    id: 'CH',
    label: 'Switzerland — FINMA',
    source: 'FINMA Guidance 02/2019; AMLO-FINMA Art. 10 (no minimum amount)',
    tiers: [
      {
        name: 'all transfers',
        requirements: [
          ...nameAndAccount('originator'),
          req('originator', 'identifier', "Originator's address (or date and place of birth, customer number, or identity document number)", ['address'], ['birth'], ['customerId'], ['nationalId']),
          ...nameAndAccount('beneficiary'),
        ],
      },
    ],
  },
  SG: {
    id: 'SG',
    label: 'Singapore — MAS Notice PSN02',
    source: 'MAS Notice PSN02 §13: all transfers; full originator information above SGD 1,500',
    tiers: [
      { name: 'up to SGD 1,500', requirements: [...nameAndAccount('originator'), ...nameAndAccount('beneficiary')] },
      {
        name: 'above SGD 1,500',
        from: { amount: '1500', currency: 'SGD', exclusive: true },
        requirements: [
          ...nameAndAccount('originator'),
          req('originator', 'identifier', "Originator's residential address, unique identification number, or date and place of birth", ['address'], ['nationalId'], ['birth']),
          ...nameAndAccount('beneficiary'),
        ],
      },
    ],
  },
};

// EU member states and the EEA states that apply the TFR.
export const EU_EEA = new Set(['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO']);

export function profileFor(jurisdiction: string): Profile | null {
  const j = jurisdiction.toUpperCase();
  if (j === 'EU' || EU_EEA.has(j)) return PROFILES.EU ?? null;
  return PROFILES[j] ?? null;
}

export interface Amount {
  value: string;
  currency: string;
}

export interface TierChoice {
  tier: Tier;
  note: string | null;
}

/**
 * The tier for an amount. Without an amount in the tier's currency the strictest tier is chosen and
 * the note says so: an unknown amount must never loosen the requirements.
 */
export function chooseTier(profile: Profile, amount?: Amount): TierChoice {
  const strictest = profile.tiers[profile.tiers.length - 1];
  if (!strictest) throw new Error(`profile ${profile.id} has no tiers`);
  if (profile.tiers.length === 1) return { tier: strictest, note: null };
  const currency = profile.tiers.find((t) => t.from)?.from?.currency;
  if (!amount) return { tier: strictest, note: `no amount given: the strictest tier (${strictest.name}) applies` };
  if (amount.currency.toUpperCase() !== currency) {
    return { tier: strictest, note: `amount in ${amount.currency}, tier in ${currency}, and no exchange rate here: the strictest tier (${strictest.name}) applies` };
  }
  const v = new Decimal(amount.value);
  let chosen = profile.tiers[0] ?? strictest;
  for (const t of profile.tiers) {
    if (!t.from) continue;
    const limit = new Decimal(t.from.amount);
    if (t.from.exclusive ? v.greaterThan(limit) : v.greaterThanOrEqualTo(limit)) chosen = t;
  }
  return { tier: chosen, note: null };
}

// ---- evaluating a model --------------------------------------------------------------------

/** What a person carries. The model of an invalid payload may lack required elements: read defensively. */
function personItems(p: Person | undefined, accounts: string[]): Set<Item> {
  const items = new Set<Item>();
  if (accounts.length) items.add('account');
  const np = p?.naturalPerson;
  const lp = p?.legalPerson;
  if (np) {
    if ((np.name?.nameIdentifier ?? []).some((n) => n?.primaryIdentifier)) items.add('name');
    if ((np.geographicAddress ?? []).some((a) => a?.country && (a.addressLine?.length || a.streetName || a.townName))) items.add('address');
    if (np.nationalIdentification?.nationalIdentifier) items.add('nationalId');
    if (np.customerIdentification) items.add('customerId');
    if (np.dateAndPlaceOfBirth?.dateOfBirth && np.dateAndPlaceOfBirth.placeOfBirth) items.add('birth');
  }
  if (lp) {
    if ((lp.name?.nameIdentifier ?? []).some((n) => n?.legalPersonName)) items.add('name');
    if ((lp.geographicAddress ?? []).some((a) => a?.country)) items.add('address');
    if (lp.nationalIdentification?.nationalIdentifier) items.add('nationalId');
    if (lp.customerIdentification) items.add('customerId');
  }
  return items;
}

/** Where an item lives, as a JSON Pointer in the given edition's naming. */
export function itemPath(side: Side, index: number, item: Item, edition: Edition, legal: boolean): string {
  const persons = side === 'originator' ? (edition === '2020' ? 'originatorPersons' : 'originatorPerson') : edition === '2020' ? 'beneficiaryPersons' : 'beneficiaryPerson';
  const person = `/${side}/${persons}/${index}`;
  if (item === 'account') return edition === '2020' ? `/${side}/accountNumber` : `${person}/accountNumber`;
  const kind = legal ? 'legalPerson' : 'naturalPerson';
  switch (item) {
    case 'name':
      return `${person}/${kind}/name/nameIdentifier`;
    case 'address':
      return `${person}/${kind}/geographicAddress`;
    case 'nationalId':
      return `${person}/${kind}/nationalIdentification`;
    case 'customerId':
      return `${person}/${kind}/${legal && edition === '2020' ? 'customerNumber' : 'customerIdentification'}`;
    case 'birth':
      return `${person}/${kind}/dateAndPlaceOfBirth`;
  }
}

export function evaluateCompleteness(model: Ivms101Model | null, edition: Edition, jurisdictions: string[], amount?: Amount): CompletenessResult {
  const evaluated: CompletenessResult['evaluated'] = [];
  const notEvaluated: string[] = [];
  const byRequirement = new Map<string, MissingItem>();
  for (const j of [...new Set(jurisdictions.map((x) => x.toUpperCase()))]) {
    const profile = profileFor(j);
    if (!profile) {
      notEvaluated.push(j);
      continue;
    }
    const { tier, note } = chooseTier(profile, amount);
    evaluated.push({ jurisdiction: j, profile: profile.id, tier: tier.name, source: profile.source, note });
    for (const r of tier.requirements) {
      const side = r.side === 'originator' ? model?.originator : model?.beneficiary;
      const persons = (r.side === 'originator' ? model?.originator?.originatorPerson : model?.beneficiary?.beneficiaryPerson) ?? [];
      const accounts = side?.accountNumber ?? [];
      const list = persons.length ? persons : [undefined];
      list.forEach((p, index) => {
        const have = personItems(p, accounts);
        const gaps = r.anyOf.map((alt) => alt.filter((i) => !have.has(i)));
        if (gaps.some((g) => g.length === 0)) return;
        const closest = gaps.reduce((a, b) => (b.length < a.length ? b : a));
        const key = `${r.id}#${index}`;
        const existing = byRequirement.get(key);
        if (existing) {
          if (!existing.jurisdictions.includes(profile.id)) existing.jurisdictions.push(profile.id);
          return;
        }
        byRequirement.set(key, {
          side: r.side,
          requirement: r.id,
          label: persons.length > 1 ? `${r.label} (person ${index + 1})` : r.label,
          items: closest.map((item) => ({ item, label: ITEM_LABEL[item], path: itemPath(r.side, index, item, edition, !!p?.legalPerson) })),
          jurisdictions: [profile.id],
        });
      });
    }
  }
  const missing = [...byRequirement.values()];
  return { complete: missing.length === 0 && notEvaluated.length === 0, evaluated, notEvaluated, missing };
}
