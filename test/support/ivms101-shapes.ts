import { writeEdition, type Ivms101Model } from '../../src-main/ivms101/model';
import type { Form } from '../../src-main/ivms101/read';
import type { Edition } from '../../src-main/ivms101/schema';

// Encoders that turn a model into each shape counterparties send (docs/ivms101-shapes.md), written
// from the protocols' public schemas independently of the reader, so the reader is tested against
// them rather than against itself. Test data, not product code.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Renames keys everywhere; `f` returns the new key. */
function mapKeys(v: unknown, f: (k: string, parent: string) => string, parent = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => mapKeys(x, f, parent));
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [f(k, parent), mapKeys(x, f, k)]));
}

/** Rewrites the values of the named keys (scalars, or each item of a list). */
function mapValues(v: unknown, keys: Record<string, (x: unknown) => unknown>): unknown {
  if (Array.isArray(v)) return v.map((x) => mapValues(x, keys));
  if (!isObject(v)) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => {
      const f = keys[k];
      if (f) return [k, Array.isArray(x) ? x.map(f) : f(x)];
      return [k, mapValues(x, keys)];
    }),
  );
}

// trisacrypto/trisa proto/ivms101/enum.proto: enum value names are PREFIX_CODE.
const ENUM_PREFIX: Record<string, string> = {
  nameIdentifierType: 'NATURAL_PERSON_NAME_TYPE_CODE_',
  naturalPersonNameIdentifierType: 'NATURAL_PERSON_NAME_TYPE_CODE_',
  legalPersonNameIdentifierType: 'LEGAL_PERSON_NAME_TYPE_CODE_',
  addressType: 'ADDRESS_TYPE_CODE_',
  nationalIdentifierType: 'NATIONAL_IDENTIFIER_TYPE_CODE_',
  transliterationMethod: 'TRANSLITERATION_METHOD_CODE_',
};
const enumNames = (j: unknown) =>
  mapValues(
    j,
    Object.fromEntries(
      Object.entries(ENUM_PREFIX).map(([k, p]) => [k, (x: unknown) => `${p}${String(x).toUpperCase()}`]),
    ),
  );
const sequenceAsText = (j: unknown) => mapValues(j, { sequence: (x) => String(x) });
const upperTransliteration = (j: unknown) => mapValues(j, { transliterationMethod: (x) => String(x).toUpperCase() });

// protojson's lowerCamelCase of proto field names that carry no json_name (TRISA identity.proto,
// ivms101.proto). Before May 2022 no field had a json_name, so the lists were plural.
const PB_CAMEL_COMMON: Record<string, string> = {
  originatingVASP: 'originatingVasp',
  beneficiaryVASP: 'beneficiaryVasp',
  intermediaryVASP: 'intermediaryVasp',
};
const PB_CAMEL_2021: Record<string, string> = {
  ...PB_CAMEL_COMMON,
  nameIdentifier: 'nameIdentifiers',
  localNameIdentifier: 'localNameIdentifiers',
  phoneticNameIdentifier: 'phoneticNameIdentifiers',
  geographicAddress: 'geographicAddresses',
  accountNumber: 'accountNumbers',
};

// Proto field names (UseProtoNames; Sygna's first schema mirrors them).
const SNAKE_SPECIAL: Record<string, string> = {
  nameIdentifier: 'name_identifiers',
  localNameIdentifier: 'local_name_identifiers',
  phoneticNameIdentifier: 'phonetic_name_identifiers',
  geographicAddress: 'geographic_addresses',
  accountNumber: 'account_numbers',
  originatingVASP: 'originating_vasp',
  beneficiaryVASP: 'beneficiary_vasp',
  intermediaryVASP: 'intermediary_vasp',
};
const toSnake = (k: string) => SNAKE_SPECIAL[k] ?? k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** protojson with EmitUnpopulated writes every unset string as "" and every unset list as []. */
function emitUnpopulated(j: unknown): unknown {
  if (Array.isArray(j)) return j.map(emitUnpopulated);
  if (!isObject(j)) return j;
  const out: Json = Object.fromEntries(Object.entries(j).map(([k, v]) => [k, emitUnpopulated(v)]));
  if ('primary_identifier' in out && !('secondary_identifier' in out)) out.secondary_identifier = '';
  if ('address_type' in out) {
    for (const k of [
      'department',
      'sub_department',
      'street_name',
      'building_number',
      'building_name',
      'floor',
      'post_box',
      'room',
      'post_code',
      'town_name',
      'town_location_name',
      'district_name',
      'country_sub_division',
    ]) {
      if (!(k in out)) out[k] = '';
    }
    if (!('address_line' in out)) out.address_line = [];
  }
  if ('name_identifiers' in out) {
    if (!('local_name_identifiers' in out)) out.local_name_identifiers = [];
    if (!('phonetic_name_identifiers' in out)) out.phonetic_name_identifiers = [];
  }
  if ('national_identifier' in out) {
    if (!('country_of_issue' in out)) out.country_of_issue = '';
    if (!('registration_authority' in out)) out.registration_authority = '';
  }
  return out;
}

