import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate as oracleValidate } from 'ivms101';
import { afterAll, describe, expect, it } from 'vitest';
import { arbitraryModel } from '../../test/support/ivms101-arbitraries';
import { validModel } from '../../test/support/ivms101-payloads';
import { sharedPath } from '../../test/support/shared';
import { readIvms101 } from './engine';
import { writeEdition, type Ivms101Model } from './model';
import type { Problem } from './problems';
import type { Edition } from './schema';

// Differential testing against the npm `ivms101` package (Notabene), used only as a test oracle:
// it has no licence file, so it is a dev dependency and never ships. The two validators must agree
// on every payload, except where one of the deliberate differences below explains the gap. Each
// difference cites the clause of the spec it rests on.

interface OracleIssue {
  path: string;
  message: string;
}

interface Difference {
  id: string;
  clause: string;
  /** An oracle complaint we deliberately do not make. */
  oracleOnly?: (i: OracleIssue, json: unknown) => boolean;
  /** A problem we report that the oracle deliberately (per us) misses. */
  oursOnly?: (p: Problem, edition: Edition) => boolean;
}

export const DIFFERENCES: Difference[] = [
  {
    id: 'C1-beneficiary',
    clause:
      'IVMS101 §5.2.1.2 C1 ("If the originator is a NaturalPerson…"); FATF INR.15 7(b) asks only name and account of the beneficiary',
    oracleOnly: (i) => /^beneficiary\./.test(i.path) && /C1/.test(i.message),
  },
  {
    id: 'case-insensitive-codes',
    clause: 'IVMS101 §1.5 Case sensitivity: "Unless otherwise specified, all values are case insensitive"',
    oracleOnly: (i) =>
      /Invalid option/.test(i.message) &&
      /(nameIdentifierType|NameIdentifierType|addressType|nationalIdentifierType|transliterationMethod)/.test(i.path),
  },
  {
    id: 'no-list-caps',
    clause:
      'IVMS101 §5.2 structure tables: geographicAddress, nameIdentifier and persons are [0..n]/[1..n], without an upper bound',
    oracleOnly: (i) => /Too big: expected array/.test(i.message),
  },
  {
    id: 'beneficiaryPerson-2020',
    clause:
      'IVMS101 2020 §6.3.1 structure table and §6.3.3 element text: "beneficiaryPerson [1..n]" (only the §8 examples write beneficiaryPersons)',
    oracleOnly: (i) =>
      /^beneficiary\.beneficiaryPersons$/.test(i.path) && /expected array, received undefined/.test(i.message),
  },
  {
    id: 'C1-customerIdentification',
    clause:
      "IVMS101 2020 §5.2.2.1: a NaturalPerson's customer number is the element customerIdentification, which C1 calls customerNumber (docs/ivms101-decisions.md #9)",
    oracleOnly: (i, json) =>
      /^originator\.originatorPersons\.\d+\.naturalPerson$/.test(i.path) &&
      /C1 .*customerNumber/.test(i.message) &&
      !!(at(json, i.path) as { customerIdentification?: string } | undefined)?.customerIdentification,
  },
  {
    id: 'C1-C4-intermediary',
    clause:
      'IVMS101 §5.2.1.2 C1, C4 ("If the originator is a…"): they judge the originator, not an intermediary VASP (docs/ivms101-decisions.md #6)',
    oracleOnly: (i) => /^transferPath\.transferPath\.\d+\.intermediaryVASP\./.test(i.path) && /C[14] /.test(i.message),
  },
  {
    id: 'omitted-zero-sequence',
    clause:
      'IVMS101 §5.2.13.2 C12: one hop without a sequence beside 1…n-1 is the hop numbered 0 that Go omitempty left out; read as 0 and warned (docs/ivms101-decisions.md #18)',
    oracleOnly: (i) =>
      /^transferPath\.transferPath\.\d+\.sequence$/.test(i.path) && /received undefined/.test(i.message),
  },
  {
    id: 'vasp-constraints',
    clause:
      'IVMS101 §6.4-6.5 (both editions): the OriginatingVASP and BeneficiaryVASP entities carry constraints C1-C11 like every Person',
    oursOnly: (p) => /VASP/.test(p.path) && ['C5', 'C7', 'C9', 'C10', 'C11'].includes(p.constraint ?? ''),
  },
  {
    id: 'text-datatypes',
    clause: 'IVMS101 §5.3 datatypes: MaxNText is Latin text of at most N characters (101.2023: ^[ -~]{1,N}$)',
    oursOnly: (p) => ['NOT_LATIN', 'TOO_LONG'].includes(p.code),
  },
  {
    id: 'real-dates',
    clause: 'IVMS101 §5.3.10 Date: "Compliant with ISO 8601" — 1990-02-30 matches the pattern but is no date',
    oursOnly: (p) => p.code === 'FORMAT_DATE',
  },
  {
    id: 'person-exclusive-or',
    clause: 'IVMS101 §5.2.1.1 Person: naturalPerson {Or legalPerson Or} — one or the other, not both',
    oursOnly: (p) => p.code === 'PERSON_ONE_OF',
  },
];

