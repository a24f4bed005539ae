import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonLines, type JsonLine } from './json-lines';
import { decodeUtf8, firstInvalidUtf8, MAX_JSON_DEPTH, nestingTooDeep, parseJsonBounded } from './limits';

async function lines(bytes: Buffer, chunk = 7, max?: number): Promise<JsonLine[]> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  const got: JsonLine[] = [];
  for await (const l of readJsonLines(Readable.from(parts), max)) got.push(l);
  return got;
}

describe('nesting depth, measured before parsing', () => {
  it('allows the limit and refuses one level more, naming where', () => {
    expect(nestingTooDeep('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(-1);
    expect(nestingTooDeep('{"a":' + '['.repeat(MAX_JSON_DEPTH))).toBe(5 + MAX_JSON_DEPTH - 1);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(nestingTooDeep(JSON.stringify({ a: '['.repeat(1000) + '\\"' + '{'.repeat(1000) }))).toBe(-1);
  });

  it('finds the same place as a character-by-character scan, on 20,000 random texts of quotes, escapes and brackets', () => {
    // The scan as it was before it jumped from quote to quote: the reference.
    const reference = (text: string, max: number): number => {
      let depth = 0;
      let inString = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (inString) {
          if (c === '\\') i++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{' || c === '[') {
          if (++depth > max) return i;
        } else if (c === '}' || c === ']') depth--;
      }
      return -1;
    };
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const alphabet = ['{', '[', '}', ']', '"', '\\', 'a', ',', ':'];
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      for (let k = next() % 40; k > 0; k--) text += alphabet[next() % alphabet.length];
      const max = next() % 5;
      expect(nestingTooDeep(text, max), JSON.stringify(text)).toBe(reference(text, max));
    }
  });

  it('refuses 100,000 levels without a RangeError', () => {
    const r = parseJsonBounded('['.repeat(100_000) + ']'.repeat(100_000));
    expect(r).toEqual({
      ok: false,
      reason: `nests deeper than ${MAX_JSON_DEPTH} levels (at character ${MAX_JSON_DEPTH + 1})`,
    });
  });
});

describe('strict UTF-8', () => {
  it.each([
    ['a stray continuation byte', [0x61, 0x80], 1],
    ['an overlong slash', [0x61, 0x62, 0xc0, 0xaf], 2],
    ['a surrogate', [0xed, 0xa0, 0x80], 0],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated sequence', [0x74, 0x72, 0xe2, 0x82], 2],
  ])('finds %s at its byte', (_, bytes, at) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(at);
    const d = decodeUtf8(Uint8Array.from(bytes));
    expect(d).toMatchObject({ ok: false, offset: at });
  });

  it('accepts every script and emoji', () => {
    const text = 'Müller Ωμέγα 山田 🙂';
    expect(firstInvalidUtf8(Buffer.from(text))).toBe(-1);
    expect(decodeUtf8(Buffer.from(text))).toEqual({ ok: true, text });
  });
});

describe('JSON Lines read as bytes', () => {
  it('numbers lines, skips blank ones, drops CR, and accepts a BOM at the start of the file', async () => {
    const got = await lines(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\r\n\n  \n{"b":"Ωμέγα"}')]),
    );
    expect(got).toEqual([
      { ok: true, line: 1, text: '{"a":1}' },
      { ok: true, line: 4, text: '{"b":"Ωμέγα"}' },
    ]);
  });

  it('refuses a line with invalid UTF-8 by its byte offset and keeps reading', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"network":"'),
      Buffer.from([0xff, 0xfe, 0xfd, 0xfc]),
      Buffer.from('tron"}'),
    ]);
    const got = await lines(Buffer.concat([Buffer.from('{"a":1}\n'), bad, Buffer.from('\n{"c":3}\n')]));
    expect(got[0]).toMatchObject({ ok: true, line: 1 });
    expect(got[1]).toMatchObject({
      ok: false,
      line: 2,
      reason: 'not valid UTF-8 (byte 13 of the line, 0xff); byte 21 of the file',
    });
    expect(got[2]).toMatchObject({ ok: true, line: 3, text: '{"c":3}' });
  });

  it('refuses a line past the limit while it streams, keeping only its head for the quarantine', async () => {
    const long = '{"x":"' + 'a'.repeat(5000) + '"}';
    const got = await lines(Buffer.from(`{"a":1}\n${long}\n{"b":2}`), 100, 1000);
    expect(got.map((l) => [l.line, l.ok])).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
    expect(got[1]).toMatchObject({
      reason: `line is ${long.length} bytes, longer than the limit of 1000 bytes; not read`,
    });
    expect((got[1] as { raw: string }).raw.length).toBeLessThan(long.length);
  });

  it('holds a line exactly at the limit', async () => {
    const atLimit = '"' + 'a'.repeat(998) + '"';
    expect(await lines(Buffer.from(atLimit + '\n'), 64, 1000)).toEqual([{ ok: true, line: 1, text: atLimit }]);
  });
});
