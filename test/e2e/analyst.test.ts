import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../src-shared/contract';
import type { CaseSummary } from '../../src-shared/domain';
import { caseFactory } from '../../reference-backend/simulate';
import { startBackend, type Backend } from '../../reference-backend/server';
import { getCase } from '../../reference-backend/store';
import { verifyExport } from '../../src-main/export/verify';
import { axeViolations } from '../support/axe';
import { callInPage, launchChromium, serve, SCREENSHOTS, type Served } from '../support/browser';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// A working day in the workstation, in real Chromium, against `waybill serve` and the reference
// backend over real HTTP: queue, case review, decisions, four eyes, offline, dashboard, export.
let t: ReturnType<typeof tempDir>;
let backend: Backend;
let browser: Browser;
let server: Served;
let page: Page;
const dbFile = () => join(t.dir, 'backend.db');
const N = 240;

beforeAll(async () => {
  t = tempDir();
  const makeCase = caseFactory(11);
  backend = await startBackend({ makeCase, rates: [], dbFile: dbFile() });
  backend.db.transaction(() => {
    for (let i = 0; i < N; i++) backend.addCase(makeCase());
  })();
  browser = await launchChromium();
  server = await serve(join(t.dir, 'data'), { WAYBILL_BACKEND_URL: backend.url, WAYBILL_BACKEND_TOKEN: backend.token });
  page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await backend?.close().catch(() => {});
  t.cleanup();
});

/** The workstation's API from inside the page, with the page's own token: to choose cases, never to act. */
const api = <T>(method: string, input: unknown) => callInPage<T>(page, method, input);
const count = () => page.getByTestId('queue-count').textContent();
const backendDecisions = (id: string) =>
  backend.db.prepare('SELECT kind, body FROM decisions WHERE case_id = ? AND status = 201').all(id) as {
    kind: string;
    body: string;
  }[];
const used = new Set<string>();

/** A pending case matching `want`, not used by an earlier step. */
async function pick(want: (d: CaseDetail, s: CaseSummary) => boolean): Promise<string> {
  const { rows } = await api<{ rows: CaseSummary[] }>('cases.list', {
    limit: 500,
    filter: { status: ['pending_review'] },
  });
  for (const s of rows) {
    if (used.has(s.id)) continue;
    const d = await api<CaseDetail>('cases.get', { id: s.id });
    if (d.decidable.ok && want(d, s)) {
      used.add(s.id);
      return s.id;
    }
  }
  throw new Error('no such case in the generated data');
}

/** Finds a case through the search box and opens it from the keyboard, as an analyst does. */
async function openBySearch(id: string) {
  await page.keyboard.press('Alt+1');
  const clear = page.getByRole('button', { name: 'Clear filters' });
  if (await clear.isEnabled()) await clear.click();
  await page.getByLabel(/Search names, wallets/).fill(id);
  await page.getByLabel(/Search names, wallets/).press('Enter');
  await expect.poll(count).toMatch(/^1 case\b/);
  await expect.poll(() => page.locator('tbody tr[data-case-id]').first().getAttribute('data-case-id')).toBe(id);
  await page.getByTestId('queue-scroll').focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#case-title').textContent()).toContain(id);
}

async function decide(key: 'a' | 'r' | 'i', codes: string[], note?: string) {
  await page.keyboard.press(key);
  const dialog = page.getByRole('dialog');
  await expect.poll(() => dialog.isVisible()).toBe(true);
  for (const c of codes) await dialog.getByRole('checkbox', { name: new RegExp(c) }).check();
  if (note !== undefined) await dialog.getByLabel(/^Note/).fill(note);
  return dialog;
}

