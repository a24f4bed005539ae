import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryModel } from '../../test/support/ivms101-arbitraries';
import { SHAPES } from '../../test/support/ivms101-shapes';
import { readIvms101 } from './engine';
import { writeEdition, type Ivms101Model } from './model';
import type { Edition } from './schema';

// Every shape in docs/ivms101-shapes.md, generated from random valid models: read without an error,
// recognised as the form and edition it is, and round-tripped: read → write either edition → read
// back gives the same model (nothing lost).

const TODAY = '2026-11-22';
const read = (json: unknown) => {
  const r = readIvms101(json, { today: TODAY });
  if (!r.ok) throw new Error(r.reason);
  return r.result;
};

describe('IVMS101 shapes: generated variants', () => {
  it.each(SHAPES.map((s) => [s.id, s] as const))(
    '%s reads clean, is recognised, and round-trips through both editions',
    (_id, shape) => {
      fc.assert(
        fc.property(arbitraryModel, fc.constantFrom<Edition>('2020', '2023'), (m, out) => {
          const r = read(shape.encode(m));
          expect(r.errors).toEqual([]);
          expect({ form: r.form, edition: r.edition, envelope: r.envelope }).toEqual({
            form: shape.form,
            edition: shape.edition,
            envelope: shape.envelope,
          });
          expect(r.model).toEqual(m);
          const back = read(writeEdition(r.model!, out));
          expect(back.errors).toEqual([]);
          expect(back.model).toEqual(m);
        }),
        { numRuns: 40 },
      );
    },
  );
});

