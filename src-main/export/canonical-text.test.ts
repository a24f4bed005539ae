import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cases } from '../../test/support/export';
import { canonicalJson } from '../audit/canonical-json';
import { canonicalScan, canonicalText } from './canonical-text';
import { caseLine, evaluationLine, expandSources, RuleSources } from './format';
import { CanonicalText, canonicalLine, flatLine } from './jsonl';
import { caseRecord, evaluationRecord, unverifiedRulesOf, type CaseRow, type CheckRow } from './rows';

// Issue 21: the export copies stored JSON into the bundle in canonical form (RFC 8785) by moving slices
// of its text, where it parsed and re-wrote every text. Differential: for ANY stored text the fast path
// gives the bytes the parse and canonicalLine give, or null (and the parse then runs, as before); it
// must never give other bytes, and never accept a text the parse refuses.

/** The old path: the text parsed and written canonically (throws where the parse or the writer refuses). */
const slow = (text: string): string => canonicalLine(JSON.parse(text)).slice(0, -1);

/** The fast path on `text` is null or exactly the old path's bytes; null wherever the old path throws. */
function agrees(text: string): string | null {
  const fast = canonicalText(text);
  let expected: string;
  try {
    expected = slow(text);
  } catch {
    expect(fast, `accepted a text the parse refuses: ${JSON.stringify(text)}`).toBeNull();
    return null;
  }
  if (fast !== null) expect(fast).toBe(expected);
  return fast;
}

