// The IVMS101 data model as data: every component, its elements, their multiplicity and datatype,
// for both editions. Read and validation walk this table, so a rule is written once.
// Sources: IVMS101 (2020) §5-6 and IVMS101.2023 §5-6 (the PDFs shipped in the npm `ivms101` package).

export type Edition = '2020' | '2023';

export const NATURAL_NAME_TYPES = ['ALIA', 'BIRT', 'MAID', 'LEGL', 'MISC'] as const;
export const LEGAL_NAME_TYPES = ['LEGL', 'SHRT', 'TRAD'] as const;
export const ADDRESS_TYPES = ['HOME', 'BIZZ', 'GEOG'] as const;
export const NATIONAL_ID_TYPES = [
  'ARNU',
  'CCPT',
  'RAID',
  'DRLC',
  'FIIN',
  'TXID',
  'SOCS',
  'IDCD',
  'LEIX',
  'MISC',
] as const;
export const TRANSLITERATION_METHODS = [
  'arab',
  'aran',
  'armn',
  'cyrl',
  'deva',
  'geor',
  'grek',
  'hani',
  'hebr',
  'kana',
  'kore',
  'thai',
  'othr',
] as const;
export const PAYLOAD_VERSIONS = ['101', '101.2023'] as const;

// The protobuf enums TRISA publishes (trisacrypto/trisa proto/ivms101/enum.proto, numbering since
// v1beta1, 2021-05-26), by number. Some hold a zero value that is no IVMS101 code (MISC for address
// and legal-name types): protobuf's "unset", read as an invalid code, never as a real one.
export const PB_NUMBERS = {
  natural: ['MISC', 'ALIA', 'BIRT', 'MAID', 'LEGL'],
  legal: ['MISC', 'LEGL', 'SHRT', 'TRAD'],
  address: ['MISC', 'HOME', 'BIZZ', 'GEOG'],
  nationalId: ['MISC', 'ARNU', 'CCPT', 'RAID', 'DRLC', 'FIIN', 'TXID', 'SOCS', 'IDCD', 'LEIX'],
  transliteration: [
    'othr',
    'arab',
    'aran',
    'armn',
    'cyrl',
    'deva',
    'geor',
    'grek',
    'hani',
    'hebr',
    'kana',
    'kore',
    'thai',
  ],
} as const;

export type ComponentName =
  | 'IdentityPayload'
  | 'Originator'
  | 'Beneficiary'
  | 'OriginatingVASP'
  | 'BeneficiaryVASP'
  | 'TransferPath'
  | 'IntermediaryVASP'
  | 'PayloadMetadata'
  | 'Person'
  | 'NaturalPerson'
  | 'NaturalPersonName'
  | 'NaturalPersonNameID'
  | 'LocalNaturalPersonNameID'
  | 'Address'
  | 'DateAndPlaceOfBirth'
  | 'NationalIdentification'
  | 'LegalPerson'
  | 'LegalPersonName'
  | 'LegalPersonNameID'
  | 'LocalLegalPersonNameID';

export type FieldType =
  | { t: 'text'; max: number } // MaxNText: printable ASCII (see docs/ivms101-decisions.md)
  | { t: 'local'; max: number } // LocalMaxNText: any characters but line breaks
  | { t: 'code'; codes: readonly string[]; pbPrefix?: string; pbNumbers?: readonly string[]; lower?: boolean }
  | { t: 'country' }
  | { t: 'date' }
  | { t: 'ra' }
  | { t: 'number' }
  | { t: 'comp'; comp: ComponentName };

export interface FieldSpec {
  /** The element's name in IVMS101.2023 (our canonical name). */
  name: string;
  /** Its name in IVMS101 2020, where different. */
  name2020?: string;
  /** Other standard spellings: protobuf-JSON plurals, the spec's own inconsistent spellings. */
  alt?: readonly string[];
  /** Non-standard names seen in the wild: read, but reported as errors. */
  aliases?: readonly string[];
  min: 0 | 1;
  /** Upper multiplicity; Infinity for n. */
  max: number;
  type: FieldType;
  /** Edition-specific element (absent from the other edition). */
  only?: Edition;
}