describe('the analyst workstation in the browser', () => {
  it('opens on the queue with the backend online', async () => {
    await page.goto(server.launchUrl);
    await page.getByLabel(/^Your name/).fill('Ana'); // the vault's creator, its first supervisor
    await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 }).toBe('Online');
    await expect.poll(count, { timeout: 20_000 }).toMatch(new RegExp(`^${N} cases`));
  });

  it('sorts, filters and searches in the database', async () => {
    // A column's cells wherever the analyst's layout puts it.
    const cellsOf = async (header: string) => {
      const headers = await page.locator('thead th').allTextContents();
      const col = headers.findIndex((h) => h.startsWith(header)) + 1;
      expect(col).toBeGreaterThan(0);
      return page.locator(`tbody tr[data-case-id] td:nth-child(${col})`).allTextContents();
    };
    // Amounts are shown in the locale ("€25,179.46").
    const shownValues = async () => {
      return (await cellsOf('Value'))
        .map((v) => v.replace(/[^0-9.-]/g, ''))
        .filter((v) => v !== '')
        .map(Number);
    };
    const sorted = (xs: number[], dir: 1 | -1) =>
      xs.length > 10 && xs.every((x, i) => i === 0 || (x - xs[i - 1]!) * dir >= 0);
    // A value column sorts descending first (issue 18 point 6), then ascending.
    await page.getByRole('button', { name: /^Value/ }).click();
    await expect.poll(() => page.locator('th[aria-sort="descending"]').textContent()).toMatch(/Value/);
    await expect.poll(async () => sorted(await shownValues(), -1)).toBe(true);
    const down = await shownValues();
    await page.getByRole('button', { name: /^Value/ }).click();
    await expect.poll(() => page.locator('th[aria-sort="ascending"]').textContent()).toMatch(/Value/);
    await expect.poll(async () => sorted(await shownValues(), 1)).toBe(true);
    expect((await shownValues())[0]).toBeLessThan(down[0]!);

    await page
      .getByRole('search', { name: 'Filter the queue' })
      .getByLabel('Direction', { exact: true })
      .selectOption('deposit');
    const deposits = await api<{ total: number }>('cases.list', { limit: 1, filter: { direction: 'deposit' } });
    await expect.poll(count).toMatch(new RegExp(`^${deposits.total} cases`));
    expect(new Set(await cellsOf('Dir'))).toEqual(new Set(['In']));

    await page
      .getByRole('search', { name: 'Filter the queue' })
      .getByLabel('Jurisdiction', { exact: true })
      .selectOption('TR');
    const tr = await api<{ total: number }>('cases.list', {
      limit: 1,
      filter: { direction: 'deposit', jurisdiction: 'TR' },
    });
    await expect.poll(count).toMatch(new RegExp(`^${tr.total} cases`));

    // A saved view brings the same filter back later.
    await page.getByRole('button', { name: 'Save view…' }).click();
    await page.getByLabel('Name of the view').fill('Turkish deposits');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(count).toMatch(new RegExp(`^${N} cases`));
    await page
      .getByRole('search', { name: 'Filter the queue' })
      .getByLabel('View', { exact: true })
      .selectOption('Turkish deposits');
    await expect.poll(count).toMatch(new RegExp(`^${tr.total} cases`));

    // Search by a wallet address finds its case.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    const some = (await api<{ rows: CaseSummary[] }>('cases.list', { limit: 1, offset: 17 })).rows[0]!;
    const wallet = (await api<CaseDetail>('cases.get', { id: some.id })).record.beneficiaryWallet;
    await page.getByLabel(/Search names, wallets/).fill(wallet);
    await page.getByLabel(/Search names, wallets/).press('Enter');
    await expect.poll(count).toMatch(/^1 case\b/);
    expect(await page.locator('tbody tr[data-case-id]').getAttribute('data-case-id')).toBe(some.id);

    expect(await axeViolations(page)).toEqual([]);
    // Keyboard: j moves the selection down.
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(count).toMatch(new RegExp(`^${N} cases`));
    await page.getByTestId('queue-scroll').focus();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await page.locator('tbody tr[aria-selected="true"]').getAttribute('aria-rowindex')).toBe('4');
  });

  it('opens a case with problems and shows each check with its why', async () => {
    await api('settings.update', {
      fourEyes: { riskScoreAtLeast: 70, onSanctionsHit: true, valueAtLeast: { amount: '100000', currency: 'EUR' } },
    });
    // A case an unverified rule version decided (since issue 14's per-version model, an EU counterparty under the
    // verified TFR version carries no such flag).
    const unverifiedDecided = (d: CaseDetail) =>
      d.checks.some(
        (c) => c.name === 'travel_rule' && ((c.result as { unverified?: unknown[] }).unverified?.length ?? 0) > 0,
      );
    const id = await pick(
      (d) =>
        d.fourEyes.length === 0 &&
        unverifiedDecided(d) &&
        d.checks.some((c) => c.name === 'ivms101' && c.outcome === 'incomplete'),
    );
    await openBySearch(id);
    await expect.poll(() => page.getByTestId('travel-why').textContent()).toMatch(/Travel Rule/);
    // Issue 14: each side's local legal date, and an unverified rule said where it decided.
    expect(await page.getByTestId('travel-why').textContent()).toMatch(/local date \d{4}-\d{2}-\d{2}, Europe\/Berlin/);
    expect(await page.getByTestId('travel-unverified').textContent()).toMatch(/^unverified rule: /);
    expect(await page.getByTestId('completeness').textContent()).toMatch(/requirements? unmet/);
    expect(await page.locator('.missing-list').count()).toBeGreaterThan(0);
    expect(await page.locator('section[aria-labelledby="tl-h"] li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'case-problems.png') });
    expect(await axeViolations(page)).toEqual([]); // labels, names, contrast, ARIA: WCAG 2.1 AA, serious and critical

    // Request information: the missing items are already in the note, MISSING_FIELDS ticked.
    const dialog = await decide('i', []);
    expect(await dialog.getByLabel(/^Note/).inputValue()).toMatch(/Please provide or correct/);
    expect(await dialog.getByRole('checkbox', { name: /MISSING_FIELDS/ }).isChecked()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'decision-dialog.png') });
    expect(await axeViolations(page, 'dialog')).toEqual([]);
    await dialog.getByRole('button', { name: /^Confirm/ }).click();
    await expect
      .poll(() => page.getByTestId('decision-sync').first().textContent(), { timeout: 15_000 })
      .toBe('Synced');
    expect(backendDecisions(id).map((d) => d.kind)).toEqual(['request_information']);
  });

  it('rejects with a reason code, and accepts', async () => {
    const rejectId = await pick((d) => d.fourEyes.length === 0);
    await openBySearch(rejectId);
    let dialog = await decide('r', []);
    expect(await dialog.getByRole('button', { name: /^Confirm reject/ }).isDisabled()).toBe(true); // a reason code is required
    await dialog.getByRole('checkbox', { name: /COMPLIANCE_CHECK_FAIL/ }).check();
    await dialog.getByLabel(/^Note/).fill('Counterparty could not confirm the originator.');
    await dialog.getByRole('button', { name: /^Confirm reject/ }).click();
    await expect
      .poll(() => page.getByTestId('decision').first().textContent(), { timeout: 15_000 })
      .toMatch(/Reject by .* COMPLIANCE_CHECK_FAIL · Synced/);
    expect(JSON.parse(backendDecisions(rejectId)[0]!.body)).toMatchObject({
      kind: 'reject',
      reasonCodes: ['COMPLIANCE_CHECK_FAIL'],
    });

    const acceptId = await pick((d) => d.fourEyes.length === 0);
    await openBySearch(acceptId);
    dialog = await decide('a', []);
    await dialog.getByRole('button', { name: /^Confirm accept/ }).click();
    await expect
      .poll(() => page.getByTestId('decision-sync').first().textContent(), { timeout: 15_000 })
      .toBe('Synced');
    expect(backendDecisions(acceptId).map((d) => d.kind)).toEqual(['accept']);
  });

  it('escalates a high-risk decision to a second analyst, who approves it', async () => {
    // Ana (the vault's creator, its supervisor) enrols Bob; Bob chooses his passphrase with the code.
    await page.keyboard.press('Alt+5');
    expect(await page.getByTestId('signed-in-as').textContent()).toMatch(/You are Ana \(supervisor\)/);
    await page.locator('#an-name').fill('bob');
    await page.getByRole('button', { name: 'Enrol analyst' }).click();
    const code = (await page.getByTestId('enrolment-code').textContent())!;
    expect(code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
    await page.getByRole('button', { name: /^Lock/ }).click();
    await page.getByRole('button', { name: 'I have an enrolment code' }).click();
    await page.getByLabel(/^Your name, as the supervisor/).fill('bob');
    await page.getByLabel('One-time code').fill(code);
    await page.getByLabel(/^Your passphrase/).fill('bob-the-second-analyst');
    await page.getByLabel('Repeat your passphrase').fill('bob-the-second-analyst');
    await page.getByRole('button', { name: 'Set passphrase and sign in' }).click();
    await page.getByRole('button', { name: /^Lock/ }).waitFor({ timeout: 30_000 }); // two Argon2id derivations, then the app
    await page.keyboard.press('Alt+5');
    await expect
      .poll(() => page.getByTestId('signed-in-as').textContent(), { timeout: 15_000 })
      .toMatch(/You are bob \(analyst\)/);
    // Bob proposes; Ana approves (she was enrolled before the proposal, and not by Bob).

    const id = await pick((d) => d.fourEyes.some((w) => w.startsWith('risk score')));
    await openBySearch(id);
    expect(await page.getByTestId('four-eyes').textContent()).toMatch(/needs a second analyst/);
    const dialog = await decide('r', ['HIGH_RISK'], 'Mixer exposure above our appetite.');
    await dialog.getByRole('button', { name: /^Propose reject/ }).click();
    await expect.poll(() => page.getByTestId('awaiting-approval').textContent()).toMatch(/Awaiting a second analyst/);
    expect(backendDecisions(id)).toEqual([]); // nothing leaves before the approval

    await page.getByRole('button', { name: 'Review as second analyst…' }).click();
    const review = page.getByRole('dialog');
    await review.getByLabel('Approving analyst').selectOption('Ana');
    await review.getByLabel('Their passphrase').fill('not anas passphrase');
    await review.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => review.getByRole('alert').textContent()).toMatch(/not Ana's passphrase/);
    await review.getByLabel('Their passphrase').fill(TEST_PASSPHRASE);
    await review.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => page.getByTestId('decision').first().textContent(), { timeout: 15_000 })
      .toMatch(/Reject by bob \(approved by Ana\).* Synced/);
    const sent = backendDecisions(id);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body)).toMatchObject({
      kind: 'reject',
      reasonCodes: ['HIGH_RISK'],
      analyst: 'bob',
      approvedBy: 'Ana',
    });

    // Back to Ana, the supervisor, for the rest of the session.
    await page.getByRole('button', { name: /^Lock/ }).click();
    await page.getByLabel(/^Your name/).fill('Ana');
    await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByRole('button', { name: /^Lock/ }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Alt+5');
    await expect
      .poll(() => page.getByTestId('signed-in-as').textContent(), { timeout: 15_000 })
      .toMatch(/You are Ana \(supervisor\)/);
  });

  it('offline, a decision waits to sync; back online it lands exactly once', async () => {
    const id = await pick((d) => d.fourEyes.length === 0);
    const { port, token } = backend;
    await backend.close();
    await openBySearch(id);
    const dialog = await decide('a', []);
    await dialog.getByRole('button', { name: /^Confirm accept/ }).click();
    await expect.poll(() => page.getByTestId('decision-sync').first().textContent()).toBe('Waiting to sync');
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 }).toBe('Offline');
    await expect.poll(() => page.getByTestId('outbox-depth').textContent()).toBe('1');
    await page.keyboard.press('Escape');
    await page.getByLabel(/Search names, wallets/).fill(id);
    await page.getByLabel(/Search names, wallets/).press('Enter');
    await expect.poll(() => page.locator(`tr[data-case-id="${id}"] .tag`).textContent()).toBe('waiting to sync');

    backend = await startBackend({ dbFile: dbFile(), port, token, rates: [] });
    await page.getByRole('button', { name: 'Sync now' }).click();
    await expect.poll(() => page.getByTestId('outbox-depth').textContent(), { timeout: 20_000 }).toBe('0');
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 }).toBe('Online');
    await page.getByRole('button', { name: 'Sync now' }).click(); // a second push must not send it again
    expect(backendDecisions(id).map((d) => d.kind)).toEqual(['accept']);
    expect(backend.db.prepare('SELECT count(*) AS n FROM decisions WHERE case_id = ?').get(id)).toEqual({ n: 1 });
  });

  it('shows a conflict when another workstation decided first, keeps both, and resolves it', async () => {
    const id = await pick((d) => d.fourEyes.length === 0);
    const { port, token } = backend;
    await backend.close();
    await openBySearch(id);
    const dialog = await decide('r', ['COMPLIANCE_CHECK_FAIL']);
    await dialog.getByRole('button', { name: /^Confirm reject/ }).click();
    await expect.poll(() => page.getByTestId('decision-sync').first().textContent()).toBe('Waiting to sync');

    // While we were offline, another workstation's accept reached the backend first.
    backend = await startBackend({ dbFile: dbFile(), port, token, rates: [] });
    const version = getCase(backend.db, id)!.version;
    const other = await fetch(`${backend.url}/v1/cases/${id}/decisions`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': `elsewhere-${id}`,
        'If-Match': `"${version}"`,
        'X-Analyst': 'analyst-elsewhere',
      },
      body: JSON.stringify({
        kind: 'accept',
        reasonCodes: [],
        decidedAt: new Date().toISOString(),
        analyst: 'analyst-elsewhere',
      }),
    });
    expect(other.status).toBe(201);
    const theirStatus = getCase(backend.db, id)!.status;

    await page.getByRole('button', { name: 'Sync now' }).click();
    const banner = page.getByTestId('conflict');
    await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(1);
    expect(await banner.textContent()).toMatch(
      /our reject by .+ did not land: the backend has the case as .+ \(version \d+\)\. Both are kept\./,
    );
    await expect.poll(() => page.getByTestId('decision-sync').first().textContent()).toBe('Conflict');
    // Nothing was overwritten: the backend holds the other accept only.
    expect(backendDecisions(id).map((d) => d.kind)).toEqual(['accept']);

    await banner.getByRole('button', { name: "Accept the backend's outcome" }).click();
    await expect.poll(() => banner.count()).toBe(0);
    const d = await api<CaseDetail>('cases.get', { id });
    expect(d.conflicts).toEqual([
      expect.objectContaining({ resolution: 'accept_theirs', resolvedAt: expect.any(String) }),
    ]);
    expect(d.record.status).toBe(theirStatus);
    expect(d.decisions.map((x) => x.kind)).toContain('reject'); // our decision stays on record
    expect(d.timeline.map((e) => e.action)).toContain('sync.conflict_resolved');
    expect(backendDecisions(id).map((x) => x.kind)).toEqual(['accept']);
  });

  it('shows the dashboard with volumes, SLA breaches and rejection rates', async () => {
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByTestId('sla-breaches').textContent()).toMatch(/^\d/);
    expect(await page.locator('svg.chart rect.bar').count()).toBeGreaterThan(30);
    const week = page.locator('section[aria-labelledby="rej-h"] tbody tr');
    await expect.poll(() => week.count()).toBeGreaterThan(0);
    expect(await week.first().textContent()).toMatch(/%/);
    expect(await page.getByTestId('by-travel-rule').locator('tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png') });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('creates a signed export from the UI and shows its key', async () => {
    await page.keyboard.press('Alt+4');
    await expect.poll(() => page.getByTestId('export-key').textContent()).toMatch(/^sha256:[0-9a-f]{64}$/);
    await page.getByRole('button', { name: 'Create signed export' }).click();
    await expect
      .poll(() => page.getByTestId('export-job').first().getAttribute('data-state'), { timeout: 30_000 })
      .toBe('done');
    const out = (await page.getByTestId('export-job').first().locator('code').first().textContent())!;
    expect(existsSync(out)).toBe(true);
    const r = await verifyExport(out);
    expect(r.problems).toEqual([]);
    expect(r.fingerprint).toBe(await page.getByTestId('export-key').textContent());
  });
});
