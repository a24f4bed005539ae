import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../src-shared/contract';
import type { CaseSummary } from '../../src-shared/domain';
import { caseFactory } from '../../reference-backend/simulate';
import { startBackend, type Backend } from '../../reference-backend/server';
import { callInPage, launchChromium, serve, type Served } from '../support/browser';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// Issue 18, the first-day defects, each as an analyst meets them: in real Chromium, against
// `waybill serve` and the reference backend over real HTTP.
let t: ReturnType<typeof tempDir>;
let backend: Backend;
let browser: Browser;
let server: Served;
let page: Page;
const N = 120;
/** Cases whose customer id only warns (2020 charset) or is an error (not Latin), for defect 4. */
const warnOnly: string[] = [];
const notLatin: string[] = [];
const K = 6;

/** Sets every customerIdentification in an IVMS101 payload to `value`. */
function setCustomerId(v: unknown, value: string): void {
  if (Array.isArray(v)) v.forEach((x) => setCustomerId(x, value));
  else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (k === 'customerIdentification' && typeof o[k] === 'string') o[k] = value;
      else setCustomerId(o[k], value);
    }
  }
}

beforeAll(async () => {
  t = tempDir();
  const makeCase = caseFactory(18);
  backend = await startBackend({ makeCase, rates: [], dbFile: join(t.dir, 'backend.db') });
  backend.db.transaction(() => {
    for (let i = 0; i < N - 2 * K; i++) backend.addCase(makeCase());
    for (const [list, value] of [
      [warnOnly, 'CUST-770001'],
      [notLatin, 'CUSTÜ770001'],
    ] as const) {
      for (let i = 0; i < K; i++) {
        const c = makeCase();
        if (!JSON.stringify(c.ivms101).includes('customerIdentification')) continue;
        setCustomerId(c.ivms101, value);
        backend.addCase(c);
        list.push(c.id);
      }
    }
    for (let i = warnOnly.length + notLatin.length; i < 2 * K; i++) backend.addCase(makeCase());
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

const api = <T>(method: string, input: unknown) => callInPage<T>(page, method, input);
const count = () => page.getByTestId('queue-count').textContent();
const search = () => page.getByLabel(/Search names, wallets/);
const firstRowId = () => page.locator('tbody tr[data-case-id]').first().getAttribute('data-case-id');
const used = new Set<string>();

async function pick(want: (d: CaseDetail) => boolean): Promise<string> {
  const { rows } = await api<{ rows: CaseSummary[] }>('cases.list', {
    limit: 500,
    filter: { status: ['pending_review'] },
  });
  for (const s of rows) {
    if (used.has(s.id)) continue;
    const d = await api<CaseDetail>('cases.get', { id: s.id });
    if (d.decidable.ok && want(d)) {
      used.add(s.id);
      return s.id;
    }
  }
  throw new Error('no such case in the generated data');
}

/** Search, Enter to the rows, Enter to open: waits for each step as the analyst's eyes would. */
async function openBySearch(id: string) {
  await toQueueUnfiltered();
  await search().fill(id);
  await search().press('Enter');
  await expect
    .poll(() => page.locator('tbody tr[aria-selected="true"]').getAttribute('data-case-id'), { timeout: 10_000 })
    .toBe(id);
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
    .toBe('queue-scroll');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#case-title').textContent()).toContain(id);
}

async function toQueueUnfiltered() {
  await page.keyboard.press('Alt+1');
  const clear = page.getByRole('button', { name: 'Clear filters' });
  const unfiltered = new RegExp(`^${N} cases`);
  // Until 61b043e a filter outlived a lock, and CI once read "1 case" 10 s after one click here. Until
  // the count is the unfiltered one, clear whatever filter is on; the machine is shared, so the count
  // may take a few seconds.
  await expect
    .poll(
      async () => {
        const text = (await count()) ?? '';
        if (!unfiltered.test(text) && (await clear.isEnabled())) await clear.click();
        return text;
      },
      { timeout: 15_000 },
    )
    .toMatch(unfiltered);
}

describe('issue 18: the first-day defects', () => {
  it('opens on the queue with the backend online', async () => {
    await page.goto(server.launchUrl);
    await page.getByLabel(/^Your name/).fill('Ana'); // the vault's creator, its first supervisor
    await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 }).toBe('Online');
    await expect.poll(count, { timeout: 20_000 }).toMatch(new RegExp(`^${N} cases`));
  });

  it('defect 5: search filters as you type, Esc clears it, ↓ and Enter lead back to the rows', async () => {
    await toQueueUnfiltered();
    const id = await pick((d) => d.fourEyes.length === 0);
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('queue-search');
    // Typed, never submitted: the filter follows the text once typing pauses.
    await page.keyboard.type(id);
    await expect.poll(count, { timeout: 10_000 }).toMatch(/^1 case\b/);
    await expect.poll(firstRowId).toBe(id);
    // Esc empties the box and lifts the filter with it.
    await page.keyboard.press('Escape');
    await expect.poll(() => search().inputValue()).toBe('');
    await expect.poll(count, { timeout: 10_000 }).toMatch(new RegExp(`^${N} cases`));
    // j is a letter in the search box, not a move.
    await page.keyboard.type('j');
    await expect.poll(() => search().inputValue()).toBe('j');
    await page.keyboard.press('Escape');
    await expect.poll(count, { timeout: 10_000 }).toMatch(new RegExp(`^${N} cases`));
    // ↓ lands on the first row, and the row keys work from there.
    await page.keyboard.type(id);
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('queue-scroll');
    await expect.poll(count, { timeout: 10_000 }).toMatch(/^1 case\b/);
    await expect.poll(() => page.locator('tbody tr[aria-selected="true"]').getAttribute('data-case-id')).toBe(id);
    // Enter in the box does the same without waiting for the pause.
    await page.keyboard.press('/');
    await page.keyboard.press('Escape');
    await expect.poll(count, { timeout: 10_000 }).toMatch(new RegExp(`^${N} cases`));
    await page.keyboard.type(id);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('queue-scroll');
    await expect.poll(() => page.locator('tbody tr[aria-selected="true"]').getAttribute('data-case-id')).toBe(id);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#case-title').textContent()).toContain(id);
  });

  it('defect 5: the shortcut hint names exactly the sections Alt+number reaches', async () => {
    await page.keyboard.press('Alt+1');
    const tabs = await page.getByRole('navigation', { name: 'Sections' }).getByRole('button').all();
    const keys = await Promise.all(tabs.map((b) => b.getAttribute('aria-keyshortcuts')));
    expect(keys).toEqual(tabs.map((_, i) => `Alt+${i + 1}`));
    const hint = (await page.getByLabel('Keyboard shortcuts').textContent()) ?? '';
    expect(hint).toContain(`Alt+1–${tabs.length} sections`);
    // Each of them goes where its tab says.
    for (let i = 0; i < tabs.length; i++) {
      await page.keyboard.press(`Alt+${i + 1}`);
      await expect.poll(() => tabs[i]!.getAttribute('aria-current')).toBe('page');
    }
    await page.keyboard.press('Alt+1');
  });

  it('defect 1: the decision dialog focuses the note, spaces stay in it, Alt+number toggles a code, Ctrl+Enter confirms', async () => {
    await toQueueUnfiltered();
    // A counterparty that speaks a protocol: accepting an e-mail-only one opens the data notice next (issue 18
    // point 2, its own test in day2.test.ts).
    const id = await pick((d) => d.fourEyes.length === 0 && d.record.counterparty?.protocol !== 'email');
    await openBySearch(id);

    await page.keyboard.press('a');
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('decision-note');
    const note = 'Counterparty confirmed the beneficiary by phone';
    await page.keyboard.type(note);
    expect(await dialog.getByLabel(/^Note/).inputValue()).toBe(note);
    const checked = () => dialog.getByRole('checkbox', { checked: true }).count();
    expect(await checked()).toBe(0);
    // Reason codes from the keyboard, without leaving the note.
    await page.keyboard.press('Alt+3');
    await expect.poll(() => dialog.getByRole('checkbox', { name: /VALIDATION_ERROR/ }).isChecked()).toBe(true);
    await page.keyboard.press('Alt+3');
    await expect.poll(checked).toBe(0);
    await page.keyboard.press('Alt+2');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('decision-note');
    await expect
      .poll(() =>
        page
          .getByRole('navigation', { name: 'Sections' })
          .getByRole('button', { name: 'Queue' })
          .getAttribute('aria-current'),
      )
      .toBe('page');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const d = await api<CaseDetail>('cases.get', { id });
    expect(d.decisions.map((x) => [x.kind, x.note, x.reasonCodes])).toEqual([
      ['accept', note, ['INCOMPLETE_IDENTITY']],
    ]);
  });

  it('defect 8: a proposal reads as one, the approval dialog focuses the passphrase, a wrong one is said once and in words', async () => {
    // A second analyst: Ana enrols Bob, Bob joins with the one-time code, Ana signs in again.
    await page.keyboard.press('Alt+5');
    await page.locator('#an-name').fill('bob');
    await page.getByRole('button', { name: 'Enrol analyst' }).click();
    const code = (await page.getByTestId('enrolment-code').textContent())!;
    await page.getByRole('button', { name: /^Lock/ }).click();
    await page.getByRole('button', { name: 'I have an enrolment code' }).click();
    await page.getByLabel(/^Your name, as the supervisor/).fill('bob');
    await page.getByLabel('One-time code').fill(code);
    await page.getByLabel(/^Your passphrase/).fill('bob-the-second-analyst');
    await page.getByLabel('Repeat your passphrase').fill('bob-the-second-analyst');
    await page.getByRole('button', { name: 'Set passphrase and sign in' }).click();
    await page.getByRole('button', { name: /^Lock/ }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: /^Lock/ }).click();
    await page.getByLabel(/^Your name/).fill('Ana');
    await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('button', { name: /^Lock/ }).waitFor({ timeout: 30_000 });

    await toQueueUnfiltered();
    await openBySearch(await pick((d) => d.fourEyes.length > 0));
    await page.keyboard.press('a');
    await page.keyboard.type('Second pair of eyes, please');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('awaiting-approval').textContent()).toMatch(/Awaiting a second analyst/);
    await expect
      .poll(() => page.getByTestId('not-decidable').textContent())
      .toMatch(/^A proposal to accept by \S+ awaits a second analyst\.$/);

    await page.getByRole('button', { name: 'Review as second analyst…' }).click();
    const review = page.getByRole('dialog');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('review-pass');
    await page.keyboard.type('not bobs passphrase');
    await page.keyboard.press('Enter');
    await expect.poll(() => review.getByRole('alert').textContent()).toMatch(/not bob's passphrase/);
    // Once: in the dialog, not again on the screen behind it; and no raw code beside the words.
    expect(await page.getByRole('alert').count()).toBe(1);
    expect(await page.locator('body').textContent()).not.toMatch(/wrong_passphrase/);
    await page.keyboard.press('Escape');
    await expect.poll(() => review.isVisible()).toBe(false);
  });

  it('defect 8: "Purge now" asks first, and Cancel purges nothing; counts agree with their nouns', async () => {
    await page.keyboard.press('Alt+5');
    await page.getByRole('button', { name: /^Purge now/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Purge personal data now?' });
    await expect.poll(() => confirm.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Enter');
    await expect.poll(() => confirm.isVisible()).toBe(false);
    expect(await page.getByTestId('retention-report').count()).toBe(0);
    await page.getByRole('button', { name: 'Dry run: what would go' }).click();
    await expect
      .poll(() => page.getByTestId('retention-report').textContent())
      .toMatch(/^Would purge \d+ cases? as of/);
    expect(await page.locator('body').textContent()).not.toMatch(/\((s|es)\)/);
  });

  it('defect 4: warnings amber, errors red, counts as shown, and complete is not called valid', async () => {
    type Ivms = {
      outcome: string;
      summary: string;
      result: {
        errors: { path: string; severity: string }[];
        warnings: { path: string }[];
        completeness: { complete: boolean } | null;
      };
    };
    const ivmsOf = async (id: string) =>
      (await api<CaseDetail>('cases.get', { id })).checks.find((c) => c.name === 'ivms101') as unknown as Ivms;
    const open = openBySearch;
    const RED = 'rgb(179, 38, 30)'; // --bad
    const AMBER = 'rgb(163, 90, 0)'; // --warn

    // A field with only a warning: amber label, never red; as many warnings shown as counted.
    let warned: string | undefined;
    for (const id of warnOnly)
      if ((await ivmsOf(id)).result.warnings.some((w) => w.path.endsWith('/customerIdentification'))) warned = id;
    expect(warned).toBeDefined();
    await open(warned!);
    const w = await ivmsOf(warned!);
    const row = page.locator('.party tr', { has: page.locator('th', { hasText: /customer/i }) }).first();
    await expect.poll(() => row.getAttribute('class')).toBe('has-warning');
    const label = await row.locator('th').evaluate((e) => getComputedStyle(e).color);
    expect(label).toBe(AMBER);
    const shownWarnings = await page.locator('.panel [role="note"].problem.warning').count();
    expect(shownWarnings).toBe(w.result.warnings.length);
    const shownErrors = await page.locator('.panel [role="note"].problem.error').count();
    expect(shownErrors).toBe(w.result.errors.length);

    // Invalid and complete: said together with what the difference is.
    let both: string | undefined;
    for (const id of notLatin) {
      const c = await ivmsOf(id);
      if (c.outcome === 'invalid' && c.result.completeness?.complete) both = id;
    }
    expect(both).toBeDefined();
    await open(both!);
    const checklist = page.getByTestId('completeness');
    await expect.poll(() => checklist.textContent()).toMatch(/everything required is present/);
    expect(await checklist.textContent()).toMatch(/Complete is not valid/);
    const bad = page.locator('.party tr.has-problem th').first();
    expect(await bad.evaluate((e) => getComputedStyle(e).color)).toBe(RED);
  });
});
