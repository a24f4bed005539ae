import { describe, expect, it } from 'vitest';
import { readIvms101 } from './engine';
import { writeEdition, type Ivms101Model, type Person } from './model';
import type { Edition } from './schema';
import { names, validModel } from '../../test/support/ivms101-payloads';

const TODAY = '2026-11-22';
const EDITIONS: Edition[] = ['2020', '2023'];

function validate(model: Ivms101Model, e: Edition) {
  const r = readIvms101(writeEdition(model, e), { today: TODAY });
  if (!r.ok) throw new Error(r.reason);
  return r.result;
}

type Mutation = (m: Ivms101Model) => void;
const originator = (m: Ivms101Model): Person => m.originator!.originatorPerson[0]!;
const np = (m: Ivms101Model) => originator(m).naturalPerson!;
const vaspB = (m: Ivms101Model) => m.beneficiaryVASP!.beneficiaryVASP!.legalPerson!;
const asLegalOriginator: Mutation = (m) => {
  m.originator!.originatorPerson[0] = {
    legalPerson: {
      name: { nameIdentifier: [{ legalPersonName: 'Acme Trading Ltd', legalPersonNameIdentifierType: 'LEGL' }] },
    },
  };
};

interface Case {
  constraint: string;
  valid: Mutation;
  invalid: Mutation;
  code: string;
  /** Expected path, per edition. */
  path: (e: Edition) => string;
  severity?: 'error' | 'warning';
}

const O = (e: Edition) => `/originator/${names(e).originatorPersons}/0`;
const VB = '/beneficiaryVASP/beneficiaryVASP/legalPerson';