/** Capitalised entity names (GTR API guidelines, CODE, VerifyVASP). */
const PASCAL: Record<string, string> = {
  originator: 'Originator',
  beneficiary: 'Beneficiary',
  originatingVASP: 'OriginatingVASP',
  beneficiaryVASP: 'BeneficiaryVASP',
};
const pascalEntities = (j: Json): Json => Object.fromEntries(Object.entries(j).map(([k, v]) => [PASCAL[k] ?? k, v]));

/** CODE writes every value as text ("0" for a sequence) and an unset secondary identifier as "". */
function codeStrings(j: unknown): unknown {
  if (Array.isArray(j)) return j.map(codeStrings);
  if (typeof j === 'number') return String(j);
  if (!isObject(j)) return j;
  const out: Json = Object.fromEntries(Object.entries(j).map(([k, v]) => [k, codeStrings(v)]));
  if ('primaryIdentifier' in out && !('secondaryIdentifier' in out)) out.secondaryIdentifier = '';
  return out;
}

/** TRISA's encoding/json leaves a zero sequence out (Go omitempty). */
function omitZeroSequence(j: unknown): unknown {
  if (Array.isArray(j)) return j.map(omitZeroSequence);
  if (!isObject(j)) return j;
  return Object.fromEntries(
    Object.entries(j)
      .filter(([k, v]) => !(k === 'sequence' && v === 0))
      .map(([k, v]) => [k, omitZeroSequence(v)]),
  );
}

export interface Shape {
  id: string;
  /** Who sends it, which version, from which public file (details in docs/ivms101-shapes.md). */
  source: string;
  edition: Edition;
  form: Form;
  envelope: string | null;
  encode(m: Ivms101Model): Json;
}

const w = (m: Ivms101Model, e: Edition) => writeEdition(m, e);

