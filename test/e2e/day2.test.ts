import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFactory } from '../../reference-backend/simulate';
import { startBackend, type Backend } from '../../reference-backend/server';
import { axeViolations } from '../support/axe';
import { launchChromium, SCREENSHOTS, serve, type Served } from '../support/browser';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// Issue 18, the rest of the analyst's day (points 2, 3, 8, 14, 15, 16), as an analyst meets it: real
// Chromium against `waybill serve` and the reference backend over real HTTP on loopback.
let t: ReturnType<typeof tempDir>;
let backend: Backend;
let browser: Browser;
let server: Served;
let page: Page;
const N = 60;

beforeAll(async () => {
  t = tempDir();
  const makeCase = caseFactory(182);
  backend = await startBackend({ makeCase, rates: [], dbFile: join(t.dir, 'backend.db') });
  backend.db.transaction(() => {
    for (let i = 0; i < N; i++) backend.addCase(makeCase());
  })();
  browser = await launchChromium();
  server = await serve(join(t.dir, 'data'), { WAYBILL_BACKEND_URL: backend.url, WAYBILL_BACKEND_TOKEN: backend.token });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await backend?.close().catch(() => {});
  t.cleanup();
});

/** Relative luminance (WCAG 2.1) of a computed `rgb(r, g, b)` colour. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

it('creates the vault and syncs the first backend', async () => {
  await page.goto(server.launchUrl);
  await page.getByLabel(/^Your name/).fill('Ana');
  await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
  await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await expect
    .poll(() => page.getByTestId('queue-count').textContent(), { timeout: 30_000 })
    .toMatch(new RegExp(`^${N} cases`));
});

describe('issue 18 point 3: changing the backend', () => {
  let second: Backend;
  const M = 25;
  afterAll(async () => second?.close().catch(() => {}));

  it('a new backend identity restarts the feed, says so, and the old cases stay labelled with their source', async () => {
    const makeOther = caseFactory(1803);
    second = await startBackend({ makeCase: makeOther, rates: [], dbFile: join(t.dir, 'backend2.db') });
    // Its feed is shorter than the first one's: the first backend's cursor (N) is past its end, so
    // keeping that cursor would never show one of its cases.
    second.db.transaction(() => {
      for (let i = 0; i < M; i++) second.addCase(makeOther());
    })();
    const firstId = await page.locator('tbody tr[data-case-id]').first().getAttribute('data-case-id');
    await page.keyboard.press('Alt+5');
    await page.getByLabel('Backend URL').fill(second.url);
    await page.getByLabel('API token').fill(second.token);
    await page.getByRole('button', { name: 'Save backend' }).click();
    await expect
      .poll(() => page.getByTestId('backend-notice').textContent(), { timeout: 20_000 })
      .toMatch(
        new RegExp(
          `different backend answers at 127\\.0\\.0\\.1:${new URL(second.url).port}.*${N} cases already here stay`,
        ),
      );
    await page.keyboard.press('Alt+1');
    await expect
      .poll(() => page.getByTestId('queue-count').textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`^${N + M} cases`));
    // Each case says where it came from.
    const sourceOf = async (id: string) => {
      await page.getByLabel(/Search names, wallets/).fill(id);
      await page.getByLabel(/Search names, wallets/).press('Enter');
      await expect.poll(() => page.locator('tbody tr[data-case-id]').count(), { timeout: 10_000 }).toBe(1);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#case-title').textContent()).toContain(id);
      const source = await page.getByTestId('case-source').textContent();
      await page.keyboard.press('Alt+1');
      await page.getByRole('button', { name: 'Clear filters' }).click();
      return source;
    };
    const newId = second.db.prepare('SELECT id FROM cases LIMIT 1').pluck().get() as string;
    expect(await sourceOf(firstId!)).toContain(`Backend ${new URL(backend.url).host}`);
    expect(await sourceOf(newId)).toContain(`Backend ${new URL(second.url).host}`);
  });
});

describe('issue 18 point 8: charts', () => {
  it('every chart has an x and a y axis, each titled with its unit', async () => {
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('svg.chart');
    const charts = await page.locator('svg.chart').all();
    expect(charts.length).toBe(2);
    for (const chart of charts) {
      expect(await chart.locator('[data-axis="x"] line').count()).toBeGreaterThan(0);
      expect(await chart.locator('[data-axis="y"] line').count()).toBeGreaterThan(0);
      // Ticks on the value axis, from zero.
      const ticks = await chart.locator('[data-axis="y"] text.axis').allTextContents();
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      expect(ticks[0]).toMatch(/^0( %)?$/);
    }
    const titles = async (i: number) => ({
      x: await charts[i]!.locator('[data-axis-title="x"]').textContent(),
      y: await charts[i]!.locator('[data-axis-title="y"]').textContent(),
    });
    // The unit of each axis is named: days and weeks in UTC, cases per day, per cent of decisions.
    expect(await titles(0)).toEqual({
      x: expect.stringMatching(/Day.*UTC/),
      y: expect.stringMatching(/Cases per day/),
    });
    expect(await titles(1)).toEqual({ x: expect.stringMatching(/Week.*UTC/), y: expect.stringMatching(/%/) });
    expect(await charts[1]!.locator('[data-axis="y"] text.axis').allTextContents()).toEqual(['0 %', '50 %', '100 %']);
  });

  it('the rejection-rate chart has a label under every week, centred on its own bar', async () => {
    const chart = page.locator('svg.chart').nth(1);
    const offsets = await chart.evaluate((svg) =>
      [...svg.querySelectorAll('[data-bar]')].map((g) => {
        const bar = (g.querySelector('rect') as SVGRectElement).getBBox();
        const label = g.querySelector('text') as SVGTextElement | null;
        if (!label) return { week: g.getAttribute('data-bar'), offset: null };
        const box = label.getBBox();
        return {
          week: g.getAttribute('data-bar'),
          text: label.textContent,
          offset: Math.abs(box.x + box.width / 2 - (bar.x + bar.width / 2)),
        };
      }),
    );
    expect(offsets.length).toBe(12);
    for (const o of offsets) {
      expect(o.text).toBe(o.week);
      expect(o.offset).toBeLessThan(0.5);
    }
  });
});

describe('issue 18 point 15: dark mode and zoom', () => {
  it('follows the OS: light, then dark, each clean under axe-core (contrast included)', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('svg.chart');
    expect(luminance(await background())).toBeGreaterThan(0.8);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Alt+1');
    expect(await axeViolations(page)).toEqual([]);

    await page.emulateMedia({ colorScheme: 'dark' });
    expect(luminance(await background())).toBeLessThan(0.05);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('svg.chart');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Alt+5');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('saves the dashboard at 1400x900 in both themes (copied to docs/screenshots for the README)', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.keyboard.press('Alt+2');
      await page.waitForSelector('svg.chart');
      await page.screenshot({ path: join(SCREENSHOTS, `dashboard-${scheme}.png`) });
    }
  });

  it('a setting overrides the OS, is kept by the core and applies on the sign-in screen too', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.keyboard.press('Alt+5');
    await page.getByLabel('Theme').selectOption('light');
    await expect.poll(async () => luminance(await background())).toBeGreaterThan(0.8);
    await page.getByRole('button', { name: /^Lock/ }).click();
    await page.getByRole('button', { name: 'Unlock' }).waitFor();
    expect(luminance(await background())).toBeGreaterThan(0.8);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.waitForSelector('tbody tr[data-case-id]');
    await page.keyboard.press('Alt+5');
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(async () => luminance(await background())).toBeLessThan(0.05);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Theme').selectOption('system');
    await expect.poll(async () => luminance(await background())).toBeGreaterThan(0.8);
  });

  it('Ctrl + and Ctrl − zoom the page and keep the layout; Ctrl 0 resets', async () => {
    await page.keyboard.press('Alt+2');
    await page.waitForSelector('svg.chart');
    const heading = () => page.locator('#dash-title').evaluate((h) => h.getBoundingClientRect().height);
    const base = await heading();
    await page.keyboard.press('Control+Equal');
    await page.keyboard.press('Control+Equal');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.zoom)).toBe('125');
    // Text grows with the zoom (line boxes round to whole pixels, hence the range).
    expect((await heading()) / base).toBeGreaterThan(1.15);
    expect((await heading()) / base).toBeLessThan(1.35);
    // The layout holds: nothing wider than the window, the nav and the charts all on screen.
    const fits = () =>
      page.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        wideCharts: [...document.querySelectorAll('svg.chart, nav')].filter(
          (e) => e.getBoundingClientRect().right > window.innerWidth,
        ).length,
      }));
    expect(await fits()).toEqual({ overflow: 0, wideCharts: 0 });
    await page.keyboard.press('Control+Equal');
    await page.keyboard.press('Control+Equal');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.zoom)).toBe('175');
    expect(await fits()).toEqual({ overflow: 0, wideCharts: 0 });
    await page.keyboard.press('Control+Minus');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.zoom)).toBe('150');
    await page.keyboard.press('Control+Digit0');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.zoom ?? '100')).toBe('100');
    expect(await heading()).toBe(base);
  });
});
