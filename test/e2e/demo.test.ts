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

beforeAll(async () => {
  t = tempDir();
  // The demo opens its one-time link with xdg-open; here the test's Chromium must be the one to use it.
  mkdirSync(join(t.dir, 'bin'));
  writeFileSync(join(t.dir, 'bin', 'xdg-open'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
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
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 90_000);
afterAll(async () => {
  await browser?.close();
  if (demo?.pid) {
    const exited = new Promise((r) => demo.once('exit', r));
    process.kill(-demo.pid, 'SIGTERM');
    await exited;
  }
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
});