const text = (max: number): FieldType => ({ t: 'text', max });
const local = (max: number): FieldType => ({ t: 'local', max });
const comp = (c: ComponentName): FieldType => ({ t: 'comp', comp: c });
const N = Infinity;

export const COMPONENTS: Record<ComponentName, readonly FieldSpec[]> = {
  IdentityPayload: [
    { name: 'originator', min: 0, max: 1, type: comp('Originator') },
    { name: 'beneficiary', min: 0, max: 1, type: comp('Beneficiary') },
    { name: 'originatingVASP', min: 0, max: 1, type: comp('OriginatingVASP') },
    { name: 'beneficiaryVASP', min: 0, max: 1, type: comp('BeneficiaryVASP') },
    { name: 'transferPath', min: 0, max: 1, type: comp('TransferPath') },
    { name: 'payloadMetadata', min: 0, max: 1, type: comp('PayloadMetadata') },
  ],
  Originator: [
    { name: 'originatorPerson', name2020: 'originatorPersons', min: 1, max: N, type: comp('Person') },
    // 2020 §6.2: accountNumber belongs to the Originator; 101.2023 moved it to Person.
    { name: 'accountNumber', alt: ['accountNumbers'], min: 0, max: N, type: text(100), only: '2020' },
  ],
  Beneficiary: [
    // 2020 §6.3: the structure table and element text name it beneficiaryPerson; only the §8 examples
    // write beneficiaryPersons (as TRISA, GTR, CODE do). Both are 2020 spellings; see docs/ivms101-shapes.md.
    {
      name: 'beneficiaryPerson',
      name2020: 'beneficiaryPersons',
      alt: ['beneficiaryPerson'],
      min: 1,
      max: N,
      type: comp('Person'),
    },
    { name: 'accountNumber', alt: ['accountNumbers'], min: 0, max: N, type: text(100), only: '2020' },
  ],
  OriginatingVASP: [{ name: 'originatingVASP', min: 0, max: 1, type: comp('Person') }],
  // TRISA's first proto (May 2020 to May 2021) named this field originating_vasp by mistake: read, reported.
  BeneficiaryVASP: [{ name: 'beneficiaryVASP', aliases: ['originatingVASP'], min: 0, max: 1, type: comp('Person') }],
  TransferPath: [{ name: 'transferPath', min: 0, max: N, type: comp('IntermediaryVASP') }],
  IntermediaryVASP: [
    { name: 'intermediaryVASP', min: 1, max: 1, type: comp('Person') },
    { name: 'sequence', min: 1, max: 1, type: { t: 'number' } },
  ],
  PayloadMetadata: [
    {
      name: 'transliterationMethod',
      min: 0,
      max: N,
      type: {
        t: 'code',
        codes: TRANSLITERATION_METHODS,
        lower: true,
        pbPrefix: 'TRANSLITERATION_METHOD_CODE_',
        pbNumbers: PB_NUMBERS.transliteration,
      },
    },
    // [1..1] in 101.2023 (checked by the edition rule). Its value "101" names the 2020 edition, so a
    // 2020 payload that states it (Sygna's 2020 schema does) is read without complaint.
    { name: 'payloadVersion', min: 0, max: 1, type: { t: 'code', codes: PAYLOAD_VERSIONS } },
  ],
  Person: [
    { name: 'naturalPerson', min: 0, max: 1, type: comp('NaturalPerson') },
    { name: 'legalPerson', min: 0, max: 1, type: comp('LegalPerson') },
    { name: 'accountNumber', alt: ['accountNumbers'], min: 0, max: N, type: text(512), only: '2023' },
  ],
  NaturalPerson: [
    // §5.2.2: the structure table says [1..n] in 2020, the element text [1..1]; a list is read in 2020.
    { name: 'name', min: 1, max: 1, type: comp('NaturalPersonName') },
    { name: 'geographicAddress', alt: ['geographicAddresses'], min: 0, max: N, type: comp('Address') },
    { name: 'nationalIdentification', min: 0, max: 1, type: comp('NationalIdentification') },
    { name: 'customerIdentification', alt: ['customerNumber'], min: 0, max: 1, type: text(50) },
    { name: 'dateAndPlaceOfBirth', min: 0, max: 1, type: comp('DateAndPlaceOfBirth') },
    { name: 'countryOfResidence', min: 0, max: 1, type: { t: 'country' } },
  ],
  NaturalPersonName: [
    { name: 'nameIdentifier', alt: ['nameIdentifiers'], min: 1, max: N, type: comp('NaturalPersonNameID') },
    {
      name: 'localNameIdentifier',
      alt: ['localNameIdentifiers'],
      min: 0,
      max: N,
      type: comp('LocalNaturalPersonNameID'),
    },
    {
      name: 'phoneticNameIdentifier',
      alt: ['phoneticNameIdentifiers'],
      min: 0,
      max: N,
      type: comp('LocalNaturalPersonNameID'),
    },
  ],
  NaturalPersonNameID: [
    { name: 'primaryIdentifier', aliases: ['lastName', 'surname', 'familyName'], min: 1, max: 1, type: text(100) },
    { name: 'secondaryIdentifier', aliases: ['firstName', 'givenName', 'forename'], min: 0, max: 1, type: text(100) },
    {
      name: 'naturalPersonNameIdentifierType',
      name2020: 'nameIdentifierType',
      min: 1,
      max: 1,
      type: {
        t: 'code',
        codes: NATURAL_NAME_TYPES,
        pbPrefix: 'NATURAL_PERSON_NAME_TYPE_CODE_',
        pbNumbers: PB_NUMBERS.natural,
      },
    },
  ],
  LocalNaturalPersonNameID: [
    { name: 'primaryIdentifier', aliases: ['lastName', 'surname', 'familyName'], min: 1, max: 1, type: local(100) },
    { name: 'secondaryIdentifier', aliases: ['firstName', 'givenName', 'forename'], min: 0, max: 1, type: local(100) },
    // Both editions call this one nameIdentifierType.
    {
      name: 'nameIdentifierType',
      alt: ['naturalPersonNameIdentifierType'],
      min: 1,
      max: 1,
      type: {
        t: 'code',
        codes: NATURAL_NAME_TYPES,
        pbPrefix: 'NATURAL_PERSON_NAME_TYPE_CODE_',
        pbNumbers: PB_NUMBERS.natural,
      },
    },
  ],
  Address: [
    {
      name: 'addressType',
      min: 1,
      max: 1,
      type: { t: 'code', codes: ADDRESS_TYPES, pbPrefix: 'ADDRESS_TYPE_CODE_', pbNumbers: PB_NUMBERS.address },
    },
    { name: 'department', min: 0, max: 1, type: text(50) },
    { name: 'subDepartment', min: 0, max: 1, type: text(70) },
    { name: 'streetName', aliases: ['street'], min: 0, max: 1, type: text(70) },
    { name: 'buildingNumber', aliases: ['number', 'houseNumber'], min: 0, max: 1, type: text(16) },
    { name: 'buildingName', min: 0, max: 1, type: text(35) },
    { name: 'floor', min: 0, max: 1, type: text(70) },
    { name: 'postBox', min: 0, max: 1, type: text(16) },
    { name: 'room', min: 0, max: 1, type: text(70) },
    // The tables spell it postcode, the 2023 element text postCode: both are standard.
    { name: 'postCode', alt: ['postcode'], aliases: ['postalCode', 'zipCode', 'zip'], min: 0, max: 1, type: text(16) },
    // [1..1] in the structure tables, [0..1] in the element text: see docs/ivms101-decisions.md.
    { name: 'townName', aliases: ['town', 'city'], min: 0, max: 1, type: text(35) },
    { name: 'townLocationName', min: 0, max: 1, type: text(35) },
    { name: 'districtName', min: 0, max: 1, type: text(35) },
    { name: 'countrySubDivision', aliases: ['state', 'province', 'region'], min: 0, max: 1, type: text(35) },
    { name: 'addressLine', alt: ['addressLines'], min: 0, max: 7, type: text(70) },
    { name: 'country', min: 1, max: 1, type: { t: 'country' } },
  ],
  DateAndPlaceOfBirth: [
    { name: 'dateOfBirth', aliases: ['dob', 'birthDate'], min: 1, max: 1, type: { t: 'date' } },
    { name: 'placeOfBirth', aliases: ['pob', 'birthPlace'], min: 1, max: 1, type: text(70) },
  ],
  NationalIdentification: [
    { name: 'nationalIdentifier', min: 1, max: 1, type: text(35) },
    {
      name: 'nationalIdentifierType',
      min: 1,
      max: 1,
      type: {
        t: 'code',
        codes: NATIONAL_ID_TYPES,
        pbPrefix: 'NATIONAL_IDENTIFIER_TYPE_CODE_',
        pbNumbers: PB_NUMBERS.nationalId,
      },
    },
    { name: 'countryOfIssue', aliases: ['country'], min: 0, max: 1, type: { t: 'country' } },
    { name: 'registrationAuthority', aliases: ['ra'], min: 0, max: 1, type: { t: 'ra' } },
  ],
  LegalPerson: [
    { name: 'name', min: 1, max: 1, type: comp('LegalPersonName') },
    { name: 'geographicAddress', alt: ['geographicAddresses'], min: 0, max: N, type: comp('Address') },
    // 2020 §5.2.9: the table says customerIdentification, the element text customerNumber.
    {
      name: 'customerIdentification',
      name2020: 'customerNumber',
      alt: ['customerIdentification'],
      min: 0,
      max: 1,
      type: text(50),
    },
    { name: 'nationalIdentification', min: 0, max: 1, type: comp('NationalIdentification') },
    { name: 'countryOfRegistration', min: 0, max: 1, type: { t: 'country' } },
  ],
  LegalPersonName: [
    { name: 'nameIdentifier', alt: ['nameIdentifiers'], min: 1, max: N, type: comp('LegalPersonNameID') },
    {
      name: 'localNameIdentifier',
      alt: ['localNameIdentifiers'],
      min: 0,
      max: N,
      type: comp('LocalLegalPersonNameID'),
    },
    {
      name: 'phoneticNameIdentifier',
      alt: ['phoneticNameIdentifiers'],
      min: 0,
      max: N,
      type: comp('LocalLegalPersonNameID'),
    },
  ],
  LegalPersonNameID: [
    { name: 'legalPersonName', min: 1, max: 1, type: text(100) },
    {
      name: 'legalPersonNameIdentifierType',
      min: 1,
      max: 1,
      type: {
        t: 'code',
        codes: LEGAL_NAME_TYPES,
        pbPrefix: 'LEGAL_PERSON_NAME_TYPE_CODE_',
        pbNumbers: PB_NUMBERS.legal,
      },
    },
  ],
  LocalLegalPersonNameID: [
    { name: 'legalPersonName', min: 1, max: 1, type: local(100) },
    {
      name: 'legalPersonNameIdentifierType',
      min: 1,
      max: 1,
      type: {
        t: 'code',
        codes: LEGAL_NAME_TYPES,
        pbPrefix: 'LEGAL_PERSON_NAME_TYPE_CODE_',
        pbNumbers: PB_NUMBERS.legal,
      },
    },
  ],
};

