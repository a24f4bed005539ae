import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyExport } from '../../src-main/export/verify';
import { unlockedSession, type UnlockedSession } from '../support/browser';
import { readZip } from '../support/export';

// Exports from the UI: progress while it runs, and a cancel that leaves nothing behind.
let session: UnlockedSession;
let dataDir: string;
let page: Page;

beforeAll(async () => {
  session = await unlockedSession({ cases: 6000, seed: 5, viewport: { width: 1400, height: 900 } });
  ({ dataDir, page } = session);
}, 120_000);
afterAll(async () => {
  await session?.close();
});

describe('exports in the browser', () => {
  it('shows progress, and a cancelled export leaves no file', async () => {
    await page.keyboard.press('Alt+4');
    await page.getByLabel('Transfers from').fill('2026-01-01');
    await page.getByRole('button', { name: 'Create signed export' }).click();
    const job = page.getByTestId('export-job').first();
    await expect.poll(() => job.getAttribute('data-state')).toBe('running');
    // Left to size, the job says so until the export has chosen.
    expect(await job.getByTestId('export-pdf').textContent()).toBe('report.pdf: by size');
    await expect
      .poll(async () => Number(await job.locator('progress').getAttribute('value')), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await job.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => job.getAttribute('data-state'), { timeout: 20_000 }).toBe('cancelled');
    expect(await job.textContent()).toMatch(/cancelled; no file was left behind/);
    const dir = join(dataDir, 'exports');
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('then completes one with the report PDF the analyst chose, and lists where it is', async () => {
    await page.getByLabel('Report PDF').selectOption('summary');
    await page.getByRole('button', { name: 'Create signed export' }).click();
    const job = page.getByTestId('export-job').first();
    await expect.poll(() => job.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    const files = readdirSync(join(dataDir, 'exports')).sort();
    expect(files).toHaveLength(2);
    expect(files.some((f) => f.endsWith('.zip')) && files.some((f) => f.endsWith('.zip.pub.pem'))).toBe(true);
    const zip = files.find((f) => f.endsWith('.zip'))!;
    expect(await job.textContent()).toContain(zip);
    expect(await job.getByTestId('export-pdf').textContent()).toBe('report.pdf: summary');
    // The choice is in the signed manifest, and the bundle verifies.
    const bundle = join(dataDir, 'exports', zip);
    const manifest = JSON.parse((await readZip(bundle)).find((e) => e.name === 'manifest.json')!.data.toString()) as {
      report: { pdf: string };
    };
    expect(manifest.report.pdf).toBe('summary');
    expect((await verifyExport(bundle)).ok).toBe(true);
  });
});
