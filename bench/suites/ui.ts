import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { launchChromium, serve } from '../../test/support/browser';
import { median, percentile, round, type Measurement, type Suite } from '../harness';
import { BENCH_PASSPHRASE, millionCaseDataDir, warmFileCache } from '../million';

// The analyst's view of a million-case store, in Debian's Chromium against `waybill serve`:
// unlock to first page, queue query round trips for filter and sort changes, and frame times while
// scrolling 10,000 rows.

const ROW = 26;

async function firstRows(page: Page): Promise<void> {
  await page.waitForSelector('tbody tr[data-case-id]', { timeout: 120_000 });
}

/**
 * Unlock to first page as the page sees it: from the Unlock button's click event to the first case row in
 * the DOM (a MutationObserver, as the queue's own measure ends when its rows are committed), and the same
 * timed from here. From here it read 840-890 ms where the page saw about 460 (1 Dec 2026): Playwright's
 * click first waits for the button to be still, and its wait for a selector polls at growing intervals,
 * up to 500 ms apart.
 */
async function timedUnlock(page: Page): Promise<{ page: number; outside: number }> {
  // Source text: tsx would wrap a page function in helpers the page lacks.
  await page.evaluate(`(() => {
    const seen = (window.__unlockSeen = { clicked: 0, rows: 0 });
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Unlock');
    button.addEventListener('click', () => { seen.clicked = performance.now(); }, { capture: true, once: true });
    new MutationObserver((_, o) => {
      if (seen.clicked && document.querySelector('tbody tr[data-case-id]')) {
        seen.rows = performance.now();
        o.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true });
  })()`);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Unlock' }).click();
  await firstRows(page);
  const outside = Date.now() - t0;
  const seen = (await page.evaluate('window.__unlockSeen')) as { clicked: number; rows: number };
  if (!seen.clicked || !seen.rows) throw new Error('the unlock was not seen in the page');
  return { page: seen.rows - seen.clicked, outside };
}

/** Runs one queue change and waits until its rows are on screen; the store records the query as a performance measure. */
async function change(page: Page, act: () => Promise<void>): Promise<void> {
  await page.evaluate(() => {
    performance.clearMeasures('waybill:queue-query');
    performance.clearResourceTimings();
  });
  await act();
  await page.waitForFunction(() => performance.getEntriesByName('waybill:queue-query').length > 0, undefined, {
    timeout: 120_000,
  });
}

