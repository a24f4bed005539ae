import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import { SCREENSHOTS, launchChromium, serve, type Served } from '../support/browser';
import { runCli } from '../support/cli';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// The analyst's first day, in real Chromium against `waybill serve` over real HTTP.
let t: ReturnType<typeof tempDir>;
let dataDir: string;
let casesFile: string;
let browser: Browser;
let server: Served;
let page: Page;

beforeAll(async () => {
  t = tempDir();
  dataDir = join(t.dir, 'data');
  casesFile = join(t.dir, 'cases.jsonl');
  browser = await launchChromium();
  server = await serve(dataDir);
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  t.cleanup();
});

const queueCount = (p: Page) => p.getByTestId('queue-count');

describe('vault and queue in the browser', () => {
  it('creates the vault on first run, with no refused request and no console error on the way', async () => {
    // The launch code must be exchanged before any API call or the event stream: a call that raced it
    // was a "403 Forbidden" in the console on every first load.
    const refused: string[] = [];
    const consoleErrors: string[] = [];
    const onResponse = (r: { status(): number; url(): string; request(): { method(): string } }) => {
      if (r.status() >= 400) refused.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    };
    const onConsole = (m: { type(): string; text(): string }) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    };
    const onPageError = (e: Error) => consoleErrors.push(e.message);
    page.on('response', onResponse);
    page.on('console', onConsole);
    page.on('pageerror', onPageError);
    await page.goto(server.launchUrl);
    await expect.poll(() => page.url()).not.toContain('code='); // the one-time code leaves the address bar
    await page.getByLabel(/^Your name/).fill('Ana'); // the vault's creator, its first supervisor
    await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    // Argon2id at 64 MiB takes seconds on a loaded machine.
    await expect.poll(() => page.getByTestId('vault-state').textContent(), { timeout: 15_000 }).toBe('Unlocked');
    await expect.poll(() => queueCount(page).textContent()).toMatch(/^0 cases/);
    page.off('response', onResponse);
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    expect(refused).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('shows cases imported with the CLI after lock and unlock', async () => {
    await page.getByRole('button', { name: /^Lock/ }).click();
    await expect.poll(() => page.getByTestId('vault-state').textContent()).toBe('Locked');
    expect((await runCli(['cases', 'generate', '--count', '1000', '--seed', '2026', '--out', casesFile])).code).toBe(0);
    const imported = await runCli(['cases', 'import', '--data-dir', dataDir, casesFile], {
      WAYBILL_PASSPHRASE: TEST_PASSPHRASE,
    });
    expect(imported.stdout).toContain('1000 new');

    await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => queueCount(page).textContent(), { timeout: 15_000 }).toMatch(/^1,000 cases · rows 1–/);
    // Only the rows on screen (plus a margin) are in the DOM: the queue is virtualised.
    const rendered = await page.locator('tbody tr[data-case-id]').count();
    expect(rendered).toBeGreaterThan(20);
    expect(rendered).toBeLessThan(120);
    // Every case arrives checked: its IVMS101 outcome is in the queue, with the summary as a tooltip.
    const outcomes = new Set(await page.locator('td .check[class*="check-"]').allTextContents());
    expect([...outcomes].every((o) => ['Valid', 'Incomplete', 'Invalid'].includes(o))).toBe(true);
    expect(outcomes.has('Invalid')).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'queue.png') });
  });

  it('sorts in the database when a header is clicked', async () => {
    await page.getByRole('button', { name: /^Risk/ }).click();
    await expect.poll(() => page.locator('th[aria-sort="descending"]').textContent()).toMatch(/Risk/);
    // The header turns at the click; the rows follow when the database answers (a run under load read the old ones).
    const risks = () => page.locator('td .risk').allTextContents();
    const sorted = (xs: number[]) => xs.length > 1 && xs.every((x, i) => i === 0 || xs[i - 1]! >= x);
    await expect.poll(async () => sorted((await risks()).map(Number))).toBe(true);
    const numbers = (await risks()).map(Number);
    expect(numbers[0]).toBeGreaterThanOrEqual(70);
    // Scrolling far down fetches the rows there from the database, still in order.
    await page.getByTestId('queue-scroll').evaluate((el) => (el.scrollTop = 26 * 600));
    await expect.poll(() => queueCount(page).textContent()).toMatch(/rows 6\d\d–/);
    await expect.poll(() => page.locator('tbody tr.loading-row').count()).toBe(0);
    // The count starts at the first row wholly in view: under the sticky header's cells (the thead itself
    // scrolls away), not the one hidden beneath them.
    const firstWhole = await page.getByTestId('queue-scroll').evaluate((el) => {
      const below = el.querySelector('thead th')!.getBoundingClientRect().bottom;
      const row = [...el.querySelectorAll('tbody tr[data-case-id]')].find(
        (r) => r.getBoundingClientRect().top >= below - 0.5,
      );
      return Number(row?.getAttribute('aria-rowindex')) - 1;
    });
    const [, named] = /rows ([\d,]+)–/.exec((await queueCount(page).textContent()) ?? '') ?? [];
    expect(Number(named?.replace(/,/g, ''))).toBe(firstWhole);
    const deeper = (await page.locator('td .risk').allTextContents()).map(Number);
    expect(deeper).toEqual([...deeper].sort((a, b) => b - a));
    expect(deeper[0]).toBeLessThanOrEqual(numbers[numbers.length - 1]!);
  });

  it('locks, refuses a wrong passphrase with a clear message, and unlocks with the right one', async () => {
    // A search from before the lock (often a name: case data) is forgotten with the rows.
    const first = (JSON.parse(readFileSync(casesFile, 'utf8').split('\n')[0]!) as CaseRecord).id;
    await page.getByLabel(/Search names, wallets/).fill(first);
    await page.getByLabel(/Search names, wallets/).press('Enter');
    await expect.poll(() => queueCount(page).textContent(), { timeout: 10_000 }).toMatch(/^1 case\b/);
    await page.keyboard.press('Control+l');
    await expect.poll(() => page.getByTestId('vault-state').textContent()).toBe('Locked');
    expect(await page.locator('tbody tr[data-case-id]').count()).toBe(0); // no case data left on screen
    expect(await page.content()).not.toContain(first);

    await page.getByLabel('Passphrase').fill('definitely not it');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The passphrase is not correct.');
    expect(await page.getByTestId('vault-state').textContent()).toBe('Locked');

    await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    // Unfiltered after the unlock: the search from before the lock is gone, box and filter alike.
    await expect.poll(() => queueCount(page).textContent(), { timeout: 15_000 }).toMatch(/^1,000 cases/);
    expect(await page.getByLabel(/Search names, wallets/).inputValue()).toBe('');
    expect(await page.getByRole('button', { name: 'Clear filters' }).isDisabled()).toBe(true);
  });

  it('says why it is still unlocking when an unlock takes long (the first after an update migrates the store)', async () => {
    await page.keyboard.press('Control+l');
    await expect.poll(() => page.getByTestId('vault-state').textContent()).toBe('Locked');
    // The answer held back 6 s on its way to the page, as a large store's one-time migration holds it.
    await page.route('**/api/invoke/vault.unlock', async (route) => {
      const res = await route.fetch();
      await new Promise((r) => setTimeout(r, 6000));
      await route.fulfill({ response: res });
    });
    try {
      await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
      await page.getByRole('button', { name: 'Unlock' }).click();
      expect(await page.getByTestId('unlock-slow').count()).toBe(0); // not at once
      await expect
        .poll(() => page.getByTestId('unlock-slow').textContent(), { timeout: 10_000 })
        .toMatch(/Still unlocking\. After an update, the first unlock also brings the case database up to date/);
      await expect.poll(() => queueCount(page).textContent(), { timeout: 15_000 }).toMatch(/^1,000 cases/);
      expect(await page.getByTestId('unlock-slow').count()).toBe(0);
    } finally {
      await page.unroute('**/api/invoke/vault.unlock');
    }
  });

  it('locks itself when idle and says so', async () => {
    const r = await page.evaluate(async () => {
      const res = await fetch('/api/invoke/settings.update', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ idleLockMinutes: 0.05 }),
      });
      return res.json();
    });
    expect(r).toMatchObject({ ok: true, value: { idleLockMinutes: 0.05 } });
    await expect.poll(() => page.getByTestId('vault-state').textContent(), { timeout: 15_000 }).toBe('Locked');
    expect(await page.getByRole('status').textContent()).toMatch(/Locked after 3 seconds without activity/);
  });

  it('keeps the session out of page scripts, and the launch URL (from history or ps) opens nothing again', async () => {
    const api = (p: Page) =>
      p.evaluate(
        async () =>
          (
            await fetch('/api/invoke/app.status', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: '{}',
            })
          ).status,
      );
    expect(await api(page)).toBe(200);
    expect(await page.evaluate(() => document.cookie)).toBe(''); // HttpOnly: no script can read it
    expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }))).toBe('{}');
    const other = await browser.newContext();
    try {
      const thief = await other.newPage();
      await thief.goto(server.launchUrl);
      await expect.poll(() => thief.url()).not.toContain('code=');
      expect(await api(thief)).toBe(403);
      // The used code came back: the session it opened is ended too (fail closed).
      expect(await api(page)).toBe(403);
    } finally {
      await other.close();
    }
  });

  it('leaves no personal data in clear anywhere in the data folder', async () => {
    await server.stop(); // closes the database, so the WAL and SHM files are in their final state
    const cases = readFileSync(casesFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CaseRecord);
    const needles = piiSamples(cases, 20);
    expect(needles).toHaveLength(20);
    const files = walk(dataDir);
    expect(files.map((f) => f.slice(dataDir.length + 1)).sort()).toEqual(
      expect.arrayContaining(['cases.db', 'vault.json', 'logs/waybill.log']),
    );
    const hits: string[] = [];
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const n of needles) {
        if (bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le')))
          hits.push(`${f}: ${n}`);
      }
    }
    expect(hits).toEqual([]);
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Distinctive personal data from the imported cases: names, ID numbers, customer ids, streets, birth dates. */
function piiSamples(cases: CaseRecord[], n: number): string[] {
  const found = new Set<string>();
  const visit = (v: unknown, key = '') => {
    if (found.size >= n * 4) return;
    if (typeof v === 'string') {
      if (
        ['primaryIdentifier', 'nationalIdentifier', 'customerIdentification', 'dateOfBirth'].includes(key) &&
        v.length >= 5
      )
        found.add(v);
      if (key === 'streetName' && v.length >= 8) found.add(v);
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => visit(x, k));
  };
  cases.forEach((c) => visit(c.ivms101));
  const all = [...found];
  const kinds = [/^[A-Z]{2}\d{7}$|^\d{9}$/, /^CUST\d{6}$/, /^\d{4}-\d{2}-\d{2}$/, /./];
  // A mix of kinds, not twenty of one.
  const picked: string[] = [];
  for (const k of kinds) picked.push(...all.filter((s) => k.test(s) && !picked.includes(s)).slice(0, 5));
  return picked.slice(0, n);
}