const awkwardKey = fc.oneof(
  fc.string(),
  fc.constantFrom('__proto__', 'constructor', 'toJSON', '0', '1', '10', '9', '01', '-1', '1e3', '4294967295', ''),
  fc.constantFrom(
    '\ud800',
    '\udc00x',
    '\u20ac',
    '\ufb33',
    '\ud83d\ude00',
    'B',
    'a',
    'b',
    'aa',
    '\u0000',
    'sides',
    '"',
    '\\',
  ),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constantFrom(1e21, 1e-7, -0, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 0.1, 123456789012345),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom('"', '\\', '/', '\n', '\u001f', '\u007f', '\u2028', 'a', '\u00e9', '\b') }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(awkwardKey, tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** Texts a store may hold for a value: compact in insertion order (ours), canonical, pretty, escaped. */
const spellings = (v: unknown): string[] => [
  JSON.stringify(v),
  canonicalJson(v),
  JSON.stringify(v, null, 1),
  JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  JSON.stringify(v).replace(/\//g, '\\/'),
];

describe('canonicalText (stored JSON put in canonical form without parsing)', () => {
  it('gives the canonical bytes of every generated case record as our stores hold it, without a fallback', () => {
    for (const c of cases(200)) {
      for (const part of [c, c.ivms101, c.counterparty, c.aml]) {
        if (part === undefined) continue;
        const text = JSON.stringify(part);
        expect(canonicalText(text), text.slice(0, 80)).toBe(canonicalJson(JSON.parse(text)));
      }
    }
  });

  it('is null or the old path bytes for any JSON value, however spelled', () => {
    let taken = 0;
    fc.assert(
      fc.property(json, (v) => {
        for (const text of spellings(v)) if (agrees(text) !== null) taken++;
      }),
      { numRuns: 3000 },
    );
    // The fast path is the one taken for ordinary texts (not a test passing by always falling back).
    expect(taken).toBeGreaterThan(3000);
  });

  it('is null or the old path bytes for any text at all, and for valid texts with one character changed', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'{}[]:,"\\ 0123456789-+.eEtruefalsn/ua\u00e9') }), (t) => {
        agrees(t);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(
        json,
        fc.nat(),
        fc.constantFrom(...'{}[]:," \\0-.eE1tnu/\u0000\ud800'),
        fc.boolean(),
        (v, at, c, insert) => {
          const text = JSON.stringify(v);
          const p = at % (text.length + 1);
          agrees(text.slice(0, p) + c + text.slice(insert ? p : p + 1));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('hands hostile and non-canonical spellings to the old path, or writes them as it does', () => {
    const fallback = [
      '{"b":1,"a":2,"b":3}', // duplicate: JSON.parse keeps the last one
      '{"a":1,"a":1}',
      '{"b":{"x":1,"y":2,"x":3}}',
      '1.0',
      '-0',
      '1E21',
      '1e21',
      '01',
      '1e400', // Infinity: the old path refuses it
      '-',
      '123456789012345678901234567890',
      '"\\/"',
      '"\\u0041"',
      '"\\u001F"',
      '"\\u000a"',
      '"\\ud800"',
      '"\\ud83d\\ude00"',
      '"\ud83d\ude00"',
      '"\ud800"',
      '"a\u0000"',
      '"\\x"',
      '"\\u00"',
      '{"a":1 }',
      ' {}',
      '{}\n',
      '\ufeff{}',
      '{"a\\"b":1}',
      '{"a":1,}',
      '[1,]',
      '[1 2]',
      '{"a"1}',
      '{"a":}',
      '{a:1}',
      "{'a':1}",
      '',
      'nul',
      'truex',
      '"open',
      '[' + '['.repeat(200) + ']'.repeat(200) + ']',
      '[' + '{"k":'.repeat(1001) + '1' + '}'.repeat(1001) + ']',
      '[NaN]',
      '[Infinity]',
      '[-Infinity]',
      '0x10',
      '.5',
      '[+1]',
    ];
    for (const text of fallback) expect(canonicalText(text), JSON.stringify(text)).toBeNull();
    for (const text of [
      ...fallback,
      '{"z":{"10":1,"9":2,"a":3},"y":[1,{"2":0,"1":0}]}',
      '{"__proto__":{"x":1},"a":[{"__proto__":null}]}',
      '{"toJSON":"not a function","constructor":{"prototype":1},"valueOf":2}',
      '{"a":"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\\u000b","b":"\u2028\u2029\u007f"}',
      '[1e+21,1e-7,5e-324,0.1,-1.5,123456789012345,1234567890123456,9007199254740993]',
      '{"":1,"\u20ac":2,"\ufb33":3,"B":4,"a":5,"aa":6}',
      '[' + '{"k":'.repeat(100) + '1' + '}'.repeat(100) + ']',
    ])
      agrees(text);
    // Written natively where canonical: escapes as JSON.stringify writes them, members reordered, numbers.
    expect(canonicalText('{"b":"\\"q\\"\\n\\u001f","a":[1e+21,0.5,{"d":null,"c":true}]}')).toBe(
      '{"a":[1e+21,0.5,{"c":true,"d":null}],"b":"\\"q\\"\\n\\u001f"}',
    );
    expect(canonicalText('{"10":1,"9":2,"a":{"__proto__":3}}')).toBe('{"10":1,"9":2,"a":{"__proto__":3}}');
  });

  it('orders objects of many members (sorted otherwise than small ones), and finds a duplicate among them', () => {
    const members = Array.from({ length: 20_000 }, (_, i) => `"k${(i * 7919) % 20_000}":${i}`);
    const big = `{"z":[{${members.join(',')}}],"a":{${members.slice(0, 65).reverse().join(',')}}}`;
    expect(agrees(big)).not.toBeNull();
    expect(canonicalText(`{${members.join(',')},${members[12_345]!}}`)).toBeNull();
    expect(canonicalText(`{${members.slice(0, 70).join(',')},${members[3]!}}`)).toBeNull();
  });

  it('keeps the scanner state per call: a text after a failed one is read from its own start', () => {
    expect(canonicalText('{"b":[{"y":1,"x":')).toBeNull();
    expect(canonicalText('{"d":{"b":1,"a":2},"c":0}')).toBe('{"c":0,"d":{"a":2,"b":1}}');
    expect(canonicalScan('{"z":1,"unverified":[{"b":1,"a":2}]}', { member: 'unverified' })).toEqual({
      text: '{"unverified":[{"a":2,"b":1}],"z":1}',
      member: '[{"b":1,"a":2}]',
    });
    expect(canonicalScan('{"x":{"unverified":1}}', { member: 'unverified' })?.member).toBeUndefined();
  });
});

// The export's lines: the fast path (evaluationLine, caseLine, flatLine) against the parse, expandSources
// and canonicalLine it replaces (export/format.ts's formatJob falls back to those on null).
const check = (result: string, over: Partial<CheckRow> = {}): CheckRow => ({
  case_id: 'c-1',
  check_name: 'travel_rule',
  outcome: 'applies',
  summary: 'a "summary" \u2028',
  result,
  inputs_digest: 'sha256:in',
  engine_version: 'rules/1',
  computed_at: '2026-11-30T00:00:00Z',
  ...over,
});

const sources = new RuleSources([
  ['sha256:known', '[{"quote":"Article 14 (1)","b":[2, 1],"a":"\\u00e9"}]'],
  ['sha256:other', '[]'],
]);

function oldEvaluation(k: CheckRow, s: RuleSources): { line: string; unverified: string } {
  const parsed = JSON.parse(k.result) as unknown;
  const unverified = k.check_name === 'travel_rule' ? unverifiedRulesOf(parsed) : '';
  return { line: canonicalLine(evaluationRecord(k, expandSources(k.check_name, k.result, parsed, s))), unverified };
}

/** Agrees with the old path: the same line and cell, or null; where the old path throws, null or the same error. */
function evaluationAgrees(k: CheckRow): boolean {
  let expected: { line: string; unverified: string };
  try {
    expected = oldEvaluation(k, sources);
  } catch (e) {
    // Where the old path throws (none known since unverifiedRulesOf reads [null] as unreadable), the fast path
    // must too, with the same error.
    let fast: unknown = null;
    try {
      fast = evaluationLine(k, sources);
    } catch (f) {
      expect((f as Error).message).toBe((e as Error).message);
    }
    expect(fast).toBeNull();
    return false;
  }
  const fast = evaluationLine(k, sources);
  if (fast !== null) expect(fast).toEqual(expected);
  return fast !== null;
}

describe('evaluationLine (a stored check, its citations put back, without parsing)', () => {
  const REF = '"sources":"sha256:known"';
  it('writes the old path bytes and cases.csv cell for Travel Rule results of every shape', () => {
    const texts = [
      `{"sides":[{${REF},"role":"originator"},{"sources":"sha256:unknown"},{"sources":[{"q":"inline"}]},5,null,[1,{${REF}}]],"unverified":[{"jurisdiction":"FR","version":"FR-pre-TFR"}]}`,
      `{"sides":[{"sources" : "sha256:known"}]}`,
      `{"note":"${REF.replace(/"/g, '\\"')}","sides":[]}`,
      `{"sides":"x","m":"\\"sources\\":\\"sha256:"}`,
      `[{${REF}}]`,
      `{"sides":[{${REF},"n":1.50,"big":12345678901234567890}]}`,
      `{"sides":[{${REF},"sources":"sha256:unknown"}]}`,
      `{"unverified":[{"version":"V","jurisdiction":"GB"},{"jurisdiction":1},"x",null],"sides":[{"z":{${REF}},${REF}}]}`,
      `{"sides":[{"sources":"sha256:other","a":1},{"sources":"sha256:known","sources2":"sha256:known"}],"x":{"sides":[{${REF}}]}}`,
      `{"sides":[{"sources":"sha256:kn\\u006fwn"}]}`,
      `{"unverified":"not a list","sides":[{${REF}}]}`,
      `{"sides":[{${REF}}],"unverified":[{"jurisdiction":"DE","version":"x"}]}`,
      `{"__proto__":{"sides":[{${REF}}]},"sides":[{"__proto__":{${REF}},${REF}}]}`,
      `null`,
      `"sha256:known"`,
      `{"sides":[{${REF}}]`,
    ];
    let taken = 0;
    for (const text of texts)
      for (const name of ['travel_rule', 'ivms101', 'screening'])
        if (evaluationAgrees(check(text, { check_name: name }))) taken++;
    expect(taken).toBeGreaterThan(30);
  });

  it('writes the old path bytes for generated results with references, and odd column values', () => {
    const side = fc.record(
      {
        sources: fc.oneof(fc.constantFrom('sha256:known', 'sha256:other', 'sha256:unknown'), json),
        role: fc.string(),
        rule: json,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            sides: fc.oneof(fc.array(fc.oneof(side, json), { maxLength: 4 }), json),
            unverified: fc.oneof(
              fc.array(fc.record({ jurisdiction: fc.oneof(fc.string(), json), version: fc.oneof(fc.string(), json) })),
              json,
            ),
            outcome: fc.string(),
            why: fc.array(fc.string()),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom('travel_rule', 'ivms101'),
        (v, name) => {
          for (const text of spellings(v)) evaluationAgrees(check(text, { check_name: name }));
        },
      ),
      { numRuns: 1500 },
    );
    // Columns SQLite gives as something other than text (a store written by another tool).
    for (const over of [
      { summary: 5 },
      { summary: null },
      { outcome: 1.5 },
      { case_id: '\ud800' },
    ] as Partial<CheckRow>[])
      evaluationAgrees(check(`{"sides":[{${REF}}]}`, over));
  });
});

describe('caseLine and flatLine (a case record from its stored columns)', () => {
  const row = (o: Partial<CaseRow>): CaseRow => {
    const c = cases(1)[0]!;
    return {
      id: c.id,
      direction: 'outgoing',
      status: 'new',
      asset: 'BTC',
      network: 'bitcoin',
      amount: '0.5',
      fiat_amount: '100.00',
      fiat_currency: 'EUR',
      transfer_time: '2026-01-01T00:00:00Z',
      originator_wallet: 'w1',
      beneficiary_wallet: 'w2',
      wallet_type: 'vasp',
      counterparty_vasp_id: null,
      counterparty_name: null,
      counterparty_jurisdiction: null,
      counterparty: JSON.stringify(c.counterparty),
      originator_name: null,
      beneficiary_name: null,
      ivms101: JSON.stringify(c.ivms101),
      aml: JSON.stringify(c.aml),
      risk_score: 12,
      tx_hash: null,
      version: 1,
      created_at: 'x',
      updated_at: 'y',
      received_at: 'z',
      hold_reason: null,
      ...o,
    };
  };

  function caseAgrees(r: CaseRow): boolean {
    const fast = caseLine(r);
    let expected: string;
    try {
      expected = canonicalLine(caseRecord(r));
    } catch {
      expect(fast).toBeNull();
      return false;
    }
    if (fast !== null) expect(fast).toBe(expected);
    return fast !== null;
  }

  it('writes the old path bytes for stored columns of every kind: null, empty, hostile, pretty, odd values', () => {
    const variants: Partial<CaseRow>[] = [
      {},
      { counterparty: null, aml: null },
      { counterparty: '', aml: '' },
      { counterparty: 'null', aml: '{"b":1,"a":2}' },
      { ivms101: '' },
      { ivms101: '{"a":1,"a":2}' },
      { ivms101: '{ "a": 1 }' },
      { aml: '[1.0]' },
      { hold_reason: 'court order "x"', fiat_amount: null },
      { risk_score: null, version: 2 ** 53 + 1 },
      { risk_score: Number.NaN },
      { tx_hash: '\ud800' },
      { fiat_currency: '\u2028' },
    ];
    let taken = 0;
    for (const v of variants) if (caseAgrees(row(v))) taken++;
    expect(taken).toBeGreaterThan(8);
    fc.assert(
      fc.property(json, json, json, (a, b, c) => {
        for (const [i, text] of spellings(a).entries())
          caseAgrees(row({ ivms101: text, counterparty: spellings(b)[i % 5]!, aml: spellings(c)[(i + 1) % 5]! }));
      }),
      { numRuns: 1000 },
    );
  });

  it('flatLine writes canonicalLine bytes for any record, CanonicalTexts included, or refuses by the same error', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          awkwardKey,
          fc.oneof(
            json,
            fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true, withBoxedValues: true }),
            fc.constant(undefined),
            fc.constant(Number.NaN),
            json.map((v) => new CanonicalText(canonicalJson(v))),
            fc.dictionary(awkwardKey, fc.oneof(json, fc.constant(undefined))),
          ),
        ),
        (record) => {
          let expected: string;
          try {
            expected = canonicalLine(record);
          } catch (e) {
            expect(() => flatLine(record)).toThrow((e as Error).message);
            return;
          }
          expect(flatLine(record)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
