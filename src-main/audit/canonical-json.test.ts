import { describe, expect, it } from 'vitest';
import { CANONICAL_JSON_MAX_DEPTH, canonicalJson, JsonTooDeepError } from './canonical-json';

const fromBits = (hex: string): number =>
  new DataView(new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16))).buffer).getFloat64(0);

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
  it('gives the same bytes for equal values built in different orders', () => {
    expect(canonicalJson({ x: 'ü', y: null })).toBe(canonicalJson({ y: null, x: 'ü' }));
  });
  it('refuses values JSON cannot carry exactly', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
  });

  // RFC 8785 Appendix B: IEEE 754 bit patterns and the text §3.2.2.3 requires for each.
  it('writes numbers as RFC 8785 Appendix B says', () => {
    const vectors: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of vectors) expect(canonicalJson(fromBits(bits)), bits).toBe(text);
    // The same appendix: NaN and Infinity have no JSON form.
    expect(() => canonicalJson(fromBits('7fffffffffffffff'))).toThrow(/non-finite/);
    expect(() => canonicalJson(fromBits('7ff0000000000000'))).toThrow(/non-finite/);
  });

  // RFC 8785 §3.2.3: names sort by UTF-16 code units, so U+1F600 (surrogates D83D DE00) comes before U+FB33.
  it('sorts member names by UTF-16 code units (the RFC 8785 §3.2.3 example)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    ) as unknown;
    const names = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
    const expected = `{${names.map((n) => `${JSON.stringify(n)}:${JSON.stringify((input as Record<string, string>)[n])}`).join(',')}}`;
    expect(canonicalJson(input)).toBe(expected);
    expect(expected.startsWith('{"\\r":"Carriage Return","1":"One"')).toBe(true);
  });

  // RFC 8785 §3.2.4 (the input as its JSON text, parsed as any receiver would): numbers, escaping, literals.
  it('produces the RFC 8785 §3.2.4 sample output', () => {
    const input = JSON.parse(
      '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('refuses a 100,000-deep value with a named error instead of a stack overflow (and a cycle the same way)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = i % 2 ? [deep] : { a: deep };
    expect(() => canonicalJson(deep)).toThrow(JsonTooDeepError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(JsonTooDeepError);
    let atLimit: unknown = 1;
    for (let i = 0; i < CANONICAL_JSON_MAX_DEPTH; i++) atLimit = [atLimit];
    expect(canonicalJson(atLimit)).toBe(
      '['.repeat(CANONICAL_JSON_MAX_DEPTH) + '1' + ']'.repeat(CANONICAL_JSON_MAX_DEPTH),
    );
  });
});
