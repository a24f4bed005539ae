import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseFactory } from '../reference-backend/simulate';
import { startBackend } from '../reference-backend/server';
import { invokeInPage, launchChromium, serve } from '../test/support/browser';
import { TEST_PASSPHRASE } from '../test/support/temp';

// Issue 21: a backlog synced while the analyst watches the queue in Chromium (`waybill serve`, the
// reference backend in a process of its own, as in the sync suite). The queue refreshes when the core
// says cases changed; those refreshes run on the thread that writes the pull. Prints the time from the
// vault's creation until the core has every case (sync.status' cursor at the feed's end) and until the
// queue shows them all, for `SCREEN` queue (default) or settings (nothing refreshing). Usage:
//   npm run build && npx tsx bench/ui-sync.ts [CASES=20000] [SCREEN=queue]

const N = Number(process.argv[2] ?? 20_000);
const screen = process.argv[3] ?? 'queue';
const dir = mkdtempSync(join(tmpdir(), 'waybill-ui-sync-'));
try {
  const dbFile = join(dir, 'backend.db');
  const token = 'ui-sync-bench-token-0123456789';
  const seeded = await startBackend({ dbFile, token });
  const makeCase = caseFactory(21);
  seeded.db.transaction(() => {
    for (let i = 0; i < N; i++) seeded.addCase(makeCase());
  })();
  const end = (seeded.db.prepare('SELECT max(seq) AS s FROM cases').get() as { s: number }).s;
  await seeded.close();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'backend-child.ts'), dbFile, token],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((ok) =>
    child.stdout!.on('data', (b: Buffer) => {
      const m = /"url":"([^"]+)"/.exec(b.toString());
      if (m?.[1]) ok(m[1]);
    }),
  );
  const server = await serve(join(dir, 'data'), { WAYBILL_BACKEND_URL: url, WAYBILL_BACKEND_TOKEN: token });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.launchUrl);
    await page.getByLabel(/^Your name/).fill('Ana');
    await page.getByLabel(/^Passphrase \(at least/).fill(TEST_PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(TEST_PASSPHRASE);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Create vault' }).click();
    if (screen !== 'queue') {
      await page.waitForSelector('nav');
      await page.keyboard.press('Alt+5');
    }
    let synced = 0;
    for (;;) {
      const s = (await invokeInPage(page, 'sync.status', {})) as { ok: boolean; value?: { cursor: number } };
      if (s.ok && (s.value?.cursor ?? 0) >= end) {
        synced = Date.now() - t0;
        break;
      }
      await page.waitForTimeout(200);
    }
    if (screen !== 'queue') await page.keyboard.press('Alt+1');
    const want = `${N.toLocaleString('en-US')} cases`;
    while (!((await page.getByTestId('queue-count').textContent()) ?? '').startsWith(want))
      await page.waitForTimeout(100);
    const shown = Date.now() - t0;
    console.log(
      `${N} cases, screen ${screen}: core has them all at ${(synced / 1000).toFixed(1)} s (${Math.round(N / (synced / 1000))} cases/s), the queue shows them at ${(shown / 1000).toFixed(1)} s`,
    );
  } finally {
    await browser.close();
    await server.stop();
    child.kill('SIGTERM');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
