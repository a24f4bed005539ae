import { mkdirSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFactory } from '../../reference-backend/simulate';
import { startBackend, type Backend } from '../../reference-backend/server';
import { axeViolations } from '../support/axe';
import type { CaseDetail } from '../../src-shared/contract';
import type { CaseSummary } from '../../src-shared/domain';
import { callInPage, launchChromium, SCREENSHOTS, serve, type Served } from '../support/browser';
import { answerByMail } from '../../reference-backend/correspondents';
import { mailConfig, startDovecot, startRelay, type Dovecot, type Relay } from '../support/mail-servers';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// Issue 18, the rest of the analyst's day (points 2, 3, 8, 14, 15, 16), as an analyst meets it: real
// Chromium against `waybill serve` and the reference backend over real HTTP on loopback.
let t: ReturnType<typeof tempDir>;
let backend: Backend;
let browser: Browser;
let server: Served;
let page: Page;
const N = 80;
let replied = '';
let stopping = false;
let highRisk = '';

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
  // Should the server stop, say why in the test output.
  let serverErr = '';
  server.process.stderr!.on('data', (d: Buffer) => (serverErr += d.toString()));
  server.process.once('exit', (code, signal) => {
    if (!stopping) console.error(`waybill serve exited (${code ?? signal}): ${serverErr.slice(-3000)}`);
  });
}, 60_000);
afterAll(async () => {
  stopping = true;
  await browser?.close();
  await server?.stop();
  await backend?.close().catch(() => {});
  t.cleanup();
});

const api = <T>(method: string, input: unknown) => callInPage<T>(page, method, input);

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

