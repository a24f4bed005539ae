import { describe, expect, it } from 'vitest';
import { cases } from '../../test/support/export';
import { canonicalJson, CANONICAL_JSON_MAX_DEPTH, JsonTooDeepError } from '../audit/canonical-json';
import { canonicalLine } from './jsonl';

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