const CASES: Case[] = [
  {
    constraint: 'C1',
    valid: (m) => {
      const p = np(m);
      delete p.geographicAddress;
      delete p.nationalIdentification;
      delete p.dateAndPlaceOfBirth; // a customer number alone is enough
    },
    invalid: (m) => {
      const p = np(m);
      delete p.geographicAddress;
      delete p.nationalIdentification;
      delete p.dateAndPlaceOfBirth;
      delete p.customerIdentification;
    },
    code: 'C1_ORIGINATOR_UNIDENTIFIED',
    path: (e) => `${O(e)}/naturalPerson`,
  },
  {
    constraint: 'C2',
    valid: (m) => (np(m).dateAndPlaceOfBirth!.dateOfBirth = '2026-11-21'),
    invalid: (m) => (np(m).dateAndPlaceOfBirth!.dateOfBirth = '2026-11-22'),
    code: 'C2_BIRTH_NOT_PAST',
    path: (e) => `${O(e)}/naturalPerson/dateAndPlaceOfBirth/dateOfBirth`,
  },
  {
    constraint: 'C3',
    valid: (m) => (np(m).geographicAddress![0]!.country = 'XX'),
    invalid: (m) => (np(m).geographicAddress![0]!.country = 'ZZ'),
    code: 'C3_COUNTRY',
    path: (e) => `${O(e)}/naturalPerson/geographicAddress/0/country`,
  },
  {
    constraint: 'C4',
    valid: (m) => {
      asLegalOriginator(m);
      originator(m).legalPerson!.geographicAddress = [
        { addressType: 'GEOG', addressLine: ['1 Market Square', 'Leeds'], country: 'GB' },
      ];
    },
    invalid: (m) => {
      asLegalOriginator(m);
      originator(m).legalPerson!.geographicAddress = [
        { addressType: 'BIZZ', addressLine: ['1 Market Square', 'Leeds'], country: 'GB' },
      ];
    },
    code: 'C4_ORIGINATOR_UNIDENTIFIED',
    path: (e) => `${O(e)}/legalPerson`,
  },
  {
    constraint: 'C5',
    valid: (m) => vaspB(m).name.nameIdentifier.push({ legalPersonName: 'B', legalPersonNameIdentifierType: 'SHRT' }),
    invalid: (m) => (vaspB(m).name.nameIdentifier[0]!.legalPersonNameIdentifierType = 'TRAD'),
    code: 'C5_NO_LEGAL_NAME',
    path: () => `${VB}/name/nameIdentifier`,
  },
  {
    constraint: 'C6',
    valid: (m) =>
      np(m).name.nameIdentifier.push({ primaryIdentifier: 'Price', naturalPersonNameIdentifierType: 'MAID' }),
    invalid: (m) => (np(m).name.nameIdentifier[0]!.naturalPersonNameIdentifierType = 'ALIA'),
    code: 'C6_NO_LEGAL_NAME',
    path: (e) => `${O(e)}/naturalPerson/name/nameIdentifier`,
  },
  {
    constraint: 'C7',
    valid: (m) => (vaspB(m).nationalIdentification!.nationalIdentifierType = 'TXID'),
    invalid: (m) => (vaspB(m).nationalIdentification!.nationalIdentifierType = 'FIIN'),
    code: 'C7_LEGAL_ID_TYPE',
    path: () => `${VB}/nationalIdentification/nationalIdentifierType`,
  },
  {
    constraint: 'C8',
    valid: (m) => {
      const a = np(m).geographicAddress![0]!;
      delete a.buildingNumber;
      a.buildingName = 'Weathering Views';
    },
    invalid: (m) => delete np(m).geographicAddress![0]!.buildingNumber,
    code: 'C8_ADDRESS_INCOMPLETE',
    path: (e) => `${O(e)}/naturalPerson/geographicAddress/0`,
  },
  {
    constraint: 'C9',
    valid: (m) => delete vaspB(m).nationalIdentification!.countryOfIssue,
    invalid: (m) => delete vaspB(m).nationalIdentification!.registrationAuthority,
    code: 'C9_RA_REQUIRED',
    path: () => `${VB}/nationalIdentification/registrationAuthority`,
  },
  {
    constraint: 'C9',
    valid: () => {},
    invalid: (m) =>
      (m.originatingVASP!.originatingVASP!.legalPerson!.nationalIdentification!.registrationAuthority = 'RA000242'),
    code: 'C9_RA_WITH_LEI',
    path: () => '/originatingVASP/originatingVASP/legalPerson/nationalIdentification/registrationAuthority',
  },
  {
    constraint: 'C9',
    valid: () => {},
    invalid: (m) => (vaspB(m).nationalIdentification!.countryOfIssue = 'DE'),
    code: 'C9_COUNTRY_OF_ISSUE',
    path: () => `${VB}/nationalIdentification/countryOfIssue`,
  },
  {
    constraint: 'C10',
    valid: (m) => (vaspB(m).nationalIdentification!.registrationAuthority = 'RA777777'),
    invalid: (m) => (vaspB(m).nationalIdentification!.registrationAuthority = 'RA123456'),
    code: 'C10_UNKNOWN_RA',
    path: () => `${VB}/nationalIdentification/registrationAuthority`,
  },
  {
    constraint: 'C11',
    valid: () => {},
    invalid: (m) =>
      (m.originatingVASP!.originatingVASP!.legalPerson!.nationalIdentification!.nationalIdentifier =
        '5493004YBI24IF4TIP9'),
    code: 'C11_LEI_FORMAT',
    path: () => '/originatingVASP/originatingVASP/legalPerson/nationalIdentification/nationalIdentifier',
  },
  {
    constraint: 'C11',
    valid: () => {},
    invalid: (m) =>
      (m.originatingVASP!.originatingVASP!.legalPerson!.nationalIdentification!.nationalIdentifier =
        '5493004YBI24IF4TIP37'),
    code: 'C11_LEI_CHECKSUM',
    path: () => '/originatingVASP/originatingVASP/legalPerson/nationalIdentification/nationalIdentifier',
    severity: 'warning',
  },
  {
    constraint: 'C12',
    valid: (m) =>
      (m.transferPath = {
        transferPath: [0, 1].map((sequence) => ({
          sequence,
          intermediaryVASP: structuredClone(m.beneficiaryVASP!.beneficiaryVASP!),
        })),
      }),
    invalid: (m) =>
      (m.transferPath = {
        transferPath: [1, 2].map((sequence) => ({
          sequence,
          intermediaryVASP: structuredClone(m.beneficiaryVASP!.beneficiaryVASP!),
        })),
      }),
    code: 'C12_SEQUENCE',
    path: () => '/transferPath/transferPath/0/sequence',
  },
];

