import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFactory } from '../../reference-backend/simulate';
import { startBackend, type Backend } from '../../reference-backend/server';
import { invokeInPage, launchChromium, serve, SCREENSHOTS, type Served } from '../support/browser';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// The workstation connected to the reference backend, as the analyst sees it in the browser.
let t: ReturnType<typeof tempDir>;
let backend: Backend;
let browser: Browser;
let server: Served;
let page: Page;
const dbFile = () => join(t.dir, 'backend.db');

beforeAll(async () => {
  t = tempDir();
  const makeCase = caseFactory(3);
  backend = await startBackend({ makeCase, rates: [], dbFile: dbFile() });
  backend.db.transaction(() => {
    for (let i = 0; i < 25; i++) backend.addCase(makeCase());
  })();
  browser = await launchChromium();
  server = await serve(join(t.dir, 'data'), { WAYBILL_BACKEND_URL: backend.url, WAYBILL_BACKEND_TOKEN: backend.token });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await backend?.close().catch(() => {});
  t.cleanup();
});

/** Calls the workstation's API from inside the page, with the page's own bridge token. */
const api = invokeInPage;

describe('sync in the workstation', () => {
  it("shows the backend's cases and that it is online", async () => {
    await page.goto(server.launchUrl);
    await page.getByLabel(/^Your name/).fill('Ana'); // the vault's creator, its first supervisor
    await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 }).toBe('Online');
    await expect.poll(() => page.getByTestId('queue-count').textContent(), { timeout: 20_000 }).toMatch(/^25 cases/);
  });

  it('a new case at the backend appears without a reload', async () => {
    backend.addCase(caseFactory(4)());
    await expect.poll(() => page.getByTestId('queue-count').textContent(), { timeout: 20_000 }).toMatch(/^26 cases/);
  });

  it('offline, a decision waits in the outbox; back online it lands once', async () => {
    const { port, token } = backend;
    await backend.close();
    // A case one analyst may decide alone (four eyes is tested in analyst.test.ts).
    await api(page, 'settings.update', {
      fourEyes: { riskScoreAtLeast: null, onSanctionsHit: false, valueAtLeast: null },
    });
    const list = (await api(page, 'cases.list', {
      limit: 50,
      sort: { column: 'transferTime', direction: 'asc' },
      filter: { status: ['pending_review'] },
    })) as { value: { rows: { id: string; status: string }[] } };
    const id = list.value.rows[0]!.id;
    const decided = (await api(page, 'cases.decide', {
      caseId: id,
      kind: 'reject',
      reasonCodes: ['COMPLIANCE_CHECK_FAIL'],
    })) as { ok: boolean };
    expect(decided.ok).toBe(true);
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 }).toBe('Offline');
    await expect.poll(() => page.getByTestId('outbox-depth').textContent(), { timeout: 10_000 }).toBe('1');
    await page.screenshot({ path: join(SCREENSHOTS, 'offline-outbox.png') });

    backend = await startBackend({ dbFile: dbFile(), port, token, rates: [] });
    await api(page, 'sync.now', {});
    await expect.poll(() => page.getByTestId('outbox-depth').textContent(), { timeout: 20_000 }).toBe('0');
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 }).toBe('Online');
    expect(backend.db.prepare('SELECT count(*) AS n FROM decisions WHERE case_id = ?').get(id)).toEqual({ n: 1 });
  });
});