/** The element's standard name in an edition. */
export const nameIn = (f: FieldSpec, e: Edition): string => (e === '2020' ? (f.name2020 ?? f.name) : f.name);

/** Key comparison that ignores case and underscores, so snake_case and protobuf names match. */
export const keyOf = (k: string): string => (k.includes('_') ? k.replace(/_/g, '') : k).toLowerCase();

// ---- what the engine reads edition and form from (engine.ts; the compiled validators refuse what would change them) ----

// Only names that exist in 101.2023 alone decide. beneficiaryPerson does not: it is the 2020
// tables' own name (§6.3), and TRISA's protojson wrote it from May 2022 to September 2024.
export const EDITION_2023_KEYS = new Set(['originatorperson', 'naturalpersonnameidentifiertype']);
export const PB_ENUM =
  /^(NATURAL_PERSON_NAME_TYPE_CODE|LEGAL_PERSON_NAME_TYPE_CODE|ADDRESS_TYPE_CODE|NATIONAL_IDENTIFIER_TYPE_CODE|TRANSLITERATION_METHOD_CODE)_/i;
// protojson's lowerCamelCase of proto names without a json_name: TRISA before May 2022 (plural lists)
// and always for the VASP entities (originating_vasp → originatingVasp).
export const PB_CAMEL_KEYS =
  /^(nameIdentifiers|localNameIdentifiers|phoneticNameIdentifiers|geographicAddresses|accountNumbers|originatingVasp|beneficiaryVasp|intermediaryVasp)$/;
