import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli';
import { validModel } from '../../test/support/ivms101-payloads';
import { writeEdition } from '../ivms101/model';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { generateCases } from '../cases/generate';
import { MAX_JSON_DEPTH, MAX_LINE_BYTES } from '../input/limits';

// Issue 17, points 1–3: hostile lines are refused by name, the good lines around them are kept,
// and the exit code says what happened.

let t: ReturnType<typeof tempDir>;
let dataDir: string;
const env = { WAYBILL_PASSPHRASE: TEST_PASSPHRASE };
const cases = [...generateCases(12, { seed: 17 })];
const line = (i: number, patch: (c: Record<string, unknown>) => void = () => {}) => {
  const c = structuredClone(cases[i]) as unknown as Record<string, unknown>;
  patch(c);
  return JSON.stringify(c);
};
const setPrimary = (value: string) => (c: Record<string, unknown>) => {
  const ivms = c.ivms101 as {
    originator: {
      originatorPersons: { naturalPerson: { name: { nameIdentifier: { primaryIdentifier: string }[] } } }[];
    };
  };
  ivms.originator.originatorPersons[0]!.naturalPerson.name.nameIdentifier[0]!.primaryIdentifier = value;
};
const listedIds = async () => {
  const r = await runCli(['cases', 'list', '--data-dir', dataDir, '--json'], env);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { rows: { id: string }[] }).rows.map((x) => x.id);
};

beforeAll(async () => {
  t = tempDir();
  dataDir = join(t.dir, 'data');
  expect((await runCli(['vault', 'init', '--data-dir', dataDir], env)).code).toBe(0);
});
afterAll(() => t.cleanup());

describe('cases import of hostile lines', () => {
  it('refuses lines nesting 100,000 levels by name and imports the good lines around them (17.1)', async () => {
    const file = join(t.dir, 'deep.jsonl');
    const deepArray = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepInCase = line(1).replace(
      '"ivms101":{',
      `"ivms101":{"x":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)},`,
    );
    writeFileSync(file, [line(0), deepArray, deepInCase, line(3)].join('\n') + '\n');
    const r = await runCli(['cases', 'import', '--data-dir', dataDir, file], env);
    expect(r.stderr).not.toMatch(/RangeError|unexpected|\n\s+at /);
    expect(r.stderr).toContain(
      `${file}:2: nests deeper than ${MAX_JSON_DEPTH} levels (at character ${MAX_JSON_DEPTH + 1})`,
    );
    expect(r.stderr).toMatch(new RegExp(`${file}:3: nests deeper than ${MAX_JSON_DEPTH} levels`));
    expect(r.stdout).toContain('Read 4 lines: 2 new, 0 updated, 0 unchanged, 2 rejected (quarantined).');
    expect(r.code).toBe(1);
    const ids = await listedIds();
    expect(ids).toEqual(expect.arrayContaining([cases[0]!.id, cases[3]!.id]));
    expect(ids).not.toContain(cases[1]!.id);
  });

  it('refuses a line past 1 MiB before parsing, and a long IVMS101 field by its path (17.2)', async () => {
    const file = join(t.dir, 'big.jsonl');
    writeFileSync(
      file,
      [
        line(4, setPrimary('A'.repeat(10 * 1024 * 1024))),
        line(5, setPrimary('B'.repeat(100_000))),
        line(6, setPrimary('C'.repeat(512))),
      ].join('\n'),
    );
    const r = await runCli(['cases', 'import', '--data-dir', dataDir, file], env);
    expect(r.stderr).toMatch(
      new RegExp(`${file}:1: line is \\d+ bytes, longer than the limit of ${MAX_LINE_BYTES} bytes; not read`),
    );
    expect(r.stderr).toContain(
      `${file}:2: ivms101.originator.originatorPersons.0.naturalPerson.name.nameIdentifier.0.primaryIdentifier: is 100000 characters, longer than 512`,
    );
    expect(r.stdout).toContain('1 new');
    expect(r.code).toBe(1);
    const ids = await listedIds();
    expect(ids).toContain(cases[6]!.id);
    expect(ids).not.toContain(cases[4]!.id);
    expect(ids).not.toContain(cases[5]!.id);
  });

  it('refuses a line that is not UTF-8, naming the byte, and accepts a BOM at the start (17.3)', async () => {
    const file = join(t.dir, 'utf8.jsonl');
    const bad = Buffer.from(line(8, (c) => (c.network = 'XXXXtron')));
    const at = bad.indexOf('XXXXtron');
    bad.set([0xff, 0xfe, 0xfd, 0xfc], at);
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(line(7) + '\n'),
        bad,
        Buffer.from('\n' + line(9) + '\n'),
      ]),
    );
    const r = await runCli(['cases', 'import', '--data-dir', dataDir, file], env);
    const inFile = 3 + Buffer.byteLength(line(7)) + 1 + at + 1;
    expect(r.stderr).toContain(
      `${file}:2: not valid UTF-8 (byte ${at + 1} of the line, 0xff); byte ${inFile} of the file`,
    );
    expect(r.stdout).toContain('2 new');
    const ids = await listedIds();
    expect(ids).toEqual(expect.arrayContaining([cases[7]!.id, cases[9]!.id]));
    expect(ids).not.toContain(cases[8]!.id);
  });
});

describe('ivms101 validate of hostile documents', () => {
  const validate = async (name: string, content: string | Buffer) => {
    const file = join(t.dir, name);
    writeFileSync(file, content);
    const r = await runCli(['ivms101', 'validate', file, '--json']);
    expect(r.stderr).not.toMatch(/RangeError|unexpected|\n\s+at /);
    return {
      ...r,
      json: r.stdout ? (JSON.parse(r.stdout) as { valid: boolean; unreadable?: boolean; reason?: string }) : null,
    };
  };

  it('exits 2 "unreadable" with JSON for 10,000 levels of nesting (17.1)', async () => {
    const r = await validate('deep.json', '{"originator":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}');
    expect(r.code).toBe(2);
    expect(r.json).toEqual({
      valid: false,
      unreadable: true,
      reason: `nests deeper than ${MAX_JSON_DEPTH} levels (at character ${14 + MAX_JSON_DEPTH})`,
    });
  });

  it('exits 2 for a document past 1 MiB, read no further (17.2)', async () => {
    const r = await validate(
      'big.json',
      JSON.stringify({ ...writeEdition(validModel(), '2023'), pad: 'x'.repeat(MAX_LINE_BYTES) }),
    );
    expect(r.code).toBe(2);
    expect(r.json?.reason).toMatch(new RegExp(`larger than the limit of ${MAX_LINE_BYTES} bytes`));
  });

  it('exits 2 for bytes that are not UTF-8, naming the byte, and reads a document with a BOM (17.3)', async () => {
    const text = JSON.stringify(writeEdition(validModel(), '2023'));
    const bad = Buffer.from(text);
    bad[20] = 0xc0;
    const r = await validate('latin.json', bad);
    expect(r.code).toBe(2);
    expect(r.json?.reason).toBe('not valid UTF-8 at byte 21 of the file');
    const bom = await validate('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expect(bom.code).toBe(0);
    expect(bom.json?.valid).toBe(true);
  });
});
