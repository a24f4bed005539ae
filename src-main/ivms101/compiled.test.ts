import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arbitraryModel } from '../../test/support/ivms101-arbitraries';
import { validModel } from '../../test/support/ivms101-payloads';
import { SHAPES } from '../../test/support/ivms101-shapes';
import { sharedPath } from '../../test/support/shared';
import { readClean } from './compiled';
import { readIvms101, readIvms101Interpreted } from './engine';
import { writeEdition } from './model';
import type { Edition } from './schema';

// The compiled reader (compiled.ts) answers only payloads the interpreter finds free of every
// problem, with the very model the interpreter builds; all else goes to the interpreter. So the
// engine's answer must be the interpreter's, byte for byte (codes, paths, messages, model and its
// key order), on every input: fixtures, every shape, generated valid payloads and hostile ones.

const TODAY = '2026-11-22';
const EDITIONS: Edition[] = ['2020', '2023'];

/** The engine's answer against the interpreter's; returns whether the compiled reader answered. */
function agree(input: unknown, today = TODAY): boolean {
  const given = JSON.stringify(input);
  const ours = readIvms101(input, { today });
  const reference = readIvms101Interpreted(input, { today });
  expect(JSON.stringify(ours)).toBe(JSON.stringify(reference));
  expect(ours).toEqual(reference);
  // The model may share the input's nodes (compiled.ts): reading never writes to the input.
  expect(JSON.stringify(input)).toBe(given);
  return readClean(input, today) !== null;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? jsonFiles(p) : p.endsWith('.json') ? [p] : [];
  });
}

