import { launchChromium, serve } from '../test/support/browser';
import { BENCH_PASSPHRASE, millionCaseDataDir, warmFileCache } from './million';

// Issue 21: the queue's filter and sort changes in Chromium against `waybill serve` on the million-case
// store, ROUNDS times over, each timed as the ui suite times it (the page's "waybill:queue-query"
// measure: request to rows in the page), and the median of each change. More rounds than the ui suite's
// one pass, so two builds can be told apart: run it on each, alternating. Usage:
//   npm run build && WAYBILL_SHARED=… npx tsx bench/ui-rounds.ts [ROUNDS=6]

const ROUNDS = Number(process.argv[2] ?? 6);
const dir = await millionCaseDataDir();
warmFileCache(dir);
const server = await serve(dir);
const browser = await launchChromium();
const seen: Record<string, number[]> = {};
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  await page.goto(server.launchUrl);
  await page.getByLabel('Passphrase').fill(BENCH_PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForSelector('tbody tr[data-case-id]', { timeout: 120_000 });
  await page.waitForSelector('#f-jurisdiction option:nth-child(3)', { state: 'attached', timeout: 60_000 });
  await page.waitForTimeout(500);
  const pick = (id: string, value: string) => () =>
    page
      .locator(id)
      .selectOption(value)
      .then(() => undefined);
  const changes: [string, () => Promise<void>][] = [
    ['sort risk', () => page.getByRole('button', { name: /^Risk/ }).click()],
    ['sort value', () => page.getByRole('button', { name: /^Value/ }).click()],
    ['status pending', pick('#f-status', 'pending_review')],
    ['direction deposit', pick('#f-direction', 'deposit')],
    ['jurisdiction TR', pick('#f-jurisdiction', 'TR')],
    ['jurisdiction all', pick('#f-jurisdiction', '')],
    ['risk ≥ 90', pick('#f-risk', '90')],
    ['clear filters', () => page.getByRole('button', { name: 'Clear filters' }).click()],
  ];
  for (let round = 0; round < ROUNDS; round++)
    for (const [label, act] of changes) {
      await page.evaluate(() => performance.clearMeasures('waybill:queue-query'));
      await act();
      await page.waitForFunction(() => performance.getEntriesByName('waybill:queue-query').length > 0, undefined, {
        timeout: 60_000,
      });
      // Source text: tsx would wrap a page function in helpers the page lacks.
      const ms = (await page.evaluate(`performance.getEntriesByName('waybill:queue-query').at(-1).duration`)) as number;
      (seen[label] ??= []).push(ms);
      await page.waitForTimeout(150);
    }
} finally {
  await browser.close();
  await server.stop();
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const [label, ms] of Object.entries(seen)) console.log(`${label.padEnd(18)} median ${median(ms).toFixed(1)} ms`);
console.log(`${'all'.padEnd(18)} median ${median(Object.values(seen).flat()).toFixed(1)} ms (${ROUNDS} rounds)`);
