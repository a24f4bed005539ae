import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli';
import { cases, readZip, workstationWith, writeZip } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { MAX_LINE_BYTES } from '../input/limits';
import type { Manifest } from './create';
import { verifyExport } from './verify';

// Issue 17.5: `export verify` is bounded. A bundle whose entry unpacks far past what the manifest
// declares is refused without unpacking it, a line with no end is read in linear time and refused at
// the line limit, and what is not a ZIP (or is cut short) is an input error, exit 2, in one line.

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let bundle: string;
let entries: { name: string; data: Buffer }[];
let manifest: Manifest;
const ZEROS = 64 * 1024 * 1024;

beforeAll(async () => {
  t = tempDir();
  ws = await workstationWith(t.dir, cases(20));
  bundle = join(t.dir, 'export.zip');
  await ws.createExport(
    { from: '2000-01-01', to: '2100-01-01', jurisdiction: null, direction: null, status: null },
    bundle,
  );
  entries = await readZip(bundle);
  manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8')) as Manifest;
}, 120_000);
afterAll(() => {
  ws.close();
  t.cleanup();
});

const replaced = (name: string, data: Buffer) => entries.map((e) => (e.name === name ? { name, data } : e));
const declared = (name: string) => manifest.files.find((f) => f.path === name)!.bytes;

/** Sets an entry's uncompressed size in the central directory: a header that lies about the bomb inside. */
function lieAboutSize(zip: Buffer, name: string, size: number): Buffer {
  for (let at = zip.indexOf('PK\x01\x02'); at !== -1; at = zip.indexOf('PK\x01\x02', at + 4)) {
    const nameLength = zip.readUInt16LE(at + 28);
    if (zip.subarray(at + 46, at + 46 + nameLength).toString() === name) {
      zip.writeUInt32LE(size, at + 24);
      return zip;
    }
  }
  throw new Error(`${name} not in the central directory`);
}

describe('export verify within bounds', () => {
  it('accepts the untouched bundle', async () => {
    expect((await verifyExport(bundle)).problems).toEqual([]);
  });

  it('refuses an entry whose header says it unpacks past what the manifest declares, before unpacking it', async () => {
    const file = join(t.dir, 'bomb.zip');
    await writeZip(file, replaced('audit.jsonl', Buffer.alloc(ZEROS)));
    const r = await verifyExport(file);
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual({
      file: 'audit.jsonl',
      problem: `unpacks to ${ZEROS} bytes, more than the ${declared('audit.jsonl')} bytes the manifest declares; not unpacked`,
    });
  });

  it('stops inflating an entry whose header lies, at the size the manifest declares', async () => {
    const file = join(t.dir, 'lying-bomb.zip');
    await writeZip(file, replaced('audit.jsonl', Buffer.alloc(ZEROS)));
    writeFileSync(file, lieAboutSize(readFileSync(file), 'audit.jsonl', declared('audit.jsonl')));
    const r = await verifyExport(file);
    expect(r.ok).toBe(false);
    const audit = r.problems.filter((p) => p.file === 'audit.jsonl');
    expect(audit).toHaveLength(1);
    // yauzl holds the stream to the header's size; either guard names the entry and stops there.
    expect(audit[0]!.problem).toMatch(
      new RegExp(
        `more than the ${declared('audit.jsonl')} bytes the manifest declares; stopped there|too many bytes in the stream`,
      ),
    );
  });

  it('reads a line with no end in linear time and refuses it at the line limit (a forged manifest declaring the size)', async () => {
    const forged = {
      ...manifest,
      files: manifest.files.map((f) => (f.path === 'audit.jsonl' ? { ...f, bytes: ZEROS } : f)),
    };
    const file = join(t.dir, 'forged.zip');
    await writeZip(
      file,
      replaced('audit.jsonl', Buffer.alloc(ZEROS, 0x61)).map((e) =>
        e.name === 'manifest.json' ? { name: e.name, data: Buffer.from(JSON.stringify(forged, null, 2)) } : e,
      ),
    );
    const r = await verifyExport(file);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.file)).toContain('manifest.json'); // the signature no longer verifies
    expect(r.problems).toContainEqual({
      file: 'audit.jsonl',
      problem: `the hash chain is broken at line 1 (line is ${ZEROS} bytes, longer than the limit of ${MAX_LINE_BYTES} bytes; not read)`,
    });
  });

  it('names a forged manifest whose entries are not files, instead of failing on them', async () => {
    const file = join(t.dir, 'odd-manifest.zip');
    const odd = { ...manifest, files: [null, ...manifest.files] };
    await writeZip(
      file,
      entries.map((e) => (e.name === 'manifest.json' ? { name: e.name, data: Buffer.from(JSON.stringify(odd)) } : e)),
    );
    const r = await verifyExport(file);
    expect(r.problems).toContainEqual({
      file: 'manifest.json',
      problem: 'cannot be read: files[0] is not a path with its sha256 and bytes',
    });
  });

  it("names a record the ZIP's directory points to past the file's end, in words, not the reader's", async () => {
    const whole = readFileSync(bundle);
    // The central directory itself past the end (the end record's offset of it): the bundle is unreadable.
    const eocd = whole.lastIndexOf('PK\x05\x06');
    const lostDirectory = Buffer.from(whole);
    lostDirectory.writeUInt32LE(whole.length - 20, eocd + 16);
    const dir = join(t.dir, 'lost-directory.zip');
    writeFileSync(dir, lostDirectory);
    const r = await runCli(['export', 'verify', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `waybill: ${dir}: not a readable ZIP bundle (the file ends before a record its ZIP directory points to: cut short or damaged).\n`,
    );
    // One entry's local header past the end: that file is named, the rest verified.
    const lostEntry = Buffer.from(whole);
    for (let at = lostEntry.indexOf('PK\x01\x02'); at !== -1; at = lostEntry.indexOf('PK\x01\x02', at + 4)) {
      const nameLength = lostEntry.readUInt16LE(at + 28);
      if (lostEntry.subarray(at + 46, at + 46 + nameLength).toString() === 'decisions.csv')
        lostEntry.writeUInt32LE(whole.length - 10, at + 42);
    }
    const entry = join(t.dir, 'lost-entry.zip');
    writeFileSync(entry, lostEntry);
    const v = await verifyExport(entry);
    expect(v.ok).toBe(false);
    expect(v.problems).toContainEqual({
      file: 'decisions.csv',
      problem:
        'cannot be read from the ZIP: the file ends before a record its ZIP directory points to: cut short or damaged',
    });
    expect(JSON.stringify(v)).not.toMatch(/unexpected [A-Z]/);
  });

  it('calls a file that is not a ZIP, or a bundle cut short, an input error: exit 2 in one line, JSON with --json', async () => {
    const notZip = join(t.dir, 'not.zip');
    writeFileSync(notZip, 'PK but not really a zip file at all\n');
    const cut = join(t.dir, 'cut.zip');
    const whole = readFileSync(bundle);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    for (const file of [notZip, cut]) {
      const r = await runCli(['export', 'verify', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^waybill: ${file}: not a readable ZIP bundle \\(.+\\)\\.\\n$`));
      expect(r.stderr).not.toMatch(/\n\s+at |AppError/);
    }
    const j = await runCli(['export', 'verify', cut, '--json']);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({
      ok: false,
      unreadable: true,
      reason: expect.stringContaining('not a readable ZIP bundle') as unknown,
    });
  });
});
