import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp';
import { sampleReportCase as sample } from '../../test/support/report-case';
import { ReportPdf } from './report-pdf';
import { ZipBundleWriter } from './zip-writer';

describe('PDF report streaming', () => {
  it('hands its output to the bundle batch by batch, not all at the end', async () => {
    const t = tempDir();
    try {
      const zip = new ZipBundleWriter(join(t.dir, 'report.zip'), new Date('2026-01-01T00:00:00Z'));
      const entry = zip.entry('report.pdf');
      const pdf = await ReportPdf.open(entry, { title: 'streaming', createdAt: new Date('2026-01-01T00:00:00Z') });
      const seen: { sent: number; unsent: number; held: number }[] = [];
      for (let batch = 0; batch < 6; batch++) {
        for (let i = 0; i < 500; i++) pdf.caseSection(sample(batch * 500 + i));
        await pdf.drained();
        seen.push({ sent: entry.bytesWritten, unsent: pdf.unsent, held: pdf.heldPages });
      }
      // Only the page being written is held; the hundreds before it were let go once written.
      for (const s of seen) expect(s.held).toBe(1);
      await pdf.end();
      await zip.finish();
      const total = entry.bytesWritten;
      // After each batch, nothing is left waiting inside pdfkit except the page being written.
      for (const s of seen) expect(s.unsent).toBeLessThan(64 * 1024);
      // And the bytes arrive as the report grows: by the last batch nearly all of it has been sent.
      expect(seen[0]!.sent).toBeGreaterThan(0);
      expect(seen.map((s) => s.sent)).toEqual([...seen.map((s) => s.sent)].sort((a, b) => a - b));
      expect(seen.at(-1)!.sent / total).toBeGreaterThan(0.9);
    } finally {
      t.cleanup();
    }
  });

  it("writes the page tree from the written pages' numbers alone, as a reader reads it (pdfinfo, pdftotext)", async () => {
    const t = tempDir();
    try {
      const chunks: Uint8Array[] = [];
      const sink = { writeNow: (c: Uint8Array) => void chunks.push(c), drained: async () => {}, end: async () => {} };
      const pdf = await ReportPdf.open(sink, { title: 'tree', createdAt: new Date('2026-01-01T00:00:00Z') });
      for (let batch = 0; batch < 4; batch++) {
        for (let i = 0; i < 250; i++) pdf.caseSection(sample(batch * 250 + i));
        await pdf.drained();
      }
      expect(pdf.heldPages).toBe(1);
      await pdf.end();
      const file = join(t.dir, 'tree.pdf');
      writeFileSync(file, Buffer.concat(chunks));
      const info = execFileSync('pdfinfo', [file]).toString();
      const pages = Number(/^Pages:\s+(\d+)$/m.exec(info)?.[1]);
      expect(pages).toBeGreaterThan(100);
      // Every page is in the tree, in order: the first case on page 1, the last on the last page.
      const page = (n: number) => execFileSync('pdftotext', ['-f', String(n), '-l', String(n), file, '-']).toString();
      expect(page(1)).toContain(sample(0).id);
      expect(page(pages)).toContain(sample(999).id);
      expect(page(pages)).not.toContain(sample(0).id);
    } finally {
      t.cleanup();
    }
  });
});
