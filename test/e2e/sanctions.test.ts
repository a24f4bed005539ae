import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreeningCheck } from '../../src-shared/checks';
import type { CaseDetail } from '../../src-shared/contract';
import { caseWith } from '../support/cases';
import { callInPage, launchChromium, serve, SCREENSHOTS, type Served } from '../support/browser';
import { ROOT, runCli } from '../support/cli';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// Issue 16 in real Chromium against `waybill serve`: a list imported by the CLI while the workstation
// serves is picked up; a list imported from the Sanctions screen re-screens the cases; a hit shows the
// listed entry's evidence; clearing takes a reason and a note; a true match takes a second analyst;
// after lock and unlock the dispositions and their evidence are all still there.
let t: ReturnType<typeof tempDir>;
let browser: Browser;
let server: Served;
let page: Page;
const env = { WAYBILL_PASSPHRASE: TEST_PASSPHRASE, WAYBILL_ANALYST: 'supervisor' }; // the vault's creator (two analysts sign in here)
const SAMPLE = join(ROOT, 'resources', 'sanctions', 'ofac-small');

beforeAll(async () => {
  t = tempDir();
  const dataDir = join(t.dir, 'data');
  expect((await runCli(['vault', 'init', '--data-dir', dataDir], env)).code).toBe(0);
  // One case: its beneficiary bears a listed name and it pays a listed wallet (two different entries).
  const c = caseWith({ counterparty: 'US', value: '900', currency: 'EUR', at: '2026-11-02T10:00:00Z' });
  const ivms = structuredClone(c.ivms101) as { beneficiary: { beneficiaryPersons: { naturalPerson: unknown }[] } };
  ivms.beneficiary.beneficiaryPersons[0]!.naturalPerson = {
    name: {
      nameIdentifier: [{ primaryIdentifier: 'MORENO', secondaryIdentifier: 'Daniel', nameIdentifierType: 'LEGL' }],
    },
  };
  const listed = {
    ...c,
    id: 'case-listed',
    network: 'bitcoin',
    beneficiaryWallet: '12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz',
    ivms101: ivms,
  };
  writeFileSync(join(t.dir, 'cases.jsonl'), JSON.stringify(listed) + '\n');
  expect((await runCli(['cases', 'import', '--data-dir', dataDir, join(t.dir, 'cases.jsonl')], env)).code).toBe(0);
  // A second analyst, enrolled by the vault's creator (the supervisor) and joined with their own passphrase.
  const enrol = await runCli(['analysts', 'enrol', '--data-dir', dataDir, 'analyst-2'], env);
  expect(enrol.code).toBe(0);
  const code = /One-time code, valid until \S+: (\S+)/.exec(enrol.stdout)![1]!;
  expect(
    (
      await runCli(['analysts', 'redeem', '--data-dir', dataDir, 'analyst-2'], {
        WAYBILL_ENROLMENT_CODE: code,
        WAYBILL_NEW_PASSPHRASE: 'second analyst passphrase',
      })
    ).code,
  ).toBe(0);
  browser = await launchChromium();
  server = await serve(dataDir);
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  await page.goto(server.launchUrl);
  await page.getByLabel(/^Your name/).fill('supervisor'); // two analysts have a passphrase here now
  await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForSelector('tbody tr[data-case-id]', { timeout: 30_000 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  t?.cleanup();
});

const screening = async () =>
  (await callInPage<CaseDetail>(page, 'cases.get', { id: 'case-listed' })).checks.find((c) => c.name === 'screening')!
    .result as ScreeningCheck;

async function openCase() {
  await page.keyboard.press('Alt+1');
  await page.getByLabel(/Search names, wallets/).fill('case-listed');
  await page.getByLabel(/Search names, wallets/).press('Enter');
  await expect
    .poll(() => page.locator('tbody tr[data-case-id]').first().getAttribute('data-case-id'))
    .toBe('case-listed');
  await page.getByTestId('queue-scroll').focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#case-title').textContent()).toContain('case-listed');
}

describe('sanctions screening in the browser', () => {
  it('a list imported by the CLI while the workstation serves is picked up and shown', async () => {
    await page.keyboard.press('Alt+6');
    await expect.poll(() => page.getByTestId('list-un').textContent()).toMatch(/not imported/);
    const r = await runCli(['screening', 'import', '--data-dir', join(t.dir, 'data'), '--source', 'ofac', SAMPLE], env);
    expect(r.code).toBe(0);
    // No reload: the serving workstation noticed the other process's commit and told the page.
    await expect
      .poll(() => page.getByTestId('list-ofac').textContent(), { timeout: 20_000 })
      .toMatch(/ofac \d{4}-\d{2}-\d{2} \([0-9a-f]{8}\)not stated17\d{4}-\d{2}-\d{2} \d{2}:\d{2}.+file ofac-small0 d/); // 17 entries, imported by the CLI's user
    expect((await screening()).outcome).toBe('potential_match');
  });

  it('a list imported from the Sanctions screen: a hostile file is refused by name, a good one comes into force', async () => {
    const bomb = join(t.dir, 'un-bomb.xml');
    writeFileSync(
      bomb,
      '<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n<CONSOLIDATED_LIST>&b;</CONSOLIDATED_LIST>',
    );
    await page.getByLabel('List', { exact: true }).selectOption('un');
    await page.getByLabel(/^File, or for OFAC the folder/).fill(bomb);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect
      .poll(() => page.getByTestId('sanctions-error').textContent())
      .toMatch(
        /^Refused \(xml_declaration_refused\): un-bomb\.xml:2:1: refused: the file declares <!DOCTYPE>.*No un list is in force\.$/,
      );
    await expect.poll(() => page.getByTestId('list-un').textContent()).toMatch(/not imported/);
    await page
      .getByLabel(/^File, or for OFAC the folder/)
      .fill(join(ROOT, 'test', 'fixtures', 'sanctions', 'uk-sample.csv'));
    await page.getByLabel('List', { exact: true }).selectOption('uk');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.getByTestId('sanctions-done').textContent()).toMatch(/Imported uk/);
    await expect.poll(() => page.getByTestId('list-uk').textContent()).toMatch(/uk 2026-11-14.*2026-11-14.*2/);
    await page.screenshot({ path: join(SCREENSHOTS, 'sanctions-screen.png'), fullPage: true });
  });

  it('a hit shows the listed entry; clearing it takes a reason code and a note', async () => {
    await openCase();
    const nameHit = page.getByTestId('screening-hit').filter({ hasText: 'MORENO, Daniel' });
    await nameHit.getByRole('button', { name: 'Evidence' }).click();
    await expect
      .poll(() => nameHit.getByTestId('hit-evidence').textContent())
      .toMatch(/Names and aliases.*MORENO, Daniel.*Dates of birth.*Programmes \/ regimes.*List version.*ofac /);
    await nameHit.getByRole('button', { name: 'False positive…' }).click();
    const dialog = page.getByRole('dialog');
    const submit = dialog.getByRole('button', { name: 'Clear the hit' });
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason').selectOption('different_birth_date');
    expect(await submit.isDisabled()).toBe(true); // a reason alone is not enough: the note says what was compared
    await dialog.getByLabel(/^Note/).fill('Our customer was born 12 May 1990; the listed MORENO, Daniel in 1975.');
    await submit.click();
    await expect
      .poll(() => nameHit.getByTestId('hit-disposition').textContent())
      .toMatch(/False positive \(Different date of birth\) by .+ on ofac .* — “Our customer was born 12 May 1990/);
  });

  it('a true match waits for a second analyst, who confirms it with their own passphrase', async () => {
    const walletHit = page.getByTestId('screening-hit').filter({ hasText: '12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz' });
    await walletHit.getByRole('button', { name: 'True match…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Note/).fill('The beneficiary wallet is the listed XBT address, exactly.');
    await dialog.getByRole('button', { name: 'Record true match' }).click();
    await expect
      .poll(() => walletHit.getByTestId('hit-pending').textContent())
      .toMatch(/True match proposed by .+, waiting for a second analyst/);
    expect((await screening()).blocksAcceptance).toBe(false);
    await walletHit.getByRole('button', { name: 'Confirm or refuse' }).click();
    const confirm = page.getByRole('dialog');
    await expect.poll(() => confirm.getByLabel('Confirming analyst').inputValue()).toBe('analyst-2');
    await confirm.getByLabel('Their passphrase').fill('second analyst passphrase');
    await confirm.getByRole('button', { name: 'Confirm true match' }).click();
    await expect
      .poll(() => walletHit.getByTestId('hit-disposition').textContent())
      .toMatch(/True match by .+, confirmed by analyst-2/);
    expect(await screening()).toMatchObject({ outcome: 'true_match', blocksAcceptance: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'sanctions-hits.png'), fullPage: true });
  });

  it('after lock and unlock, every disposition is shown with its reason and the evidence it was decided on', async () => {
    await page.getByRole('button', { name: /^Lock/ }).click();
    await expect.poll(() => page.getByTestId('vault-state').textContent()).toBe('Locked');
    await page.getByLabel(/^Your name/).fill('supervisor');
    await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.waitForSelector('tbody tr[data-case-id]', { timeout: 30_000 });
    await openCase();
    const nameHit = page.getByTestId('screening-hit').filter({ hasText: 'MORENO, Daniel' });
    const walletHit = page.getByTestId('screening-hit').filter({ hasText: '12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz' });
    await expect
      .poll(() => nameHit.getByTestId('hit-disposition').textContent())
      .toMatch(/False positive \(Different date of birth\)/);
    await expect.poll(() => walletHit.getByTestId('hit-disposition').textContent()).toMatch(/confirmed by analyst-2/);
    await walletHit.getByRole('button', { name: 'Evidence' }).click();
    await expect
      .poll(() => walletHit.getByTestId('hit-evidence').textContent())
      .toMatch(/Wallet addresses.*XBT 12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz/);
    await walletHit.getByRole('button', { name: 'History' }).click();
    await expect
      .poll(() => walletHit.getByRole('list', { name: 'Disposition history' }).textContent())
      .toMatch(/proposed true match by .+ on ofac .*True match by .+ \/ analyst-2/);
    const s = await screening();
    expect(s.outcome).toBe('true_match');
    expect(s.hits.every((h) => h.disposition !== null && h.evidence !== undefined)).toBe(true);
  });
});