describe('the base payload', () => {
  it.each(EDITIONS)('is valid with no warnings in %s', (e) => {
    const r = validate(validModel(), e);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.edition).toBe(e);
  });
});

describe.each(EDITIONS)('constraints in IVMS101 %s', (e) => {
  it.each(CASES.map((c) => [`${c.constraint} ${c.code}`, c] as const))('%s', (_name, c) => {
    const good = validModel();
    c.valid(good);
    const ok = validate(good, e);
    expect(
      ok.errors.filter((p) => p.constraint === c.constraint),
      'the valid variant',
    ).toEqual([]);

    const bad = validModel();
    c.invalid(bad);
    const r = validate(bad, e);
    const found = [...r.errors, ...r.warnings].filter((p) => p.code === c.code);
    expect(found, JSON.stringify([...r.errors, ...r.warnings], null, 1)).toHaveLength(1);
    expect(found[0]).toMatchObject({ constraint: c.constraint, path: c.path(e), severity: c.severity ?? 'error' });
    expect(found[0]?.message.length).toBeGreaterThan(20);
  });
});

describe('edition rules', () => {
  it('101.2023 requires payloadMetadata.payloadVersion', () => {
    const json = writeEdition(validModel(), '2023');
    delete (json as { payloadMetadata?: unknown }).payloadMetadata;
    const r = readIvms101(json, { today: TODAY });
    expect(r.ok && r.result.errors.map((p) => p.code)).toEqual(['PAYLOAD_VERSION_REQUIRED']);
  });

  it('reads enumerations case-insensitively and protobuf enum names', () => {
    const json = JSON.parse(
      JSON.stringify(writeEdition(validModel(), '2020'))
        .replace('"LEGL"', '"legl"')
        .replace('"HOME"', '"ADDRESS_TYPE_CODE_HOME"'),
    );
    const r = readIvms101(json, { today: TODAY });
    expect(r.ok && r.result.errors).toEqual([]);
  });

  it('judges text: MaxNText is printable ASCII with a length limit; LocalMaxNText any script', () => {
    const m = validModel();
    np(m).name.nameIdentifier[0]!.primaryIdentifier = 'Müller';
    np(m).name.localNameIdentifier = [
      { primaryIdentifier: '吴', secondaryIdentifier: '信利', nameIdentifierType: 'LEGL' },
    ];
    np(m).customerIdentification = 'x'.repeat(51);
    const r = validate(m, '2023');
    expect(r.errors.map((p) => [p.code, p.path])).toEqual([
      ['NOT_LATIN', '/originator/originatorPerson/0/naturalPerson/name/nameIdentifier/0/primaryIdentifier'],
      ['TOO_LONG', '/originator/originatorPerson/0/naturalPerson/customerIdentification'],
    ]);
  });

  it('escapes JSON Pointer segments (RFC 6901) in paths', () => {
    const json = JSON.parse(JSON.stringify(writeEdition(validModel(), '2020')));
    json.originator['odd/key~name'] = 1;
    const r = readIvms101(json, { today: TODAY });
    expect(r.ok && r.result.warnings.map((p) => p.path)).toEqual(['/originator/odd~1key~0name']);
  });

  it("reports a missing required element where it belongs, in the input's own spelling", () => {
    const json = JSON.parse(JSON.stringify(writeEdition(validModel(), '2020')));
    delete json.originator.originatorPersons[0].naturalPerson.name.nameIdentifier[0].nameIdentifierType;
    const r = readIvms101(json, { today: TODAY });
    expect(r.ok && r.result.errors.map((p) => [p.code, p.path])).toEqual([
      ['REQUIRED', '/originator/originatorPersons/0/naturalPerson/name/nameIdentifier/0/nameIdentifierType'],
    ]);
  });
});
