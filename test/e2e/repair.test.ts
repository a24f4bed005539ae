import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import type { Ivms101Check } from '../../src-shared/checks';
import type { CaseDetail } from '../../src-shared/contract';
import type { CaseSummary } from '../../src-shared/domain';
import { caseFactory } from '../../reference-backend/simulate';
import { startBackend, type Backend } from '../../reference-backend/server';
import { getCase } from '../../reference-backend/store';
import { verifyExport } from '../../src-main/export/verify';
import { axeViolations } from '../support/axe';
import { callInPage, launchChromium, serve, type Served } from '../support/browser';
import { readZip } from '../support/export';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// Issue 18, 9 and 10 as an analyst meets them, in real Chromium against `waybill serve` and the
// reference backend over real HTTP: a case Incomplete for a missing address is repaired with the
// counterparty's answer, becomes complete, the original stays visible, the repair reaches the
// backend; a note with a mention is on the timeline and in the export.

const ROOT = join(__dirname, '..', '..');
let t: ReturnType<typeof tempDir>;
let backend: Backend;
let browser: Browser;
let server: Served;
let page: Page;
const N = 60;

beforeAll(async () => {
  t = tempDir();
  const makeCase = caseFactory(18);
  backend = await startBackend({ makeCase, rates: [], dbFile: join(t.dir, 'backend.db') });
  backend.db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const c: CaseRecord = { ...makeCase(), status: 'pending_review' };
      // Every third case arrives without the originator's address, as a counterparty sends it.
      if (i % 3 === 0) {
        const ivms = structuredClone(c.ivms101) as { originator?: Record<string, { naturalPerson?: object }[]> };
        for (const persons of Object.values(ivms.originator ?? {}))
          if (Array.isArray(persons))
            for (const p of persons)
              if (p.naturalPerson) delete (p.naturalPerson as { geographicAddress?: unknown }).geographicAddress;
        backend.addCase({ ...c, ivms101: ivms as Record<string, unknown> });
      } else backend.addCase(c);
    }
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
const ivmsOf = (d: CaseDetail) => d.checks.find((c) => c.name === 'ivms101')?.result as Ivms101Check | undefined;
let caseId = '';
let missingPath = '';

describe('issue 18, 9 and 10: repair from the counterparty answer, and case notes', () => {
  it('opens on the queue with the backend online', async () => {
    await page.goto(server.launchUrl);
    await page.getByLabel(/^Your name/).fill('Ana');
    await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await expect.poll(() => page.getByTestId('sync-state').textContent(), { timeout: 20_000 }).toBe('Online');
    await expect
      .poll(() => page.getByTestId('queue-count').textContent(), { timeout: 20_000 })
      .toMatch(new RegExp(`^${N} cases`));
    await api('analysts.enrol', { name: 'Maria Lopez', role: 'analyst' });
  });

  it('repairs a case Incomplete for a missing address: complete after, original still visible, synced', async () => {
    const { rows } = await api<{ rows: CaseSummary[] }>('cases.list', { limit: 500 });
    for (const s of rows) {
      const d = await api<CaseDetail>('cases.get', { id: s.id });
      const m = ivmsOf(d)?.completeness?.missing ?? [];
      if (ivmsOf(d)?.outcome === 'incomplete' && m.length === 1 && m[0]!.items.every((i) => i.item === 'address')) {
        caseId = s.id;
        missingPath = m[0]!.items[0]!.path;
        break;
      }
    }
    expect(caseId).not.toBe('');
    const before = getCase(backend.db, caseId)!;
    await openCase(caseId);
    await expect.poll(() => page.locator('#ivms-h .check').textContent()).toBe('Incomplete');

    await page.getByRole('button', { name: 'Repair the record…' }).click();
    const dialog = page.locator('dialog[open]');
    await expect.poll(() => dialog.getByTestId('repair-status').textContent()).toMatch(/1 requirement unmet/);
    const group = dialog.locator(`details[data-path="${missingPath}"]`);
    expect(await group.getAttribute('open')).not.toBeNull(); // what is missing is open and says so
    expect(await group.locator('.problem.warning').first().textContent()).toMatch(/Missing: address/i);
    await group.getByRole('button', { name: 'Add geographic address' }).click();
    const address = group.locator('fieldset').first();
    await address.getByLabel('Address type (required)', { exact: true }).selectOption('HOME');
    await address.getByLabel('Street', { exact: true }).fill('Rue de la Loi');
    await address.getByLabel('Building number', { exact: true }).fill('16');
    await address.getByLabel('Town', { exact: true }).fill('Brussels');
    // Validated as typed, by the checks' own validator: a country name is not a code.
    await address.getByLabel('Country (required)', { exact: true }).fill('Belgium');
    await expect.poll(() => address.locator('.problem.error').count()).toBeGreaterThan(0);
    await expect.poll(() => dialog.getByRole('button', { name: 'Save as a new version' }).isDisabled()).toBe(true);
    await address.getByLabel('Country (required)', { exact: true }).fill('BE');
    await expect
      .poll(() => dialog.getByTestId('repair-status').textContent())
      .toMatch(/Valid everything required is present/);
    expect(await dialog.getByTestId('repair-diff').textContent()).toContain('Rue de la Loi');
    // Without a why, nothing is saved.
    expect(await dialog.getByRole('button', { name: 'Save as a new version' }).isDisabled()).toBe(true);
    await dialog.getByLabel(/^Why \(required\)/).fill("Address from the counterparty's reply of today");
    expect(await axeViolations(page, 'dialog[open]')).toEqual([]);
    await dialog.getByRole('button', { name: 'Save as a new version' }).click();
    await expect.poll(() => page.locator('dialog[open]').count()).toBe(0);

    // Complete now; both versions listed, the original as received shown in full.
    await expect.poll(() => page.locator('#ivms-h .check').textContent()).toBe('Valid');
    const versions = page.getByTestId('ivms-versions');
    expect(
      await versions.locator('li[data-kind]').evaluateAll((l) => l.map((e) => e.getAttribute('data-kind'))),
    ).toEqual(['received', 'repair']);
    expect(await versions.textContent()).toMatch(
      /repaired by Ana .*Why: Address from the counterparty's reply of today/s,
    );
    expect(await versions.getByTestId('repair-diff').textContent()).toContain('Brussels');
    expect(JSON.parse((await versions.getByTestId('ivms-original').textContent())!)).toEqual(before.ivms101);
    // Synced: the backend holds the repaired record at the next version; the screen says so.
    await expect
      .poll(() => JSON.stringify(getCase(backend.db, caseId)!.ivms101), { timeout: 20_000 })
      .toContain('Rue de la Loi');
    expect(getCase(backend.db, caseId)!.version).toBe(before.version + 1);
    await expect
      .poll(() => versions.locator('li[data-kind="repair"] .sync').textContent(), { timeout: 20_000 })
      .toBe('Synced');
    expect(await page.locator('#tl-h ~ ol li[data-action="case.repaired"]').count()).toBe(1);
    // The result the repair replaced stays on the case: what an analyst saw before it, and until when.
    const earlier = page.getByTestId('superseded-checks');
    await expect.poll(() => earlier.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await earlier.locator('tbody tr', { hasText: 'IVMS101' }).first().textContent()).toMatch(/incomplete/i);

    mkdirSync(join(ROOT, 'docs', 'screenshots'), { recursive: true });
    await page.locator('#ivms-h').scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelector('#ivms-h')?.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshots', 'repaired-case.png') });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a note with a mention is internal, on the timeline and in the export', async () => {
    const notes = page.getByTestId('notes');
    await notes.getByLabel('Add a note').fill('Address confirmed by phone; please double-check');
    await notes.getByRole('button', { name: '@Maria Lopez' }).click();
    await notes.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => notes.getByTestId('note').count()).toBe(1);
    expect(await notes.locator('mark.mention').textContent()).toBe('@Maria Lopez');
    await expect
      .poll(() => page.getByTestId('timeline-note').first().textContent())
      .toMatch(/double-check @Maria Lopez.*mentions Maria Lopez/s);
    // Never sent: the backend has no note of it, and no mail was queued.
    expect(JSON.stringify(getCase(backend.db, caseId))).not.toContain('double-check');
    const d = await api<CaseDetail>('cases.get', { id: caseId });
    expect(d.mail).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);

    const day = new Date().toISOString().slice(0, 10);
    const tt = getCase(backend.db, caseId)!.transferTime.slice(0, 10);
    const job = await api<{ id: string; out: string }>('export.start', {
      from: tt < day ? tt : day,
      to: day > tt ? day : tt,
    });
    await expect
      .poll(
        async () => (await api<{ id: string; state: string }[]>('export.jobs', {})).find((j) => j.id === job.id)?.state,
        {
          timeout: 60_000,
        },
      )
      .toBe('done');
    expect((await verifyExport(job.out)).problems).toEqual([]);
    const files = new Map((await readZip(job.out)).map((e) => [e.name, e.data.toString('utf8')]));
    const notesCsv = files.get('notes.csv')!;
    expect(notesCsv).toContain(caseId);
    expect(notesCsv).toContain('Maria Lopez');
    const versions = files
      .get('ivms101-versions.jsonl')!
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { caseId: string; kind: string; note: string | null })
      .filter((v) => v.caseId === caseId);
    expect(versions.map((v) => v.kind)).toEqual(['received', 'repair']);
  });
});

/** Opens a case from the queue by searching its id. */
async function openCase(id: string) {
  await page.keyboard.press('Alt+1');
  const search = page.getByLabel(/Search names, wallets/);
  await search.fill(id);
  await search.press('Enter');
  await expect
    .poll(() => page.locator('tbody tr[aria-selected="true"]').getAttribute('data-case-id'), { timeout: 10_000 })
    .toBe(id);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('#case-title').textContent()).toContain(id);
}