/** The value at an oracle path (dot-separated keys and indexes). */
const at = (json: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), json);

function oracle(json: unknown, e: Edition): OracleIssue[] {
  try {
    oracleValidate(json, { version: e });
    return [];
  } catch (err) {
    const issues = (err as { issues?: { path: (string | number)[]; message: string }[] }).issues;
    if (!issues) throw err;
    return issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }
}

interface Verdict {
  agree: boolean;
  ours: Problem[];
  theirs: OracleIssue[];
  explained: Set<string>;
}

function compare(json: unknown, e: Edition): Verdict {
  const r = readIvms101(json, { today: '2026-11-22' });
  if (!r.ok) throw new Error(r.reason);
  const explained = new Set<string>();
  const theirs = oracle(json, e).filter((i) => {
    const d = DIFFERENCES.find((x) => x.oracleOnly?.(i, json));
    if (d) explained.add(d.id);
    return !d;
  });
  const ours = r.result.errors.filter((p) => {
    const d = DIFFERENCES.find((x) => x.oursOnly?.(p, e));
    if (d) explained.add(d.id);
    return !d;
  });
  return { agree: (ours.length === 0) === (theirs.length === 0), ours, theirs, explained };
}

type Variant = (m: Ivms101Model) => void;
const np = (m: Ivms101Model) => m.originator!.originatorPerson[0]!.naturalPerson!;
const vb = (m: Ivms101Model) => m.beneficiaryVASP!.beneficiaryVASP!.legalPerson!;
const VARIANTS: Record<string, Variant> = {
  base: () => {},
  'C1 originator unidentified': (m) => {
    const p = np(m);
    for (const k of [
      'geographicAddress',
      'nationalIdentification',
      'dateAndPlaceOfBirth',
      'customerIdentification',
    ] as const)
      delete p[k];
  },
  'C2 future birth': (m) => (np(m).dateAndPlaceOfBirth!.dateOfBirth = '2030-01-01'),
  'C3 bad country': (m) => (np(m).geographicAddress![0]!.country = 'ZZ'),
  'C3 Kosovo': (m) => (np(m).geographicAddress![0]!.country = 'XK'),
  'C5 no legal name': (m) => (vb(m).name.nameIdentifier[0]!.legalPersonNameIdentifierType = 'TRAD'),
  'C6 no legal name': (m) => (np(m).name.nameIdentifier[0]!.naturalPersonNameIdentifierType = 'ALIA'),
  'C7 passport for a company': (m) => (vb(m).nationalIdentification!.nationalIdentifierType = 'CCPT'),
  'C8 street without number': (m) => delete np(m).geographicAddress![0]!.buildingNumber,
  'C9 RA missing': (m) => delete vb(m).nationalIdentification!.registrationAuthority,
  'C9 country of issue': (m) => (vb(m).nationalIdentification!.countryOfIssue = 'DE'),
  'C10 unknown RA': (m) => (vb(m).nationalIdentification!.registrationAuthority = 'RA123456'),
  'C11 not an LEI': (m) =>
    (m.originatingVASP!.originatingVASP!.legalPerson!.nationalIdentification!.nationalIdentifier = 'abc'),
  'C12 sequence gap': (m) =>
    (m.transferPath = {
      transferPath: [1, 2].map((sequence) => ({
        sequence,
        intermediaryVASP: structuredClone(m.beneficiaryVASP!.beneficiaryVASP!),
      })),
    }),
  'C12 good path': (m) =>
    (m.transferPath = {
      transferPath: [0, 1].map((sequence) => ({
        sequence,
        intermediaryVASP: structuredClone(m.beneficiaryVASP!.beneficiaryVASP!),
      })),
    }),
  'non-Latin in MaxNText': (m) => (np(m).name.nameIdentifier[0]!.primaryIdentifier = 'Müller'),
  'too long': (m) => (np(m).customerIdentification = 'x'.repeat(51)),
  'upper-case transliteration': (m) => (m.payloadMetadata = { transliterationMethod: ['CYRL'] }),
  'six addresses': (m) =>
    (np(m).geographicAddress = Array.from({ length: 6 }, () => structuredClone(np(m).geographicAddress![0]!))),
  'lower-case code': (m) => (np(m).name.nameIdentifier[0]!.naturalPersonNameIdentifierType = 'legl'),
  'impossible date': (m) => (np(m).dateAndPlaceOfBirth!.dateOfBirth = '1990-02-30'),
  'both natural and legal': (m) => (m.originator!.originatorPerson[0]!.legalPerson = structuredClone(vb(m))),
  'beneficiary with name and account only': (m) =>
    delete m.beneficiary!.beneficiaryPerson[0]!.naturalPerson!.geographicAddress,
};