describe('compiled IVMS101 reader agrees with the interpreter', () => {
  it('on every fixture (shared and shapes) and on the hand-written valid payload', () => {
    const files = [...jsonFiles(sharedPath('fixtures', 'ivms101')), ...jsonFiles(join(__dirname, 'fixtures'))];
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) agree(JSON.parse(readFileSync(f, 'utf8')));
    // Most fixtures are other protocols' shapes or invalid on purpose; the hand-written valid model is not.
    for (const e of EDITIONS) expect(agree(writeEdition(validModel(), e)), e).toBe(true);
  });

  /** Every object in the model a plain one (the compiled reader builds them from constructors; see M_*). */
  function plain(v: unknown): boolean {
    if (Array.isArray(v)) return v.every(plain);
    if (typeof v !== 'object' || v === null) return true;
    return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(plain);
  }

  it.each(EDITIONS)('on generated valid %s payloads, answered by the compiled reader', (e) => {
    fc.assert(
      fc.property(arbitraryModel, (m) => {
        const payload = writeEdition(m, e);
        expect(agree(payload)).toBe(true);
        expect(plain(readClean(payload, TODAY)?.model)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on every shape in docs/ivms101-shapes.md', () => {
    fc.assert(
      fc.property(arbitraryModel, fc.constantFrom(...SHAPES), (m, shape) => {
        agree(shape.encode(m));
      }),
      { numRuns: 300 },
    );
  });

  it('on dates of birth on, before and after "today" (C2)', () => {
    const m = validModel();
    const p = writeEdition(m, '2023') as {
      originator: { originatorPerson: { naturalPerson: Record<string, unknown> }[] };
    };
    const np = p.originator.originatorPerson[0]!.naturalPerson;
    for (const dob of [
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2000-02-29',
      '1900-02-29',
      '0099-01-01',
      '2001-13-01',
    ]) {
      np.dateAndPlaceOfBirth = { dateOfBirth: dob, placeOfBirth: 'Berlin' };
      agree(p);
    }
  });

  // ---- hostile payloads: a valid payload with one to three things broken ------------------------

  const HOSTILE_VALUES: unknown[] = [
    null,
    undefined,
    '',
    ' ',
    0,
    -0,
    -1,
    1,
    3,
    1.5,
    1e18,
    '0',
    true,
    [],
    [null],
    {},
    'x'.repeat(101),
    'Zoë',
    'a\nb',
    'O\u2019Brien',
    "O'Brien-Smith",
    '\ud800',
    '😀'.repeat(60),
    'legl',
    'Legl',
    'LEGL ',
    'MISC',
    'LEIX',
    'RAID',
    'GEOG',
    'cyrl',
    'CYRL',
    'NATURAL_PERSON_NAME_TYPE_CODE_LEGL',
    'natural_person_name_type_code_legl',
    'ADDRESS_TYPE_CODE_GEOG something',
    'de',
    'DE',
    'XX',
    'XK',
    'ZZ',
    'DEU',
    'ra000585',
    'RA000585',
    'RA999999',
    'RA00058',
    '2000-02-29',
    '2001-02-29',
    '0050-01-01',
    '2026-11-22',
    '１９９０-01-01',
    '101',
    '101.2023',
    ' 101.2023',
    '5493001KJTIIGC8Y1R12',
    '5493001KJTIIGC8Y1R13',
    'toString',
  ];
  const KEY_VARIANTS = (k: string): string[] => [
    k.toUpperCase(),
    k[0]!.toUpperCase() + k.slice(1),
    k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
    `${k}s`,
    k.endsWith('s') ? k.slice(0, -1) : k,
    'postcode',
    'customerNumber',
    'beneficiaryPerson',
    'beneficiaryPersons',
    'originatorPerson',
    'originatorPersons',
    'accountNumbers',
    'nameIdentifierType',
    'naturalPersonNameIdentifierType',
    'nameIdentifiers',
    'geographicAddresses',
    'surname',
    '__proto__',
    'constructor',
    'Originator',
  ];

  type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };
  function slots(v: unknown, out: Slot[] = []): Slot[] {
    if (Array.isArray(v))
      v.forEach((x, i) => {
        out.push({ parent: v, key: i });
        slots(x, out);
      });
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) {
        out.push({ parent: v as Record<string, unknown>, key: k });
        slots(x, out);
      }
    return out;
  }

  function mutate(payload: Record<string, unknown>, op: number, at: number, pick: number): void {
    const all = slots(payload);
    const s = all[at % all.length];
    if (!s) return;
    const parent = s.parent as Record<string | number, unknown>;
    const value = parent[s.key];
    switch (op % 7) {
      case 0:
        parent[s.key] = HOSTILE_VALUES[pick % HOSTILE_VALUES.length];
        break;
      case 1:
        if (Array.isArray(s.parent)) s.parent.splice(Number(s.key), 1);
        else delete parent[s.key];
        break;
      case 2: {
        if (Array.isArray(s.parent)) return;
        const variants = KEY_VARIANTS(String(s.key));
        const to = variants[pick % variants.length]!;
        delete parent[s.key];
        Object.defineProperty(parent, to, { value, enumerable: true, writable: true, configurable: true });
        break;
      }
      case 3: {
        if (Array.isArray(s.parent)) return;
        // A second spelling of some element beside this one (a duplicate, or an unknown key).
        const variants = KEY_VARIANTS(String(s.key));
        const to = variants[pick % variants.length]!;
        Object.defineProperty(parent, to, {
          value: pick % 2 ? value : null,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        break;
      }
      case 4:
        parent[s.key] = Array.isArray(value) ? value[0] : [value];
        break;
      case 5:
        if (typeof value === 'object' && value !== null && !Array.isArray(value))
          parent[s.key] = Object.assign(Object.create(null), value);
        break;
      case 6:
        if (typeof value === 'object' && value !== null && !Array.isArray(value))
          parent[s.key] = { ...value, [`extra${pick % 3}`]: pick % 2 ? null : 'x' };
        else parent[s.key] = typeof value === 'string' ? value.toLowerCase() : value;
        break;
    }
  }

  // Unbiased picks: fast-check's nat() favours small numbers, which would mutate mostly the first slots.
  it('on generated hostile payloads (values, keys, duplicates, lists, prototypes broken)', () => {
    let compiled = 0;
    let interpreted = 0;
    fc.assert(
      fc.property(
        arbitraryModel,
        fc.constantFrom<Edition>('2020', '2023'),
        fc.array(fc.tuple(fc.noBias(fc.nat()), fc.noBias(fc.nat()), fc.noBias(fc.nat())), {
          minLength: 1,
          maxLength: 3,
        }),
        (m, e, ops) => {
          const payload = writeEdition(m, e);
          for (const [op, at, pick] of ops) mutate(payload, op, at, pick);
          if (agree(payload)) compiled++;
          else interpreted++;
        },
      ),
      { numRuns: 1500 },
    );
    // Both paths were taken: harmless changes stay compiled, the rest fall back to the interpreter.
    expect(compiled).toBeGreaterThan(50);
    expect(interpreted).toBeGreaterThan(500);
  });

  type Node = Record<string, unknown>;
  /** The first originator's first address, in a payload of either edition. */
  const firstAddress = (p: Node): Node => {
    const side = p.originator as Node;
    const persons = (side.originatorPerson ?? side.originatorPersons) as { naturalPerson: Node }[];
    return (persons[0]!.naturalPerson.geographicAddress as Node[])[0]!;
  };

  it('shares the input nodes that need no normalising, and builds anew only those that do and their ancestors', () => {
    const p23 = writeEdition(validModel(), '2023');
    const m23 = readClean(p23, TODAY)!.model as unknown as Node;
    expect(m23.originatingVASP).toBe(p23.originatingVASP);
    expect(firstAddress(m23)).toBe(firstAddress(p23));
    // payloadVersion leaves the model: the root is new, the input keeps it.
    expect(m23).not.toBe(p23);
    expect((p23.payloadMetadata as Node).payloadVersion).toBe('101.2023');
    // 2020 names the persons originatorPersons: the Originator is new, its persons' addresses are the input's.
    const p20 = writeEdition(validModel(), '2020');
    const m20 = readClean(p20, TODAY)!.model as unknown as Node;
    expect(m20.originator).not.toBe(p20.originator);
    expect(firstAddress(m20)).toBe(firstAddress(p20));
    // A code in another case is normalised: that node is new, the input keeps what was sent.
    const lower = writeEdition(validModel(), '2023');
    firstAddress(lower).addressType = 'home';
    expect(agree(lower)).toBe(true);
    const model = readClean(lower, TODAY)!.model as unknown as Node;
    expect(firstAddress(model)).not.toBe(firstAddress(lower));
    expect(firstAddress(model).addressType).toBe('HOME');
    expect(firstAddress(lower).addressType).toBe('home');
  });

  it('refuses an Object.prototype holding an element name, even non-enumerable, to the compiled path', () => {
    const p = writeEdition(validModel(), '2023');
    // Without its townName an address would read the prototype's; an unknown key beside it evens the key count.
    const address = firstAddress(p);
    delete address.townName;
    address.town = 'Berlin';
    Object.defineProperty(Object.prototype, 'townName', { value: 'Ghost', enumerable: false, configurable: true });
    try {
      expect(readClean(p, TODAY)).toBeNull();
    } finally {
      delete (Object.prototype as Node).townName;
    }
    expect(agree(p)).toBe(false);
  });

  it('refuses a polluted Object.prototype to the compiled path (its keys would look like elements)', () => {
    const p = writeEdition(validModel(), '2023');
    const proto = Object.prototype as Record<string, unknown>;
    proto.townName = 'Ghost';
    try {
      expect(agree(p)).toBe(false);
    } finally {
      delete proto.townName;
    }
    expect(agree(p)).toBe(true);
  });
});