export const SHAPES: Shape[] = [
  {
    id: 'ivms101-2020',
    source: 'IVMS101 2020 §8 examples; TRISA encoding/json, GTR schema, Envoy',
    edition: '2020',
    form: 'json',
    envelope: null,
    encode: (m) => w(m, '2020'),
  },
  {
    id: 'ivms101-2020-tables',
    source: 'IVMS101 2020 §6.3 tables (beneficiaryPerson)',
    edition: '2020',
    form: 'json',
    envelope: null,
    encode: (m) => mapKeys(w(m, '2020'), (k) => (k === 'beneficiaryPersons' ? 'beneficiaryPerson' : k)) as Json,
  },
  {
    id: 'ivms101-2023',
    source: 'IVMS101.2023 §6',
    edition: '2023',
    form: 'json',
    envelope: null,
    encode: (m) => w(m, '2023'),
  },
  {
    id: 'trisa-json',
    source:
      'trisacrypto/trisa pkg/ivms101 encoding/json (v0.3.4 on): short codes, upper-case transliteration, zero sequence omitted',
    edition: '2020',
    form: 'json',
    envelope: null,
    encode: (m) => omitZeroSequence(upperTransliteration(w(m, '2020'))) as Json,
  },
  {
    id: 'trisa-protojson-2021',
    source: 'trisacrypto/trisa protojson, v0.1.0-v0.3.3 (no json_name): plural lists, enum names, uint64 as text',
    edition: '2020',
    form: 'protobuf-json',
    envelope: null,
    encode: (m) => sequenceAsText(enumNames(mapKeys(w(m, '2020'), (k) => PB_CAMEL_2021[k] ?? k))) as Json,
  },
  {
    id: 'trisa-protojson-2022',
    source: 'trisacrypto/trisa protojson, v0.3.4-v1.3.0 (json_name beneficiaryPerson, May 2022-Sept 2024)',
    edition: '2020',
    form: 'protobuf-json',
    envelope: null,
    encode: (m) =>
      sequenceAsText(
        enumNames(
          mapKeys(w(m, '2020'), (k) => (k === 'beneficiaryPersons' ? 'beneficiaryPerson' : (PB_CAMEL_COMMON[k] ?? k))),
        ),
      ) as Json,
  },
  {
    id: 'trisa-protojson-2024',
    source: 'trisacrypto/trisa protojson, v1.4.0 on (json_name beneficiaryPersons)',
    edition: '2020',
    form: 'protobuf-json',
    envelope: null,
    encode: (m) => sequenceAsText(enumNames(mapKeys(w(m, '2020'), (k) => PB_CAMEL_COMMON[k] ?? k))) as Json,
  },
  {
    id: 'trisa-protojson-snake',
    source: 'trisacrypto/trisa protojson UseProtoNames + EmitUnpopulated (pkg/ivms101/testdata/*.pb.json)',
    edition: '2020',
    form: 'protobuf-json-snake',
    envelope: null,
    encode: (m) => emitUnpopulated(sequenceAsText(enumNames(mapKeys(w(m, '2020'), toSnake)))) as Json,
  },
  {
    id: 'sygna-snake-2020',
    source:
      'CoolBitX-Technology/sygna-bridge-ivms-utils bridge_and_ivms.json (2020): snake_case, short codes, upper-case transliteration',
    edition: '2020',
    form: 'protobuf-json-snake',
    envelope: null,
    // Sygna's snake schema names transliteration_method's values in upper case, like GTR.
    encode: (m) => mapKeys(upperTransliteration(w(m, '2020')), toSnake) as Json,
  },
  {
    id: 'sygna-2020',
    source: 'sygna-bridge-ivms-utils bridge_and_ivms2020.json (2022): payloadVersion "101", upper-case transliteration',
    edition: '2020',
    form: 'json',
    envelope: null,
    encode: (m) => {
      const j = upperTransliteration(w(m, '2020')) as Json;
      return { ...j, payloadMetadata: { ...((j.payloadMetadata as Json | undefined) ?? {}), payloadVersion: '101' } };
    },
  },
  {
    id: 'sygna-2023',
    source: 'sygna-bridge-ivms-utils bridge_and_ivms2023.json (2022)',
    edition: '2023',
    form: 'json',
    envelope: null,
    encode: (m) => upperTransliteration(w(m, '2023')) as Json,
  },
  {
    id: 'gtr-schema',
    source: 'GTR IVMS101 JSON Schema (shared/fixtures/ivms101/gtr): postcode, upper-case transliteration',
    edition: '2020',
    form: 'json',
    envelope: null,
    encode: (m) => mapKeys(upperTransliteration(w(m, '2020')), (k) => (k === 'postCode' ? 'postcode' : k)) as Json,
  },
  {
    id: 'gtr-api',
    source: 'GTR IVMS-101 format guidelines: {"ivms101": {"Originator", …}}',
    edition: '2020',
    form: 'json-pascal-entities',
    envelope: '"ivms101" member',
    encode: (m) => ({ ivms101: pascalEntities(upperTransliteration(w(m, '2020')) as Json) }),
  },
  {
    id: 'code',
    source: 'codevasp-lab/IVMS101 README and examples: PascalCase entities, every value text, "" for unset',
    edition: '2020',
    form: 'json-pascal-entities',
    envelope: '"ivms101" member',
    encode: (m) => ({ ivms101: pascalEntities(codeStrings(w(m, '2020')) as Json) }),
  },
  {
    id: 'verifyvasp',
    source: 'docs.verifyvasp.com User Verification API: payload.version + payload.ivms101',
    edition: '2020',
    form: 'json-pascal-entities',
    envelope: '"payload.ivms101" member (VerifyVASP)',
    encode: (m) => ({ payload: { version: '1.0', ivms101: pascalEntities(w(m, '2020')) } }),
  },
  {
    id: 'trp-inquiry',
    source: 'Travel Rule Protocol v3 transfer inquiry (shared/fixtures/ivms101/trp/inquiry.json)',
    edition: '2020',
    form: 'json',
    envelope: 'TRP inquiry',
    encode: (m) => ({
      asset: { dti: '4H95J0R2X' },
      amount: 0.000021,
      callback: 'https://originator.example/inquiryResolution',
      IVMS101: w(m, '2020'),
    }),
  },
];
