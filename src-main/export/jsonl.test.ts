import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cases } from '../../test/support/export';
import { canonicalJson, CANONICAL_JSON_MAX_DEPTH, JsonTooDeepError } from '../audit/canonical-json';
import { CanonicalText, canonicalLine, standIn } from './jsonl';

// The export's fast serialiser must write exactly the bytes of the canonical one (RFC 8785), or a
// bundle's files would differ from what every other part of Waybill calls canonical.
const same = (v: unknown) => expect(canonicalLine(v)).toBe(canonicalJson(v) + '\n');

describe('canonicalLine', () => {
  it('writes the same bytes as canonicalJson for generated case records', () => {
    for (const c of cases(200)) {
      same(c);
      same(JSON.parse(JSON.stringify(c)) as unknown);
    }
  });

  it('writes the same bytes for the edge cases RFC 8785 names', () => {
    for (const v of [
      null,
      true,
      false,
      0,
      -0,
      1e21,
      1e-7,
      -1.5,
      Number.MAX_SAFE_INTEGER,
      5e-324,
      '',
      'line\nbreak "quoted" \\ \u2028 \u0000 \ud83d\ude00 \ud800',
      [],
      {},
      [undefined, null, 1, [2, [3]], { b: 1, a: undefined }],
      { '\u20ac': 1, '\r': 2, '1': 3, '10': 4, b: 5, B: 6, a: { z: [], y: {} }, '\ud83d\ude00': 7, '\ufb33': 8 },
      { u: undefined, f: () => 1, s: Symbol('x') },
      [() => 1, Symbol('y')],
      new Date(0),
    ])
      same(v);
  });

  it('refuses what canonicalJson refuses, by the same error', () => {
    expect(() => canonicalLine({ n: Number.NaN })).toThrow('non-finite');
    expect(() => canonicalLine([Number.POSITIVE_INFINITY])).toThrow('non-finite');
    expect(() => canonicalLine({ b: 1n })).toThrow('bigint');
    let deep: unknown = 1;
    for (let i = 0; i <= CANONICAL_JSON_MAX_DEPTH; i++) deep = [deep];
    expect(() => canonicalLine(deep)).toThrow(JsonTooDeepError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalLine(cycle)).toThrow(JsonTooDeepError);
  });
});

// Issue 21: canonicalLine writes most values natively (JSON.stringify over a copy whose members were
// added in sorted order). Differential against canonicalJson on every shape a stored text can take,
// hostile ones included: keys that V8 orders otherwise (array indexes), "__proto__", duplicates, lone
// surrogates, deep nesting; and on values JSON.parse never makes (undefined, Date, a function).
describe('canonicalLine, native path', () => {
  const awkwardKey = fc.oneof(
    fc.string(),
    fc.constantFrom('__proto__', 'constructor', 'toJSON', '0', '1', '10', '9', '01', '-1', '1e3', '4294967295', ''),
    fc.constantFrom('\ud800', '\udc00x', '\u20ac', '\ufb33', '\ud83d\ude00', 'B', 'a', 'b', 'aa', '\u0000'),
  );
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(awkwardKey, tie('value'), { maxKeys: 6 }),
    ),
  })).value;

  it('writes the bytes canonicalJson writes for any JSON value, and for it as a stored text read back', () => {
    fc.assert(
      fc.property(json, (v) => {
        same(v);
        same(JSON.parse(JSON.stringify(v)) as unknown);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the bytes canonicalJson writes for hostile stored texts: duplicate and prototype keys, escapes, depth', () => {
    for (const text of [
      '{"b":1,"a":2,"b":3}',
      '{"__proto__":{"x":1},"a":[{"__proto__":null}]}',
      '{"z":{"10":1,"9":2,"a":3},"y":[1,{"2":0,"1":0}]}',
      '{"\\ud800":1,"\\udc00":2,"\\u00e9":3,"e\\u0301":4,"a\\u0000":5}',
      '{"n":[1.0,-0,0.1,1e-7,123456789012345678901234567890,5e-324]}',
      '[' + '{"k":'.repeat(900) + '1' + '}'.repeat(900) + ']',
      '{"toJSON":"not a function","constructor":{"prototype":1},"valueOf":2}',
      '{"a":"\\u2028\\u2029\\"\\\\\\/\\b\\f\\n\\r\\t\\u001f"}',
    ])
      same(JSON.parse(text) as unknown);
    // A number past a double's range reads as Infinity: refused by both, by the same error.
    const huge = JSON.parse('{"a":{"n":[1e400]}}') as unknown;
    expect(() => canonicalJson(huge)).toThrow('non-finite');
    expect(() => canonicalLine(huge)).toThrow('non-finite');
  });

  it('writes the bytes canonicalJson writes for any value at all, or refuses it by the same error', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withNullPrototype: true,
          withSparseArray: true,
          withBoxedValues: true,
          withTypedArray: true,
          key: awkwardKey,
        }),
        (v) => {
          let expected: string;
          try {
            expected = canonicalJson(v) + '\n';
          } catch (e) {
            expect(() => canonicalLine(v)).toThrow((e as Error).message);
            return;
          }
          expect(canonicalLine(v)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses a value past the depth limit by the same error, however deep the native path went', () => {
    let deep: unknown = { a: 1 };
    for (let i = 0; i < CANONICAL_JSON_MAX_DEPTH; i++) deep = { k: deep };
    expect(() => canonicalLine(deep)).toThrow(JsonTooDeepError);
    expect(() => canonicalJson(deep)).toThrow(JsonTooDeepError);
  });

  it('puts a CanonicalText in as its text, natively or not, even beside a stored text forging its stand-in', () => {
    const list = JSON.parse('[{"quote":"Article 14 (1)","b":[2,1],"a":"\\u00e9","10":0}, {"z":1,"a":2}]') as unknown;
    const text = new CanonicalText(canonicalJson(list));
    const expand = (v: unknown): unknown =>
      JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x instanceof CanonicalText ? list : x))) as unknown;
    for (const around of [
      { sides: [{ sources: text, role: 'o' }, { sources: text }] },
      { '1': 0, sides: [{ sources: text }] },
      [text, undefined],
      { forged: standIn(0), sides: [{ sources: text }] },
      { forged: standIn(1), sides: [{ sources: text }] },
      { [standIn(0)]: 1, sides: [{ sources: text }] },
      { note: `x${standIn(0)}`, sides: [{ sources: text }] },
    ])
      expect(canonicalLine(around)).toBe(canonicalJson(expand(around)) + '\n');
    expect(canonicalLine({ b: new CanonicalText('{"x":1}'), a: 1 })).toBe('{"a":1,"b":{"x":1}}\n');
  });
});
