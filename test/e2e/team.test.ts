import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../src-shared/contract';
import { caseFactory } from '../../reference-backend/simulate';
import { startBackend, type Backend } from '../../reference-backend/server';
import { callInPage, launchChromium, serve, SCREENSHOTS, type Served } from '../support/browser';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// Issue 15 point 4, shown in the browser: two workstations (two `waybill serve` data folders, two
// vaults), one reference backend over real HTTP, each analyst with their own backend credential.
// Ana claims a case and proposes a high-risk decision on hers; Ben sees the claim, is warned before
// deciding over it, and approves Ana's proposal from his own workstation with his own passphrase.
// The decision leaves once, and both names are on both workstations' timelines.

let t: ReturnType<typeof tempDir>;
let backend: Backend;
let browser: Browser;
const N = 20;
interface Station {
  name: 'Ana' | 'Ben';
  server: Served;
  page: Page;
}
let ana: Station;
let ben: Station;
let caseId = '';

const count = (s: Station) => s.page.getByTestId('queue-count').textContent();
const api = <T>(s: Station, method: string, input: unknown) => callInPage<T>(s.page, method, input);
const backendDecisions = () =>
  backend.db
    .prepare('SELECT kind, analyst, approved_by AS approvedBy FROM decisions WHERE case_id = ? AND status = 201')
    .all(caseId);

async function station(name: 'Ana' | 'Ben', credential: string): Promise<Station> {
  const server = await serve(join(t.dir, name), {
    WAYBILL_BACKEND_URL: backend.url,
    WAYBILL_BACKEND_TOKEN: credential, // this analyst's own credential, kept in their vault at creation
  });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await page.goto(server.launchUrl);
  await page.getByLabel(/^Your name/).fill(name);
  await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
  await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
  await page.getByRole('button', { name: 'Create vault' }).click();
  const s = { name, server, page };
  await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 30_000 }).toBe('Online');
  await expect.poll(() => count(s), { timeout: 30_000 }).toMatch(new RegExp(`^${N} cases`));
  // The team's policy: every case needs a second analyst (each is its own vault's supervisor).
  await api(s, 'settings.update', { fourEyes: { riskScoreAtLeast: 0, onSanctionsHit: false, valueAtLeast: null } });
  return s;
}

/** Finds the case through the search box and opens it from the keyboard, as an analyst does. */
async function open(s: Station) {
  const { page } = s;
  await page.keyboard.press('Alt+1');
  const clear = page.getByRole('button', { name: 'Clear filters' });
  if (await clear.isEnabled()) await clear.click();
  await page.getByLabel(/Search names, wallets/).fill(caseId);
  await page.getByLabel(/Search names, wallets/).press('Enter');
  await expect.poll(() => count(s)).toMatch(/^1 case\b/);
  await expect.poll(() => page.locator('tbody tr[data-case-id]').first().getAttribute('data-case-id')).toBe(caseId);
  await page.getByTestId('queue-scroll').focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#case-title').textContent()).toContain(caseId);
}

const timeline = async (s: Station) =>
  (await api<CaseDetail>(s, 'cases.get', { id: caseId })).timeline.map((e) => `${e.action}:${e.actor}`);

beforeAll(async () => {
  t = tempDir();
  const makeCase = caseFactory(15);
  backend = await startBackend({ makeCase, rates: [], dbFile: join(t.dir, 'backend.db') });
  backend.db.transaction(() => {
    for (let i = 0; i < N; i++) backend.addCase({ ...makeCase(), status: 'pending_review' });
  })();
  browser = await launchChromium();
  caseId = (backend.db.prepare('SELECT id FROM cases ORDER BY seq LIMIT 1').get() as { id: string }).id;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  for (const s of [ana, ben]) await s?.server.stop();
  await backend?.close().catch(() => {});
  t.cleanup();
});