/** The base for variants: a beneficiary the oracle accepts too (it applies C1 to beneficiaries). */
function base(): Ivms101Model {
  const m = validModel();
  m.beneficiary!.beneficiaryPerson[0]!.naturalPerson!.geographicAddress = [
    { addressType: 'HOME', streetName: 'Watling St', buildingNumber: '249', townName: 'Radlett', country: 'GB' },
  ];
  return m;
}

describe('differential: our validator against the ivms101 package', () => {
  const seen = new Set<string>();
  afterAllCheck(seen);

  describe.each<Edition>(['2020', '2023'])('edition %s', (e) => {
    it.each(Object.keys(VARIANTS))('%s', (name) => {
      const m = base();
      VARIANTS[name]?.(m);
      const v = compare(writeEdition(m, e), e);
      v.explained.forEach((d) => seen.add(d));
      expect(v.agree, JSON.stringify({ ours: v.ours, theirs: v.theirs }, null, 1)).toBe(true);
    });

    it('agrees on 100 generated valid payloads', () => {
      for (const m of fc.sample(arbitraryModel, { numRuns: 100, seed: 4242 })) {
        const v = compare(writeEdition(m, e), e);
        v.explained.forEach((d) => seen.add(d));
        expect(v.agree, JSON.stringify({ ours: v.ours, theirs: v.theirs })).toBe(true);
        expect(v.ours).toEqual([]);
      }
    });
  });

  it.each([
    'trisa/identity_payload.json',
    'gtr/malformed-full-example.json',
    'gtr/originator-example.json',
    'trp/inquiry.json',
  ])('fixture %s', (file) => {
    let json = JSON.parse(readFileSync(sharedPath('fixtures', 'ivms101', file), 'utf8')) as Record<string, unknown>;
    if (json.IVMS101) json = json.IVMS101 as Record<string, unknown>;
    const v = compare(json, '2020');
    v.explained.forEach((d) => seen.add(d));
    expect(v.agree, JSON.stringify({ ours: v.ours, theirs: v.theirs }, null, 1)).toBe(true);
  });

  // The shapes the oracle can read at all (the standard's camelCase element names): see docs/ivms101-shapes.md.
  it.each([
    ['ivms101-2020.json', '2020'],
    ['ivms101-2020-tables.json', '2020'],
    ['ivms101-2023.json', '2023'],
    ['trisa-json-v1.json', '2020'],
    ['sygna-ivms2020.json', '2020'],
    ['sygna-ivms2023.json', '2023'],
    ['gtr-schema.json', '2020'],
    ['trp-inquiry-v3.json', '2020'],
  ] as const)('shape fixture %s', (file, e) => {
    let json = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'shapes', file), 'utf8')) as Record<string, unknown>;
    if (json.IVMS101) json = json.IVMS101 as Record<string, unknown>;
    const v = compare(json, e);
    v.explained.forEach((d) => seen.add(d));
    expect(v.agree, JSON.stringify({ ours: v.ours, theirs: v.theirs }, null, 1)).toBe(true);
  });

  it('covers every fixture payload in the corpus list or explains why not', () => {
    const payloads = readdirSync(sharedPath('fixtures', 'ivms101', 'trisa')).filter((f) =>
      f.startsWith('identity_payload'),
    );
    // The .pb and _alt forms are protobuf-JSON and aliased spellings the oracle cannot read at all.
    expect(payloads.sort()).toEqual(['identity_payload.json', 'identity_payload.pb.json', 'identity_payload_alt.json']);
  });
});

/** Every listed difference must actually occur in the corpus: the list may not hold stale excuses. */
function afterAllCheck(seen: Set<string>) {
  afterAll(() => {
    const unused = DIFFERENCES.map((d) => d.id).filter((id) => !seen.has(id));
    expect(unused).toEqual([]);
  });
}