describe('IVMS101 shapes: what each encoding means', () => {
  const base = () => {
    const m = structuredClone(fc.sample(arbitraryModel, { numRuns: 1, seed: 7 })[0]!);
    m.transferPath = {
      transferPath: [0, 1].map((sequence) => ({
        sequence,
        intermediaryVASP: structuredClone(m.beneficiaryVASP!.beneficiaryVASP!),
      })),
    };
    return m;
  };
  const shape = (id: string) => SHAPES.find((s) => s.id === id)!;

  it('a 2020 payload naming beneficiaryPerson (the 2020 tables, TRISA protojson 2022-2024) stays 2020: no PAYLOAD_VERSION_REQUIRED, no warning', () => {
    // IVMS101 2020 §6.3.1 table and §6.3.3 element text: "beneficiaryPerson [1..n]".
    const r = read(shape('trisa-protojson-2022').encode(base()));
    expect(r.edition).toBe('2020');
    expect(r.errors.map((e) => e.code)).toEqual([]);
    expect(r.warnings.map((e) => e.code)).not.toContain('EDITION_NAME');
  });

  it('a 2023 payload without payloadVersion is still refused by name (101.2023 §6.7 [1..1])', () => {
    const j = writeEdition(base(), '2023') as { payloadMetadata?: Record<string, unknown> };
    delete j.payloadMetadata;
    expect(read(j).errors.map((e) => e.code)).toEqual(['PAYLOAD_VERSION_REQUIRED']);
  });

  it.each<[string, unknown, 'C12' | null, string]>([
    // §5.3.15 Number: an integer of up to 18 digits; -1 is one. C12 (§5.2.13.2) is what it breaks.
    ['-1', -1, 'C12', 'C12_SEQUENCE'],
    ['"-1" in plain JSON', '-1', 'C12', 'C12_SEQUENCE'],
    ['1.5', 1.5, null, 'FORMAT_NUMBER'],
    ['"one"', 'one', null, 'FORMAT_NUMBER'],
  ])('sequence %s is reported under the rule it breaks', (_label, seq, constraint, code) => {
    const j = writeEdition(base(), '2020') as { transferPath: { transferPath: { sequence: unknown }[] } };
    j.transferPath.transferPath[0]!.sequence = seq;
    const r = read(j);
    const hit = r.errors.find((e) => e.code === code);
    expect(hit?.constraint ?? null).toBe(constraint);
    expect(hit?.path).toBe('/transferPath/transferPath/0/sequence');
  });

  it('every code list reads its protobuf enum names, in any case', () => {
    const r = read(
      shape('trisa-protojson-snake').encode({
        ...base(),
        payloadMetadata: { transliterationMethod: ['cyrl', 'othr'] },
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.model?.payloadMetadata).toEqual({ transliterationMethod: ['cyrl', 'othr'] });
    const lower = JSON.parse(
      JSON.stringify(shape('trisa-protojson-2024').encode(base())).replace(
        /"([A-Z_]+_CODE_[A-Z]{4})"/g,
        (_m, s: string) => `"${s.toLowerCase()}"`,
      ),
    ) as unknown;
    expect(read(lower).errors).toEqual([]);
  });

  it('protobuf enum numbers are read by TRISA numbering, with a warning; the unset zero value is no code', () => {
    const j = shape('trisa-protojson-2024').encode(base()) as {
      originator: {
        originatorPersons: {
          naturalPerson: {
            name: { nameIdentifier: { nameIdentifierType: unknown }[] };
            geographicAddress: { addressType: unknown }[];
          };
        }[];
      };
    };
    const np = j.originator.originatorPersons[0]!.naturalPerson;
    np.name.nameIdentifier[0]!.nameIdentifierType = 4; // NATURAL_PERSON_NAME_TYPE_CODE_LEGL = 4
    np.geographicAddress[0]!.addressType = 'ADDRESS_TYPE_CODE_MISC'; // the enum's 0, "not set"
    const r = read(j);
    expect(r.warnings.find((w) => w.code === 'ENUM_NUMBER')?.message).toMatch(/read as LEGL/);
    const bad = r.errors.find((e) => e.code === 'FORMAT_CODE');
    expect(bad?.path).toBe('/originator/originatorPersons/0/naturalPerson/geographicAddress/0/addressType');
    expect(bad?.message).toMatch(/zero value/);
  });

  it('a zero sequence left out (Go omitempty) is read as 0 with a warning; two missing are an error', () => {
    const j = shape('trisa-json').encode(base()) as { transferPath: { transferPath: Record<string, unknown>[] } };
    expect(j.transferPath.transferPath[0]).not.toHaveProperty('sequence');
    const r = read(j);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toContain('SEQUENCE_OMITTED');
    expect(r.model?.transferPath?.transferPath.map((h) => h.sequence)).toEqual([0, 1]);
    delete j.transferPath.transferPath[1]!.sequence;
    expect(
      read(j)
        .errors.filter((e) => e.code === 'REQUIRED')
        .map((e) => e.path),
    ).toEqual(['/transferPath/transferPath/0/sequence', '/transferPath/transferPath/1/sequence']);
  });

  it('an empty string is "absent" only in the forms whose senders write unset fields so; in plain JSON it breaks MinLength 1', () => {
    const code = shape('code').encode(base()) as {
      ivms101: { Originator: { originatorPersons: { naturalPerson: { customerIdentification?: string } }[] } };
    };
    code.ivms101.Originator.originatorPersons[0]!.naturalPerson.customerIdentification = '';
    expect(read(code).errors).toEqual([]);
    const plain = writeEdition(base(), '2020') as {
      originator: { originatorPersons: { naturalPerson: { customerIdentification?: string } }[] };
    };
    plain.originator.originatorPersons[0]!.naturalPerson.customerIdentification = '';
    expect(read(plain).errors.map((e) => e.code)).toEqual(['EMPTY']);
  });

  it("TRISA's first proto (2020) named the beneficiary VASP's person originating_vasp: read, and reported", () => {
    const j = shape('trisa-protojson-snake').encode(base()) as { beneficiary_vasp: Record<string, unknown> };
    j.beneficiary_vasp = { originating_vasp: j.beneficiary_vasp.beneficiary_vasp };
    const r = read(j);
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([
      ['NONSTANDARD_ELEMENT', '/beneficiary_vasp/originating_vasp'],
    ]);
    expect(r.model?.beneficiaryVASP?.beneficiaryVASP).toEqual(base().beneficiaryVASP!.beneficiaryVASP);
  });
});

describe('IVMS101: a constraint is judged on what was given', () => {
  const vasp = (nid: Record<string, unknown>) => ({
    beneficiaryVASP: {
      beneficiaryVASP: {
        legalPerson: {
          name: { nameIdentifier: [{ legalPersonName: 'VASP B', legalPersonNameIdentifierType: 'LEGL' }] },
          nationalIdentification: nid,
        },
      },
    },
  });
  const codes = (nid: Record<string, unknown>) =>
    read(vasp(nid))
      .errors.map((e) => `${e.constraint ?? '-'}:${e.code}`)
      .sort();

  it.each<[string, Record<string, unknown>, string[]]>([
    // C9 (§5.2.1.2): a legal person's identification has no countryOfIssue; an RA unless LEIX, none with LEIX.
    [
      'a malformed RA is still an RA: reported as its format, not also as missing',
      { nationalIdentifier: 'HRB 1', nationalIdentifierType: 'RAID', registrationAuthority: 'TEST CODE' },
      ['-:FORMAT_RA'],
    ],
    [
      'a malformed RA beside an LEI breaks C9 as well as its format',
      { nationalIdentifier: '5493004YBI24IF4TIP36', nationalIdentifierType: 'LEIX', registrationAuthority: 'TEST' },
      ['-:FORMAT_RA', 'C9:C9_RA_WITH_LEI'],
    ],
    [
      'a country of issue that is no country still breaks C9',
      {
        nationalIdentifier: 'HRB 1',
        nationalIdentifierType: 'RAID',
        registrationAuthority: 'RA000242',
        countryOfIssue: 'Germany',
      },
      ['C3:C3_COUNTRY', 'C9:C9_COUNTRY_OF_ISSUE'],
    ],
    ['no RA for a RAID is C9', { nationalIdentifier: 'HRB 1', nationalIdentifierType: 'RAID' }, ['C9:C9_RA_REQUIRED']],
  ])('%s', (_why, nid, expected) => {
    expect(codes(nid)).toEqual(expected);
  });
});

describe('IVMS101 shapes: a broken rule is reported under it, pointing into the payload as sent', () => {
  /** Resolves an RFC 6901 pointer in the document as sent. */
  const resolve = (doc: unknown, ptr: string): unknown =>
    ptr
      .split('/')
      .slice(1)
      .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>(
        (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
        doc,
      );

  const MUTATIONS: [string, (m: Ivms101Model) => void][] = [
    // C12 (§5.2.13.2): -1 is a valid Number (§5.3.15), and breaks sequential integrity.
    [
      'C12',
      (m) =>
        (m.transferPath = {
          transferPath: [-1, 0].map((sequence) => ({
            sequence,
            intermediaryVASP: structuredClone(m.beneficiaryVASP!.beneficiaryVASP!),
          })),
        }),
    ],
    // C6 (§5.2.1.2): a natural person needs a LEGL name.
    [
      'C6',
      (m) =>
        (m.originator!.originatorPerson[0]!.naturalPerson!.name.nameIdentifier[0]!.naturalPersonNameIdentifierType =
          'ALIA'),
    ],
    // C3: ISO 3166-1 alpha-2 or XX.
    ['C3', (m) => (m.originator!.originatorPerson[0]!.naturalPerson!.countryOfResidence = 'QQ')],
  ];

  it.each(SHAPES.flatMap((s) => MUTATIONS.map(([c, f]) => [s.id, c, s, f] as const)))(
    '%s: %s',
    (_id, constraint, shape, mutate) => {
      fc.assert(
        fc.property(arbitraryModel, (m) => {
          const broken = structuredClone(m);
          mutate(broken);
          const doc = shape.encode(broken);
          const r = read(doc);
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) {
            expect(e.constraint, `${e.code} at ${e.path}`).toBe(constraint);
            expect(resolve(doc, e.path), `${e.path} exists in the payload as sent`).toBeDefined();
          }
        }),
        { numRuns: 15 },
      );
    },
  );
});