describe('a team across two workstations', () => {
  it('each analyst creates their own vault on their own workstation, with their own backend credential', async () => {
    const credentials = { Ana: backend.enrolAnalyst('Ana', 'supervisor'), Ben: backend.enrolAnalyst('Ben') };
    ana = await station('Ana', credentials.Ana);
    ben = await station('Ben', credentials.Ben);
  });

  it("Ana's claim shows on Ben's workstation, and Ben is warned before deciding over it", async () => {
    await open(ana);
    await ana.page.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => ana.page.getByRole('button', { name: 'Assign to me' }).count()).toBe(0);

    await ben.page.getByRole('button', { name: 'Sync now' }).click();
    await open(ben);
    await expect.poll(async () => (await api<CaseDetail>(ben, 'cases.get', { id: caseId })).assignedTo).toBe('Ana');
    await ben.page.keyboard.press('r');
    const dialog = ben.page.getByRole('dialog');
    await expect.poll(() => dialog.getByTestId('claimed-warning').textContent()).toMatch(/Claimed by Ana\./);
    await dialog.getByRole('checkbox', { name: /HIGH_RISK/ }).check();
    // Not until Ben says he agreed it with Ana.
    expect(await dialog.getByRole('button', { name: /^Propose reject/ }).isDisabled()).toBe(true);
    await ben.page.screenshot({ path: join(SCREENSHOTS, 'team-claimed-warning.png') });
    await dialog.getByRole('button', { name: /^Cancel/ }).click();
  });

  it('Ana proposes on her workstation; Ben approves from his; the decision leaves once', async () => {
    await ana.page.keyboard.press('r');
    const dialog = ana.page.getByRole('dialog');
    await dialog.getByRole('checkbox', { name: /HIGH_RISK/ }).check();
    await dialog.getByLabel(/^Note/).fill('Mixer exposure above our appetite.');
    await dialog.getByRole('button', { name: /^Propose reject/ }).click();
    await expect
      .poll(() => ana.page.getByTestId('awaiting-approval').textContent())
      .toMatch(/Awaiting a second analyst/);
    expect(backendDecisions()).toEqual([]); // the proposal is at the backend; no decision yet

    // Ben's workstation learns of it from the backend (live event, or Sync now).
    await ben.page.getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(() => ben.page.getByTestId('awaiting-approval').textContent(), { timeout: 20_000 })
      .toMatch(/Awaiting a second analyst/);
    await ben.page.getByRole('button', { name: 'Review as second analyst…' }).click();
    const review = ben.page.getByRole('dialog');
    await expect.poll(() => review.textContent()).toMatch(/Ana proposes to reject \(HIGH_RISK\)/);
    await review.getByLabel('Approving analyst').selectOption('Ben');
    await review.getByLabel('Their passphrase').fill(TEST_PASSPHRASE);
    await review.getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(() => ben.page.getByTestId('decision').first().textContent(), { timeout: 20_000 })
      .toMatch(/Reject by Ana \(approved by Ben\).* Synced/);
    await ben.page.screenshot({ path: join(SCREENSHOTS, 'team-approved-by-ben.png') });
    await ben.page.getByRole('button', { name: 'Sync now' }).click(); // a second push must not send it again
    expect(backendDecisions()).toEqual([{ kind: 'reject', analyst: 'Ana', approvedBy: 'Ben' }]);
  });

  it("both names are on both workstations' timelines", async () => {
    await ana.page.getByRole('button', { name: 'Sync now' }).click();
    await expect
      .poll(() => ana.page.getByTestId('decision').first().textContent(), { timeout: 20_000 })
      .toMatch(/Reject by Ana \(approved by Ben\)/);
    await ana.page.screenshot({ path: join(SCREENSHOTS, 'team-ana-sees-approval.png') });
    for (const s of [ana, ben])
      expect(await timeline(s)).toEqual(
        expect.arrayContaining([
          'case.assigned:Ana',
          'decision.proposed:Ana',
          'decision.approved:Ben',
          'decision.reject:Ana',
        ]),
      );
    expect(backendDecisions()).toHaveLength(1);
  });
});
