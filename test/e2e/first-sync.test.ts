import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serve, type Served } from '../support/browser';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// Issue 18 defect 7: while the first sync runs the workstation says so, instead of "No cases yet" and
// "Offline". The backend here is a real loopback socket that accepts and does not answer (a slow
// backend), then goes away (a dead one).
let t: ReturnType<typeof tempDir>;
let silent: Server;
const sockets = new Set<Socket>();
let browser: Browser;
let server: Served;
let page: Page;

beforeAll(async () => {
  t = tempDir();
  silent = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
  const port = (silent.address() as { port: number }).port;
  browser = await launchChromium();
  server = await serve(join(t.dir, 'data'), {
    WAYBILL_BACKEND_URL: `http://127.0.0.1:${port}`,
    WAYBILL_BACKEND_TOKEN: 'first-sync-token',
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  for (const s of sockets) s.destroy();
  silent?.close();
  t.cleanup();
});

describe('issue 18 defect 7: status that tells the truth', () => {
  it('says Connecting… and syncing the first page, not Offline and "No cases yet", while the first sync runs', async () => {
    await page.goto(server.launchUrl);
    await page.getByLabel(/^Your name/).fill('Ana');
    await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 }).toBe('Connecting…');
    await expect
      .poll(() => page.locator('td.empty').textContent())
      .toMatch(/Connecting to the backend… syncing the first page/);
    expect(await page.getByTestId('offline-banner').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toMatch(/No cases yet|Offline/);
  });

  it('shows Offline as a banner when the backend is gone, and Sync now says what it did', async () => {
    for (const s of sockets) s.destroy();
    silent.close();
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 60_000 }).toBe('Offline');
    await expect
      .poll(() => page.getByTestId('offline-banner').textContent())
      .toMatch(/^Offline: the backend cannot be reached/);
    await expect.poll(() => page.locator('td.empty').textContent()).toMatch(/the backend could not be reached/);
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(() => page.getByTestId('sync-feedback').textContent(), { timeout: 30_000 })
      .toMatch(/^Sync failed: /);
    await expect.poll(() => page.getByRole('button', { name: 'Sync now' }).isEnabled()).toBe(true);
  });
});