export const uiSuite: Suite = {
  name: 'ui',
  async run() {
    const dir = await millionCaseDataDir();
    warmFileCache(dir);
    const server = await serve(dir);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
      await page.goto(server.launchUrl);
      const unlock: number[] = [];
      const unlockOutside: number[] = [];
      for (let i = 0; i < 4; i++) {
        await page.getByLabel('Passphrase').fill(BENCH_PASSPHRASE);
        const seen = await timedUnlock(page);
        unlock.push(Math.round(seen.page));
        unlockOutside.push(seen.outside);
        await page.keyboard.press('Control+l');
        await page.getByRole('button', { name: 'Unlock' }).waitFor();
      }
      await page.getByLabel('Passphrase').fill(BENCH_PASSPHRASE);
      await page.getByRole('button', { name: 'Unlock' }).click();
      await firstRows(page);
      await page.waitForSelector('#f-jurisdiction option:nth-child(3)', { state: 'attached', timeout: 60_000 });

      // Filter and sort changes an analyst makes in a morning, each measured from request to rows.
      const queries: number[] = [];
      // Where each wait went: the core's time (the bridge's Server-Timing), the answer's way to the page
      // (transport, and the page busy drawing the new filter), and drawing the rows after the answer.
      const split = { core: [] as number[], reach: [] as number[], draw: [] as number[] };
      const take = async () => {
        // Source text, as below: tsx would wrap a page function in helpers the page lacks.
        const seen = (await page.evaluate(`(() => {
          const measures = performance.getEntriesByName('waybill:queue-query');
          const m = measures.at(-1);
          const q = m && performance.getEntriesByType('resource')
            .find((e) => e.name.endsWith('/cases.list') && e.startTime >= m.startTime);
          const core = q && q.serverTiming.find((t) => t.name === 'core');
          return {
            durations: measures.map((e) => e.duration),
            split: m && q && core ? { core: core.duration, reached: q.responseEnd - m.startTime, shown: m.duration } : null,
          };
        })()`)) as { durations: number[]; split: { core: number; reached: number; shown: number } | null };
        queries.push(...seen.durations);
        if (seen.split) {
          split.core.push(seen.split.core);
          split.reach.push(seen.split.reached - seen.split.core);
          split.draw.push(seen.split.shown - seen.split.reached);
        }
      };
      const labels = [
        'sort risk',
        'sort risk again',
        'sort value',
        'sort time',
        'status pending',
        'direction deposit',
        'jurisdiction TR',
        'jurisdiction all',
        'missing fields on',
        'missing fields off',
        'SLA breached on',
        'SLA breached off',
        'risk ≥ 90',
        'sort asset',
        'unassigned',
        'search Petrov',
        'search Müller Anna',
        'clear filters',
        'sort value',
        'status escalated',
      ];
      const perStep: number[] = [];
      const steps: (() => Promise<void>)[] = [
        () => page.getByRole('button', { name: /^Risk/ }).click(),
        () => page.getByRole('button', { name: /^Risk/ }).click(),
        () => page.getByRole('button', { name: /^Value/ }).click(),
        () => page.getByRole('button', { name: /^Transfer time/ }).click(),
        () =>
          page
            .locator('#f-status')
            .selectOption('pending_review')
            .then(() => undefined),
        () =>
          page
            .locator('#f-direction')
            .selectOption('deposit')
            .then(() => undefined),
        () =>
          page
            .locator('#f-jurisdiction')
            .selectOption('TR')
            .then(() => undefined),
        () =>
          page
            .locator('#f-jurisdiction')
            .selectOption('')
            .then(() => undefined),
        () => page.getByLabel('Missing fields').check(),
        () => page.getByLabel('Missing fields').uncheck(),
        () => page.getByLabel('SLA breached').check(),
        () => page.getByLabel('SLA breached').uncheck(),
        () =>
          page
            .locator('#f-risk')
            .selectOption('90')
            .then(() => undefined),
        () => page.getByRole('button', { name: /^Asset/ }).click(),
        () =>
          page
            .locator('#f-analyst')
            .selectOption('unassigned')
            .then(() => undefined),
        async () => {
          await page.getByLabel(/Search names, wallets/).fill('Petrov');
          await page.getByLabel(/Search names, wallets/).press('Enter');
        },
        async () => {
          await page.getByLabel(/Search names, wallets/).fill('Müller Anna');
          await page.getByLabel(/Search names, wallets/).press('Enter');
        },
        () => page.getByRole('button', { name: 'Clear filters' }).click(),
        () => page.getByRole('button', { name: /^Value/ }).click(),
        () =>
          page
            .locator('#f-status')
            .selectOption('escalated')
            .then(() => undefined),
      ];
      // BENCH_UI_PROFILE=FILE: the page's CPU profile over the 20 changes (Chrome DevTools Protocol), for
      // reading where drawing the rows goes (node /path/to/a-summarizer FILE, or DevTools).
      const profileTo = process.env.BENCH_UI_PROFILE;
      const cdp = profileTo ? await page.context().newCDPSession(page) : null;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
        await cdp.send('Profiler.start');
      }
      for (const step of steps) {
        await change(page, step);
        const before = queries.length;
        await take();
        perStep.push(Math.max(...queries.slice(before)));
      }
      if (cdp && profileTo) writeFileSync(profileTo, JSON.stringify((await cdp.send('Profiler.stop')).profile));
      const slowest = perStep
        .map((ms, i) => [labels[i] ?? `step ${i}`, ms] as const)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3);

      // Scroll 10,000 rows: a steady 40 rows a frame for 250 frames, timing each frame.
      await change(page, () => page.getByRole('button', { name: 'Clear filters' }).click());
      // Passed as source text: tsx would otherwise wrap the page function in helpers the page lacks.
      const frames = (await page.evaluate(`new Promise((resolve) => {
        const el = document.querySelector('[data-testid="queue-scroll"]');
        const deltas = [];
        let loadingFrames = 0;
        let last = performance.now();
        let moved = 0;
        function tick(now) {
          deltas.push(now - last);
          last = now;
          if (document.querySelector('tr.loading-row')) loadingFrames++;
          if (moved >= 10000) return resolve({ deltas: deltas.slice(1), loadingFrames });
          moved += 40;
          el.scrollTop = moved * ${ROW};
          requestAnimationFrame(tick);
        }
        requestAnimationFrame(tick);
      })`)) as { deltas: number[]; loadingFrames: number };
      const total = (await page.getByTestId('queue-count').textContent()) ?? '';
      const r = (metric: string, value: number, unit: string, note?: string): Measurement => ({
        suite: 'ui',
        metric,
        value,
        unit,
        ...(note ? { note } : {}),
      });
      return [
        r(
          'unlock to first page, median',
          round(median(unlock), 0),
          'ms',
          `${total.split(' ·')[0]}; ${unlock.length} unlocks (Argon2id 64 MiB included), from the click event to the first row in the page; runs ${unlock.join(', ')} ms; timed from the bench's process, Playwright's click and polling included: ${unlockOutside.join(', ')} ms`,
        ),
        r(
          'queue query p50 (filter/sort change)',
          round(percentile(queries, 50), 1),
          'ms',
          `${queries.length} changes, from the request until its rows are in the page (rendered), count included; ` +
            `of it, p50 / p95: the core ${round(percentile(split.core, 50), 1)} / ${round(percentile(split.core, 95), 1)} ms, ` +
            `the answer's way to the page ${round(percentile(split.reach, 50), 1)} / ${round(percentile(split.reach, 95), 1)} ms, ` +
            `drawing the rows ${round(percentile(split.draw, 50), 1)} / ${round(percentile(split.draw, 95), 1)} ms (${split.core.length} changes split)`,
        ),
        // Issue 21's goal is this figure, the analyst's: the queue suite's is the database's share of it.
        {
          ...r(
            'queue query p95 (filter/sort change)',
            round(percentile(queries, 95), 1),
            'ms',
            `goal <= 20 ms: ${round(percentile(queries, 95) / 20, 2)}x; slowest: ${slowest.map(([l, ms]) => `${l} ${round(ms, 0)} ms`).join(', ')}`,
          ),
          goal: { atMost: 20 },
        },
        r(
          'scroll 10,000 rows: frame time p50',
          round(percentile(frames.deltas, 50), 1),
          'ms',
          `${frames.deltas.length} frames, 40 rows/frame`,
        ),
        r(
          'scroll 10,000 rows: frame time p95',
          round(percentile(frames.deltas, 95), 1),
          'ms',
          `max ${round(Math.max(...frames.deltas), 1)} ms; ${frames.loadingFrames} frames showed rows still loading`,
        ),
      ];
    } finally {
      await browser.close();
      await server.stop();
    }
  },
};
