import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIvms101Text } from './engine';
import { writeEdition } from './model';
import type { Form } from './read';
import type { Edition } from './schema';

// One small hand-written fixture per shape and version in docs/ivms101-shapes.md (sources and
// licences in fixtures/shapes/README.md): each is read, recognised as what it is, judged by the spec,
// and its model survives writing either edition and reading it back.

interface Expect {
  form: Form;
  edition: Edition;
  envelope?: string;
  /** Error codes expected (in any order); none when absent. */
  errors?: string[];
  /** Warning codes that must be among the warnings. */
  warnings?: string[];
  why: string;
}

const EXPECTED: Record<string, Expect> = {
  'ivms101-2020.json': {
    form: 'json',
    edition: '2020',
    why: 'the 2020 §8 example shape: two originators, a local-script name, a two-hop transfer path',
  },
  'ivms101-2020-tables.json': {
    form: 'json',
    edition: '2020',
    why: '2020 §6.3.1/§6.3.3 name the element beneficiaryPerson; two beneficiaries',
  },
  'ivms101-2023.json': {
    form: 'json',
    edition: '2023',
    why: '101.2023 with payloadVersion, accounts on the Person, a Cyrillic local name',
  },
  'trisa-json-v1.json': {
    form: 'json',
    edition: '2020',
    warnings: ['SEQUENCE_OMITTED'],
    why: "TRISA encoding/json: the first hop's sequence 0 left out by omitempty, OTHR in upper case",
  },
  'trisa-protojson-v0.3.3.json': {
    form: 'protobuf-json',
    edition: '2020',
    why: 'TRISA protojson before json_name: plural lists, originatingVasp, enum names, uint64 as text',
  },
  'trisa-protojson-v1.3.0.json': {
    form: 'protobuf-json',
    edition: '2020',
    why: 'TRISA protojson May 2022-Sept 2024: beneficiaryPerson, read as 2020 (no payloadVersion needed)',
  },
  'trisa-protojson-v1.4.0.json': {
    form: 'protobuf-json',
    edition: '2020',
    why: 'TRISA protojson since v1.4.0: beneficiaryPersons; a legal-person originator; transliteration enum name',
  },
  'trisa-protojson-snake.json': {
    form: 'protobuf-json-snake',
    edition: '2020',
    why: 'TRISA UseProtoNames + EmitUnpopulated: "", [] and null mean unset; an Arabic local name',
  },
  'trisa-proto-2020.json': {
    form: 'protobuf-json-snake',
    edition: '2020',
    errors: ['NONSTANDARD_ELEMENT'],
    why: "TRISA's first proto named the beneficiary VASP's person originating_vasp: read, and reported as not a standard name",
  },
  'sygna-snake-2020.json': {
    form: 'protobuf-json-snake',
    edition: '2020',
    why: "Sygna's first schema: snake_case with short codes, HANI in upper case",
  },
  'sygna-ivms2020.json': { form: 'json', edition: '2020', why: 'Sygna 2020 schema: states payloadVersion "101"' },
  'sygna-ivms2023.json': { form: 'json', edition: '2023', why: 'Sygna 2023 schema: accounts on each Person' },
  'gtr-schema.json': { form: 'json', edition: '2020', why: 'GTR JSON Schema spelling: postcode, THAI in upper case' },
  'gtr-api.json': {
    form: 'json-pascal-entities',
    edition: '2020',
    envelope: '"ivms101" member',
    why: 'GTR API guidelines: {"ivms101": {"Originator", …}}',
  },
  'code.json': {
    form: 'json-pascal-entities',
    edition: '2020',
    envelope: '"ivms101" member',
    why: 'CODE: PascalCase entities, "" for an unset secondary identifier, sequence as text, Hangul local names',
  },
  'verifyvasp.json': {
    form: 'json-pascal-entities',
    edition: '2020',
    envelope: '"payload.ivms101" member (VerifyVASP)',
    warnings: ['UNKNOWN_ELEMENT'],
    why: 'VerifyVASP: payload.ivms101 with a "nationality" element that IVMS101 does not have (ignored, with a warning)',
  },
  'trp-inquiry-v3.json': {
    form: 'json',
    edition: '2020',
    envelope: 'TRP inquiry',
    why: 'TRP v3 transfer inquiry carrying "IVMS101"',
  },
};

const dir = join(__dirname, 'fixtures', 'shapes');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const read = (text: string) => {
  const r = readIvms101Text(text, { today: '2026-11-22' });
  if (!r.ok) throw new Error(r.reason);
  return r.result;
};

describe('IVMS101 shape fixtures', () => {
  it('has an expectation for every fixture, and a fixture for every expectation', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s', (file) => {
    const exp = EXPECTED[file]!;
    const r = read(readFileSync(join(dir, file), 'utf8'));
    expect({ form: r.form, edition: r.edition, envelope: r.envelope, kind: r.kind }, exp.why).toEqual({
      form: exp.form,
      edition: exp.edition,
      envelope: exp.envelope ?? null,
      kind: 'payload',
    });
    expect(r.errors.map((e) => e.code).sort(), exp.why).toEqual([...(exp.errors ?? [])].sort());
    for (const w of exp.warnings ?? []) expect(r.warnings.map((x) => x.code)).toContain(w);
    // Round trip: nothing read is lost when written as either edition and read again.
    for (const e of ['2020', '2023'] as const) {
      const back = read(JSON.stringify(writeEdition(r.model!, e)));
      expect(back.errors, `${file} written as ${e}`).toEqual([]);
      expect(back.model).toEqual(r.model);
    }
  });
});
