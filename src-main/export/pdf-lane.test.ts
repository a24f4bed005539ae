import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { createExport } from './create';
import { openReport, type PdfLaneFault } from './pdf-lane';
import { sampleReportCase as sample } from '../../test/support/report-case';
import { ReportPdf } from './report-pdf';
import { ZipBundleWriter, type WrittenFile } from './zip-writer';

// The report laid out on a worker thread of its own (pdf-lane.ts): the same bytes as on the export's
// thread, delivered batch by batch, and a worker that stops fails the export by name, leaving no file.

const meta = { title: 'lane', createdAt: new Date('2026-01-01T00:00:00Z') };

/** Writes the same report through `inline` or the lane, batch by batch; the bytes sent after each batch. */
async function report(
  dir: string,
  name: string,
  inline: boolean,
  fault?: PdfLaneFault,
): Promise<{ file: WrittenFile; sent: number[]; kind: string }> {
  const zip = new ZipBundleWriter(join(dir, `${name}.zip`), meta.createdAt);
  const entry = zip.entry('report.pdf');
  const pdf = await openReport(entry, meta, { inline, ...(fault ? { fault } : {}) });
  const sent: number[] = [];
  try {
    pdf.heading('Lane');
    pdf.table([['Created', meta.createdAt.toISOString()]]);
    pdf.line('A long line that wraps: '.repeat(20), { wrap: true });
    for (let batch = 0; batch < 6; batch++) {
      for (let i = 0; i < 300; i++) pdf.caseSection(sample(batch * 300 + i));
      await pdf.drained();
      sent.push(entry.bytesWritten);
    }
    await pdf.end();
  } finally {
    await pdf.close();
  }
  await zip.finish();
  return { file: zip.written.find((f) => f.path === 'report.pdf')!, sent, kind: pdf.constructor.name };
}

describe('the report on its own worker thread', () => {
  it('is byte for byte the report laid out on the export thread, and reaches the bundle batch by batch', async () => {
    const t = tempDir();
    try {
      const here = await report(t.dir, 'here', true);
      const lane = await report(t.dir, 'lane', false);
      expect(here.kind).toBe(ReportPdf.name);
      expect(lane.kind).not.toBe(ReportPdf.name); // it did run on the worker
      expect(lane.file.bytes).toBeGreaterThan(1_000_000);
      expect(lane.file).toEqual({ ...here.file });
      // At most two batches in flight: by the third drained() the first batch's pages are in the bundle,
      // and they keep arriving as the report grows, not all at the end.
      expect(lane.sent[2]).toBeGreaterThan(0);
      expect(lane.sent).toEqual([...lane.sent].sort((a, b) => a - b));
      expect(lane.sent.at(-1)! / lane.file.bytes).toBeGreaterThan(0.6);
    } finally {
      t.cleanup();
    }
  }, 60_000);

  it('fails by name when its worker stops, and lets the worker go', async () => {
    const t = tempDir();
    try {
      await expect(report(t.dir, 'stopped', false, { stopAfter: 2 })).rejects.toThrow(
        /The report PDF's worker stopped \(exited with code 1\); no file was left behind\./,
      );
    } finally {
      t.cleanup();
    }
  }, 60_000);
});

describe('an export whose report worker stops', () => {
  let t: ReturnType<typeof tempDir>;
  let ws: Workstation;
  beforeAll(async () => {
    t = tempDir();
    ws = await workstationWith(t.dir, cases(40));
  }, 60_000);
  afterAll(() => {
    ws?.close();
    t?.cleanup();
  });

  it('fails naming it and leaves no file behind', async () => {
    const out = join(t.dir, 'out');
    mkdirSync(out);
    const snapshot = ws.openSnapshot();
    try {
      await expect(
        createExport(snapshot, {
          selection: { from: '2000-01-01', to: '2099-12-31', jurisdiction: null, direction: null, status: null },
          out: join(out, 'bundle.zip'),
          key: ws.signingKey(),
          software: { name: 'Waybill', version: 'test' },
          homeJurisdiction: 'DE',
          pdfFault: { stopAfter: 1 },
        }),
      ).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/report PDF's worker stopped/) });
    } finally {
      snapshot.close();
    }
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);
});
