import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, readZip, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { CaseRecord } from '../../src-shared/case';
import type { Workstation } from '../app/workstation';
import { caseRows } from './format';
import { FormatPool } from './pool';
import { BundleSource, PAGE_TEXT_BYTES } from './sections';
import { verifyExport } from './verify';

// A case may carry up to 1 MiB of IVMS101 (the intake's line limit). An export's page of 250 such cases
// was a 237 MB batch on the reading thread and again on a worker (peak RSS 927 MiB exporting 300 cases of
// 0.9 MiB, 30 Nov 2026). A page now ends at PAGE_TEXT_BYTES of case text: the export's memory follows
// that budget, not the size of what counterparties send.

/** A generated case whose originator's name is repeated until its line is about `bytes` long. */
function large(c: CaseRecord, bytes: number): CaseRecord {
  const ivms = structuredClone(c.ivms101) as {
    originator: { originatorPersons: { naturalPerson?: { name: { nameIdentifier: unknown[] } } }[] };
  };
  const ids = ivms.originator.originatorPersons[0]?.naturalPerson?.name.nameIdentifier;
  if (!ids) throw new Error(`case ${c.id} has no natural originator`);
  const one = JSON.stringify(ids[0]).length + 1;
  for (let i = Math.ceil(bytes / one); i > 0; i--) ids.push(ids[0]);
  return { ...c, ivms101: ivms as unknown as CaseRecord['ivms101'] };
}

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let ids: string[];

beforeAll(async () => {
  t = tempDir();
  const picked = cases(80)
    .filter((c) => JSON.stringify(c.ivms101).includes('"naturalPerson"'))
    .slice(0, 20);
  ids = picked.map((c) => c.id).sort();
  ws = await workstationWith(
    t.dir,
    picked.map((c) => large(c, 900_000)),
  );
}, 180_000);
afterAll(() => {
  ws?.close();
  t?.cleanup();
});

describe('an export of large cases', () => {
  it('reads pages of at most PAGE_TEXT_BYTES of case text (one case past it), every case once, in id order', async () => {
    const db = ws.openSnapshot();
    const pool = new FormatPool(0);
    const pages: { ids: string[]; bytes: number; last: number }[] = [];
    try {
      db.prepare('BEGIN').run();
      const src = new BundleSource(
        db,
        { from: '2000-01-01', to: '2100-01-01', jurisdiction: null, direction: null, status: null },
        undefined,
        () => undefined,
        pool,
      );
      await src.eachPage('cases.csv', (rows) => {
        const sizes = rows.map((r) => r.ivms101.length);
        pages.push({ ids: rows.map((r) => r.id), bytes: sizes.reduce((a, b) => a + b, 0), last: sizes.at(-1)! });
        return Promise.resolve();
      });
      db.prepare('COMMIT').run();
    } finally {
      db.close();
      await pool.close();
    }
    expect(pages.flatMap((p) => p.ids)).toEqual(ids);
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect(p.bytes - p.last).toBeLessThan(PAGE_TEXT_BYTES);
  });

  it('reads the same pages as SQLite values for the workers (eachRawPage) as rows (eachPage), and marks the same cases', async () => {
    const db = ws.openSnapshot();
    const pool = new FormatPool(0);
    const selection = { from: '2000-01-01', to: '2100-01-01', jurisdiction: null, direction: null, status: null };
    try {
      db.prepare('BEGIN').run();
      const byRows = new BundleSource(db, selection, undefined, () => undefined, pool);
      const byValues = new BundleSource(db, selection, undefined, () => undefined, pool);
      const rows: unknown[][] = [];
      const values: unknown[][] = [];
      await byRows.eachPage('cases.csv', (page) => Promise.resolve(void rows.push(page)));
      await byValues.eachRawPage('cases.csv', (page) => {
        const made = caseRows(page);
        expect(page.ids).toEqual(made.map((r) => r.id));
        values.push(made);
        return Promise.resolve();
      });
      db.prepare('COMMIT').run();
      expect(values.length).toBeGreaterThan(1);
      expect(values).toEqual(rows);
      for (const r of rows.flat() as { rid: number }[]) expect(byValues.selected.has(r.rid)).toBe(true);
      expect(byValues.selected.complete).toBe(true);
    } finally {
      db.close();
      await pool.close();
    }
  });

  it('is whole and verifies: every case in cases.csv and cases.jsonl, in id order', async () => {
    const out = join(t.dir, 'large.zip');
    await ws.createExport(
      { from: '2000-01-01', to: '2100-01-01', jurisdiction: null, direction: null, status: null },
      out,
    );
    const report = await verifyExport(out);
    expect(report.problems).toEqual([]);
    const entries = await readZip(out);
    const jsonl = entries
      .find((e) => e.name === 'cases.jsonl')!
      .data.toString('utf8')
      .trim()
      .split('\n');
    expect(jsonl.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(ids);
    const csv = entries
      .find((e) => e.name === 'cases.csv')!
      .data.toString('utf8')
      .trim()
      .split('\n')
      .slice(1);
    expect(csv.map((l) => l.split(',')[0])).toEqual(ids);
  });
});
