import type { CObject, CValue } from './read';
import { COMPONENTS, nameIn, type ComponentName, type Edition } from './schema';

// The one internal model for every edition and spelling: IVMS101.2023 element names, codes in
// canonical case, and account numbers held by the Originator/Beneficiary (as 2020 does) so that
// reading either edition and writing either edition round-trips exactly.
// The model of an invalid payload holds what could be read: required elements may be missing.

export interface NameId {
  primaryIdentifier: string;
  secondaryIdentifier?: string;
  naturalPersonNameIdentifierType: string;
}
export interface LocalNameId {
  primaryIdentifier: string;
  secondaryIdentifier?: string;
  nameIdentifierType: string;
}
export interface Address {
  addressType: string;
  department?: string;
  subDepartment?: string;
  streetName?: string;
  buildingNumber?: string;
  buildingName?: string;
  floor?: string;
  postBox?: string;
  room?: string;
  postCode?: string;
  townName?: string;
  townLocationName?: string;
  districtName?: string;
  countrySubDivision?: string;
  addressLine?: string[];
  country: string;
}
export interface NationalIdentification {
  nationalIdentifier: string;
  nationalIdentifierType: string;
  countryOfIssue?: string;
  registrationAuthority?: string;
}
export interface NaturalPerson {
  name: { nameIdentifier: NameId[]; localNameIdentifier?: LocalNameId[]; phoneticNameIdentifier?: LocalNameId[] };
  geographicAddress?: Address[];
  nationalIdentification?: NationalIdentification;
  customerIdentification?: string;
  dateAndPlaceOfBirth?: { dateOfBirth: string; placeOfBirth: string };
  countryOfResidence?: string;
}
export interface LegalNameId {
  legalPersonName: string;
  legalPersonNameIdentifierType: string;
}
export interface LegalPerson {
  name: { nameIdentifier: LegalNameId[]; localNameIdentifier?: LegalNameId[]; phoneticNameIdentifier?: LegalNameId[] };
  geographicAddress?: Address[];
  customerIdentification?: string;
  nationalIdentification?: NationalIdentification;
  countryOfRegistration?: string;
}
export interface Person {
  naturalPerson?: NaturalPerson;
  legalPerson?: LegalPerson;
}
export interface Ivms101Model {
  originator?: { originatorPerson: Person[]; accountNumber?: string[] };
  beneficiary?: { beneficiaryPerson: Person[]; accountNumber?: string[] };
  originatingVASP?: { originatingVASP?: Person };
  beneficiaryVASP?: { beneficiaryVASP?: Person };
  transferPath?: { transferPath: { intermediaryVASP: Person; sequence: number }[] };
  payloadMetadata?: { transliterationMethod?: string[] };
}

type Json = Record<string, unknown>;

function toJson(o: CObject): Json {
  const out: Json = {};
  for (const spec of COMPONENTS[o.comp]) {
    const f = o.fields.get(spec.name);
    if (!f || f.items.length === 0) continue;
    if (spec.max <= 1 && !(o.comp === 'NaturalPerson' && spec.name === 'name')) {
      // A single-valued element: its first item, without the list the general path builds.
      const first = f.items[0] as CObject | CValue;
      out[spec.name] = first.kind === 'object' ? toJson(first) : first.value;
      continue;
    }
    const items: unknown[] = new Array<unknown>(f.items.length);
    for (let i = 0; i < f.items.length; i++) {
      const item = f.items[i] as CObject | CValue;
      items[i] = item.kind === 'object' ? toJson(item) : item.value;
    }
    if (o.comp === 'NaturalPerson' && spec.name === 'name') {
      // A 2020 list of names is one name with all their identifiers.
      out.name = mergeNames(items as Json[]);
    } else out[spec.name] = spec.max > 1 ? items : items[0];
  }
  return out;
}

function mergeNames(names: Json[]): Json {
  if (names.length === 1) return names[0] ?? {};
  const merged: Json = {};
  for (const key of ['nameIdentifier', 'localNameIdentifier', 'phoneticNameIdentifier']) {
    const all = names.flatMap((n) => (n[key] as unknown[] | undefined) ?? []);
    if (all.length) merged[key] = all;
  }
  return merged;
}

/** Account numbers move to their side (Originator/Beneficiary), in order, whichever edition held them. */
function liftAccounts(side: Json | undefined, personsKey: string): void {
  if (!side) return;
  const persons = (side[personsKey] as Json[] | undefined) ?? [];
  const accounts = [...((side.accountNumber as string[] | undefined) ?? [])];
  for (const p of persons) {
    for (const a of (p.accountNumber as string[] | undefined) ?? []) if (!accounts.includes(a)) accounts.push(a);
    delete p.accountNumber;
  }
  if (accounts.length) side.accountNumber = accounts;
  else delete side.accountNumber;
}

export function buildModel(root: CObject): Ivms101Model {
  const m = toJson(root);
  liftAccounts(m.originator as Json | undefined, 'originatorPerson');
  liftAccounts(m.beneficiary as Json | undefined, 'beneficiaryPerson');
  const meta = m.payloadMetadata as Json | undefined;
  if (meta) {
    delete meta.payloadVersion; // the edition is an output choice, not part of the content
    if (Object.keys(meta).length === 0) delete m.payloadMetadata;
  }
  return m as Ivms101Model;
}

function emit(comp: ComponentName, obj: Json, edition: Edition): Json {
  const out: Json = {};
  for (const spec of COMPONENTS[comp]) {
    const v = obj[spec.name];
    if (v === undefined) continue;
    const key = nameIn(spec, edition);
    if (spec.type.t === 'comp') {
      const c = spec.type.comp;
      out[key] = Array.isArray(v) ? v.map((x) => emit(c, x as Json, edition)) : emit(c, v as Json, edition);
    } else out[key] = v;
  }
  return out;
}

/** Writes the model as an IVMS101 payload of the chosen edition. */
export function writeEdition(model: Ivms101Model, edition: Edition): Json {
  const m = structuredClone(model) as Json;
  if (edition === '2023') {
    // 101.2023 holds account numbers on the Person: they go to the first person of their side.
    for (const [sideKey, personsKey] of [
      ['originator', 'originatorPerson'],
      ['beneficiary', 'beneficiaryPerson'],
    ] as const) {
      const side = m[sideKey] as Json | undefined;
      const first = (side?.[personsKey] as Json[] | undefined)?.[0];
      if (side?.accountNumber && first) first.accountNumber = side.accountNumber;
      if (side) delete side.accountNumber;
    }
    m.payloadMetadata = { ...((m.payloadMetadata as Json | undefined) ?? {}), payloadVersion: '101.2023' };
  }
  return emit('IdentityPayload', m, edition);
}