describe('issue 18 point 2: accepting a transfer to a counterparty reached only by e-mail', () => {
  let dovecot: Dovecot;
  let relay: Relay;
  afterAll(async () => {
    await relay?.stop();
    dovecot?.stop();
  });

  /** Pending cases we may decide alone whose counterparty has no Travel Rule protocol, only an address. */
  async function emailOnly(n: number): Promise<CaseDetail[]> {
    const { rows } = await api<{ rows: CaseSummary[] }>('cases.list', {
      limit: 500,
      filter: { status: ['pending_review'] },
    });
    const found: CaseDetail[] = [];
    for (const r of rows) {
      const d = await api<CaseDetail>('cases.get', { id: r.id });
      if (d.record.counterparty?.protocol === 'email' && d.decidable.ok && d.fourEyes.length === 0) found.push(d);
      if (found.length === n) return found;
    }
    throw new Error(`fewer than ${n} e-mail-only cases in the generated data`);
  }
  async function accept(id: string) {
    await page.keyboard.press('Alt+1');
    const clear = page.getByRole('button', { name: 'Clear filters' });
    if (await clear.isEnabled()) await clear.click();
    await page.getByLabel(/Search names, wallets/).fill(id);
    await page.getByLabel(/Search names, wallets/).press('Enter');
    await expect.poll(() => page.locator('tbody tr[data-case-id]').count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#case-title').textContent()).toContain(id);
    await page.keyboard.press('a');
    await page.keyboard.type('Counterparty known, data complete');
    await page.keyboard.press('Control+Enter');
  }

  it('opens the data notice as it will be sent, editable, and sends the edited text', async () => {
    dovecot = await startDovecot();
    relay = await startRelay(dovecot);
    // The demo's e-mail-only counterparties (reference-backend/correspondents.ts) answer what they receive.
    answerByMail(relay, dovecot, 200);
    await api('mail.configure', mailConfig(dovecot, relay));
    const [d] = await emailOnly(2);
    const cp = d!.record.counterparty!;
    await accept(d!.record.id);
    const dialog = page.getByRole('dialog', { name: 'Travel Rule data notice' });
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await dialog.getByTestId('notice-to').textContent()).toBe(cp.email);
    expect(await dialog.getByTestId('notice-subject').textContent()).toMatch(
      /^Travel Rule information for a transfer \[WB:/,
    );
    const body = dialog.getByLabel(/^Message/);
    await expect.poll(() => body.inputValue()).toContain(`Dear ${cp.name} compliance team`);
    expect(await body.inputValue()).toContain('IVMS101 payload:');
    // The analyst's edit is what goes out.
    await body.press('Control+End');
    await body.pressSequentially('\nPlease confirm by Friday. (Ana)');
    await dialog.getByRole('button', { name: 'Send the notice' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect
      .poll(() => page.locator('[data-testid="mail-message"][data-direction="out"]').first().textContent())
      .toMatch(/Travel Rule data/);
    await expect.poll(() => relay.received.filter((m) => m.to.includes(cp.email!)).length, { timeout: 20_000 }).toBe(1);
    const sent = await simpleParser(relay.received.find((m) => m.to.includes(cp.email!))!.raw);
    expect(sent.text).toContain('Please confirm by Friday. (Ana)');
    expect(await page.getByTestId('data-notice-owed').count()).toBe(0);
    // Point 16: the counterparty answers by mail, in the thread, and the answer lands on this case.
    const incoming = page.locator('[data-testid="mail-message"][data-direction="in"]');
    await expect.poll(() => incoming.count(), { timeout: 30_000 }).toBe(1);
    expect(await incoming.textContent()).toContain(`<${cp.email}>`);
    expect(await incoming.textContent()).toContain('We approve the transfer.');
    replied = d!.record.id;
  });

  it('"Not now" leaves a plain statement on the case that the notice waits for the analyst', async () => {
    const [, d] = await emailOnly(2);
    await accept(d!.record.id);
    const dialog = page.getByRole('dialog', { name: 'Travel Rule data notice' });
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
    await dialog.getByRole('button', { name: /^Not now/ }).click();
    await expect
      .poll(() => page.getByTestId('data-notice-owed').textContent())
      .toMatch(/Travel Rule data not sent yet\..*it waits for you to send it/);
    expect(relay.received.filter((m) => m.to.includes(d!.record.counterparty!.email!)).length).toBe(0);
    // And it stays so when the case is opened again later.
    await page.keyboard.press('Alt+1');
    await page.keyboard.press('Alt+2');
    await page.keyboard.press('Alt+1');
    await page.getByLabel(/Search names, wallets/).fill(d!.record.id);
    await page.getByLabel(/Search names, wallets/).press('Enter');
    await expect.poll(() => page.locator('tbody tr[data-case-id]').count(), { timeout: 10_000 }).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('data-notice-owed').count()).toBe(1);
    expect(await dialog.count()).toBe(0);
    await page.keyboard.press('Alt+1');
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });
});

describe('issue 18 point 14: notifications', () => {
  /** What reached the browser's Notification API: the real API, observed (it still shows them). */
  const shown = () => page.evaluate(() => (window as unknown as { __shown?: string[] }).__shown ?? []);

  it('the bell lists a reply on my case; a new high-risk case also reaches the OS (permission given)', async () => {
    await page.context().grantPermissions(['notifications']);
    await page.evaluate(() => {
      const Real = window.Notification;
      const seen: string[] = [];
      (window as unknown as { __shown: string[] }).__shown = seen;
      class Observed extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          seen.push(options?.body ?? title);
        }
      }
      Object.defineProperty(Observed, 'permission', { get: () => Real.permission });
      window.Notification = Observed as typeof Notification;
    });
    const bell = page.getByTestId('bell');
    await expect.poll(() => bell.textContent(), { timeout: 40_000 }).toMatch(/Notifications \d+/);
    await bell.click();
    const list = page.getByRole('region', { name: 'Notifications' });
    await expect
      .poll(() => list.locator('li[data-kind="reply"]').first().textContent())
      .toContain(`on case ${replied}`);
    // Opened, they count as seen.
    await expect.poll(() => bell.textContent()).toBe('Notifications');
    await bell.click();

    // A new case the backend scores 95 (the four-eyes threshold is 70) arrives while the analyst works.
    const c = caseFactory(1814)();
    c.aml = { riskScore: 95, alerts: [], provider: 'demo-chain-analytics' };
    backend.addCase(c);
    await expect.poll(shown, { timeout: 40_000 }).toContainEqual(`New high-risk case ${c.id} (risk score 95)`);
    await expect.poll(() => bell.textContent()).toMatch(/Notifications 1/);
    await bell.click();
    await list.locator('li[data-kind="high_risk"]').first().getByRole('button').click();
    await expect.poll(() => page.locator('#case-title').textContent()).toContain(c.id);
    highRisk = c.id;
    // No personal data in what the OS shows: case ids, VASP names and scores only.
    for (const text of await shown()) expect(text).not.toMatch(/@|IVMS|originator/i);
  });

  it('a four-eyes request from another analyst reaches me', async () => {
    const { code } = await api<{ code: string }>('analysts.enrol', { name: 'Ben', role: 'analyst' });
    await api('vault.lock', {});
    await api('analysts.redeem', { name: 'Ben', code, passphrase: `${TEST_PASSPHRASE}-ben` });
    await api('cases.decide', { caseId: highRisk, kind: 'accept', reasonCodes: [], note: 'Known counterparty' });
    await api('vault.lock', {});
    // Ana signs in again; the page reloads as after a restart (its session cookie stays).
    await api('vault.unlock', { analyst: 'Ana', passphrase: TEST_PASSPHRASE });
    await page.reload();
    await page.waitForSelector('tbody tr[data-case-id]', { timeout: 30_000 });
    const bell = page.getByTestId('bell');
    await bell.click();
    await expect
      .poll(() => page.locator('li[data-kind="four_eyes"]').first().textContent(), { timeout: 10_000 })
      .toContain(`Ben asks for your approval to accept case ${highRisk}`);
    await bell.click();
    // One request: Ben's, for Ana (a proposer never sees their own as a request).
    expect(
      (await api<{ items: { kind: string }[] }>('notifications.list', {})).items.filter((i) => i.kind === 'four_eyes'),
    ).toHaveLength(1);
  });
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
    await page.keyboard.press('Alt+1');
    const clear = page.getByRole('button', { name: 'Clear filters' });
    if (await clear.isEnabled()) await clear.click();
    // N generated, and the high-risk one point 14 added.
    await expect.poll(() => page.getByTestId('queue-count').textContent()).toMatch(new RegExp(`^${N + 1} cases`));
    const firstId = await page.locator('tbody tr[data-case-id]').first().getAttribute('data-case-id');
    await page.keyboard.press('Alt+5');
    await page.getByLabel('Backend URL').fill(second.url);
    await page.getByLabel('API token').fill(second.token);
    await page.getByRole('button', { name: 'Save backend' }).click();
    await expect
      .poll(() => page.getByTestId('backend-notice').textContent(), { timeout: 20_000 })
      .toMatch(
        new RegExp(
          `different backend answers at 127\\.0\\.0\\.1:${new URL(second.url).port}.*${N + 1} cases already here stay`,
        ),
      );
    await page.keyboard.press('Alt+1');
    await expect
      .poll(() => page.getByTestId('queue-count').textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`^${N + 1 + M} cases`));
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
    await page.getByLabel(/^Your name/).fill('Ana'); // Ben is enrolled too (point 14)
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
