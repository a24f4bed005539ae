import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readZip } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import { deflateChunk } from './format';
import { ZipBundleWriter } from './zip-writer';

// The bundle's ZIP: entries made of chunks deflated apart (by worker threads) and joined, one of them
// spooled aside and placed later, read back by yauzl (what `export verify` uses) and by Info-ZIP's
// unzip; and in ZIP64 form, which a million-case export needs past 4 GiB (forced here on small files).

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

async function bundle(path: string, zip64 = false) {
  const zip = new ZipBundleWriter(path, new Date('2026-11-30T03:00:00Z'), zip64 ? { zip64Above: 0 } : {});
  const text = 'Петров, "Иван"\r\n'.repeat(50_000);
  const csv = zip.entry('a.csv');
  await csv.text(text.slice(0, 1000));
  await csv.text(text.slice(1000));
  await csv.end();
  const aside = zip.spool('b.jsonl', `${path}.b.jsonl`);
  // Three batches deflated apart, as the pool returns them.
  const lines = Array.from({ length: 3 }, (_, i) => Buffer.from(`{"n":${i},"pad":"${'x'.repeat(70_000)}"}\n`));
  for (const l of lines) aside.writer.take({ raw: l, deflated: deflateChunk(l) });
  await aside.writer.end();
  await zip.addBuffer('empty.txt', Buffer.alloc(0));
  aside.place();
  await zip.finish();
  return {
    text: Buffer.from(text, 'utf8'),
    jsonl: Buffer.concat(lines),
    spool: `${path}.b.jsonl`,
    written: zip.written,
  };
}

describe('the bundle ZIP writer', () => {
  for (const zip64 of [false, true]) {
    it(`writes entries joined from chunks deflated apart, readable by yauzl and unzip${zip64 ? ' (ZIP64 records)' : ''}`, async () => {
      const t = tempDir();
      try {
        const path = join(t.dir, 'b.zip');
        const b = await bundle(path, zip64);
        expect(existsSync(b.spool)).toBe(false); // placed, then removed
        const entries = await readZip(path);
        expect(entries.map((e) => e.name)).toEqual(['a.csv', 'empty.txt', 'b.jsonl']);
        expect(entries[0]!.data.equals(b.text)).toBe(true);
        expect(entries[1]!.data.length).toBe(0);
        expect(entries[2]!.data.equals(b.jsonl)).toBe(true);
        // The manifest's list: written order, each file's SHA-256 and size as unpacked.
        expect(b.written).toEqual([
          { path: 'a.csv', sha256: sha(b.text), bytes: b.text.length },
          { path: 'empty.txt', sha256: sha(Buffer.alloc(0)), bytes: 0 },
          { path: 'b.jsonl', sha256: sha(b.jsonl), bytes: b.jsonl.length },
        ]);
        // Info-ZIP checks every entry's CRC-32 and sizes against its data descriptor and central record.
        const test = spawnSync('unzip', ['-t', path], { encoding: 'utf8' });
        expect(test.stdout).toContain('No errors detected');
        expect(test.status).toBe(0);
        const info = spawnSync('zipinfo', ['-v', path], { encoding: 'utf8' }).stdout;
        expect(info.includes('PKWARE 64-bit sizes')).toBe(zip64);
      } finally {
        t.cleanup();
      }
    });
  }

  it('keeps text buffered by text() before bytes written by writeNow() (purged.csv: header, then rows)', async () => {
    const t = tempDir();
    try {
      const path = join(t.dir, 'p.zip');
      const zip = new ZipBundleWriter(path, new Date());
      const f = zip.entry('purged.csv');
      await f.text('case_id,status\r\n');
      f.writeNow(Buffer.from('case-1,closed\r\n'));
      await f.end();
      await zip.finish();
      expect((await readZip(path))[0]!.data.toString('utf8')).toBe('case_id,status\r\ncase-1,closed\r\n');
    } finally {
      t.cleanup();
    }
  });

  it('refuses a second entry while one is open, and an entry it was not given the end of', async () => {
    const t = tempDir();
    try {
      const zip = new ZipBundleWriter(join(t.dir, 'c.zip'), new Date());
      zip.entry('one');
      expect(() => zip.entry('two')).toThrow(/one is still being written/);
      await expect(zip.finish()).rejects.toThrow(/one was not ended/);
      zip.abort(new Error('test over'));
    } finally {
      t.cleanup();
    }
  });
});
