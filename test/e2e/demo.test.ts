import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../src-shared/contract';
import type { CaseSummary } from '../../src-shared/domain';
import { callInPage, launchChromium } from '../support/browser';
import { ROOT } from '../support/cli';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// Issue 18 point 16: `npm run demo` shows everything. Its mail works on the first screen with no
// configuration (a loopback SMTP relay and the compliance mailbox in Dovecot, started by the demo), and
// the reference exchange's e-mail-only counterparties answer what they receive.
let t: ReturnType<typeof tempDir>;
let demo: ChildProcess;
let out = '';
let browser: Browser;
let page: Page;

/** `npm run demo`'s script on the test's data folder, until it prints its one-time link. */
async function startDemo(): Promise<void> {
  out = '';
  // scripts/demo.ts itself (the `npm run demo` script runs the build first; the e2e project has built it).
  demo = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      WAYBILL_DATA_DIR: join(t.dir, 'demo-data'),
      PATH: `${join(t.dir, 'bin')}:${process.env.PATH ?? ''}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  demo.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  demo.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  for (let i = 0; i < 600 && !/Open: \S+/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
}

async function stopDemo(): Promise<void> {
  if (!demo?.pid || demo.exitCode !== null || demo.signalCode !== null) return;
  const exited = new Promise((r) => demo.once('exit', r));
  process.kill(-demo.pid, 'SIGTERM');
  await exited;
}

beforeAll(async () => {
  t = tempDir();
  // The demo opens its one-time link with xdg-open; here the test's Chromium must be the one to use it.
  mkdirSync(join(t.dir, 'bin'));
  writeFileSync(join(t.dir, 'bin', 'xdg-open'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  await startDemo();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await stopDemo();
  t.cleanup();
});

const api = <T>(method: string, input: unknown) => callInPage<T>(page, method, input);

describe('npm run demo', () => {
  it('says where its mail servers are and opens with mail already set up', async () => {
    expect(out).toMatch(/Mail: SMTP relay 127\.0\.0\.1:\d+, compliance mailbox \(IMAP\) 127\.0\.0\.1:\d+/);
    await page.goto(/Open: (\S+)/.exec(out)![1]!);
    await page.getByLabel(/^Your name/).fill('Ana');
    await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.waitForSelector('tbody tr[data-case-id]', { timeout: 60_000 });
    await page.keyboard.press('Alt+5');
    await expect
      .poll(() => page.getByLabel('Our compliance address').inputValue(), { timeout: 10_000 })
      .toBe('compliance@exchange.example');
  });

  it('an e-mail-only counterparty answers the Travel Rule data notice, and the answer lands on the case', async () => {
    const { rows } = await api<{ rows: CaseSummary[] }>('cases.list', {
      limit: 500,
      filter: { status: ['pending_review'] },
    });
    let id: string | null = null;
    for (const r of rows) {
      const d = await api<CaseDetail>('cases.get', { id: r.id });
      if (d.record.counterparty?.protocol === 'email') {
        id = r.id;
        break;
      }
    }
    expect(id).not.toBeNull();
    await api('mail.compose', { caseId: id, kind: 'data_notice' });
    await expect
      .poll(
        async () =>
          (await api<CaseDetail>('cases.get', { id })).mail.filter((m) => m.direction === 'in' && m.state === 'matched')
            .length,
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(1);
    const reply = (await api<CaseDetail>('cases.get', { id })).mail.find((m) => m.direction === 'in')!;
    expect(reply.bodyText).toMatch(/We approve the transfer/);
  });
  it('run again on the same folder, finds its exchange and mail where the workstation was told they are', async () => {
    // The first run's workstation has the exchange's address and token, and the mail servers', in its vault.
    const before = await api<{ total: number }>('cases.list', { limit: 1, count: true });
    expect(before.total).toBeGreaterThanOrEqual(500);
    await stopDemo();
    await startDemo();
    expect(out).toMatch(/Open: \S+/);
    await page.goto(/Open: (\S+)/.exec(out)![1]!);
    await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.waitForSelector('tbody tr[data-case-id]', { timeout: 60_000 });
    // Synced with the same exchange (before the fix: "Offline" for good, the first run's port gone).
    await expect
      .poll(
        async () => {
          const s = await api<{ online: boolean; lastSyncAt: string | null; lastError: string | null }>(
            'sync.status',
            {},
          );
          return s.online && s.lastSyncAt !== null && s.lastError === null;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    expect(await page.getByText(/backend cannot be reached/).count()).toBe(0);
    // The exchange went on from the cases it held: none doubled, none lost.
    const after = await api<{ total: number; rows: CaseSummary[] }>('cases.list', { limit: 500, count: true });
    expect(after.total).toBeGreaterThanOrEqual(before.total);
    expect(new Set(after.rows.map((r) => r.id)).size).toBe(after.rows.length);
    // And the mail the workstation keeps in its settings is the mail that runs now.
    expect(await api<{ sent: boolean; error: string | null }>('mail.test', {})).toEqual({ sent: true, error: null });
  });
});
