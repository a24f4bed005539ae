import type { Ivms101Model, Person } from './model';
import type { Edition } from './schema';
import type { CompletenessResult, DataItem as Item, MissingItem, Side } from '../../src-shared/checks';

export type { CompletenessResult, MissingItem, Side };

// Completeness is not validity: a valid payload may still lack what a jurisdiction requires.
// The requirements come from the rule pack (resources/rules), chosen by rules/evaluate.ts for the
// transfer's jurisdictions, date and amount tier. Each requirement is satisfied by any one of its
// alternatives; an alternative is a set of data items that must all be present. The missing list
// is what a repair request or an e-mail to the counterparty asks for.

/** One requirement: satisfied by any one of its alternatives, each a set of data items all present. */
export interface Requirement {
  id: string;
  label: string;
  anyOf: Item[][];
}

/**
 * A tier's requirements, as completeness reads them. The rule pack's tiers (rules/pack.ts) have this
 * shape; it is written here so the IVMS101 engine does not import the rules that sit above it.
 */
export interface RequirementTier {
  name: string;
  originator: Requirement[];
  beneficiary: Requirement[];
}

/** One jurisdiction's requirements for this transfer: its rule version's chosen tier. */
export interface RuleSet {
  jurisdiction: string;
  label: string;
  source: string;
  tier: RequirementTier;
  note: string | null;
}

const ITEM_LABEL: Record<Item, string> = {
  name: 'full name',
  account: 'account number or wallet address',
  address: 'address',
  nationalId: 'official identity document number',
  customerId: 'customer identification number',
  birth: 'date and place of birth',
};

/** What a person carries. The model of an invalid payload may lack required elements: read defensively. */
function personItems(p: Person | undefined, accounts: string[]): Set<Item> {
  const items = new Set<Item>();
  if (accounts.length) items.add('account');
  const np = p?.naturalPerson;
  const lp = p?.legalPerson;
  if (np) {
    if ((np.name?.nameIdentifier ?? []).some((n) => n?.primaryIdentifier)) items.add('name');
    if ((np.geographicAddress ?? []).some((a) => a?.country && (a.addressLine?.length || a.streetName || a.townName)))
      items.add('address');
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
  const persons =
    side === 'originator'
      ? edition === '2020'
        ? 'originatorPersons'
        : 'originatorPerson'
      : edition === '2020'
        ? 'beneficiaryPersons'
        : 'beneficiaryPerson';
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

export function evaluateCompleteness(
  model: Ivms101Model | null,
  edition: Edition,
  ruleSets: RuleSet[],
  notEvaluated: string[] = [],
): CompletenessResult {
  const evaluated: CompletenessResult['evaluated'] = [];
  const byRequirement = new Map<string, MissingItem>();
  for (const rs of ruleSets) {
    evaluated.push({
      jurisdiction: rs.jurisdiction,
      profile: rs.label,
      tier: rs.tier.name,
      source: rs.source,
      note: rs.note,
    });
    for (const side of ['originator', 'beneficiary'] as const) {
      const sideData = side === 'originator' ? model?.originator : model?.beneficiary;
      const persons =
        (side === 'originator' ? model?.originator?.originatorPerson : model?.beneficiary?.beneficiaryPerson) ?? [];
      const accounts = sideData?.accountNumber ?? [];
      const list = persons.length ? persons : [undefined];
      for (const r of rs.tier[side]) {
        list.forEach((p, index) => {
          const have = personItems(p, accounts);
          const gaps = r.anyOf.map((alt) => alt.filter((i) => !have.has(i)));
          if (gaps.some((g) => g.length === 0)) return;
          const closest = gaps.reduce((a, b) => (b.length < a.length ? b : a));
          const key = `${r.id}#${index}#${closest.join('+')}`;
          const existing = byRequirement.get(key);
          if (existing) {
            if (!existing.jurisdictions.includes(rs.jurisdiction)) existing.jurisdictions.push(rs.jurisdiction);
            return;
          }
          byRequirement.set(key, {
            side,
            requirement: r.id,
            label: persons.length > 1 ? `${r.label} (person ${index + 1})` : r.label,
            items: closest.map((item) => ({
              item,
              label: ITEM_LABEL[item],
              path: itemPath(side, index, item, edition, !!p?.legalPerson),
            })),
            // Name every way to satisfy it, not only the nearest: the counterparty may hold the other.
            alternatives: gaps.map((g) =>
              g.map((item) => ({
                item,
                label: ITEM_LABEL[item],
                path: itemPath(side, index, item, edition, !!p?.legalPerson),
              })),
            ),
            jurisdictions: [rs.jurisdiction],
          });
        });
      }
    }
  }
  const missing = [...byRequirement.values()];
  return { complete: missing.length === 0 && notEvaluated.length === 0, evaluated, notEvaluated, missing };
}
