import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, WAYBILL_BIN, runCli } from './cli';
import { TEST_PASSPHRASE, tempDir } from './temp';

export const CHROMIUM = process.env.WAYBILL_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

/**
 * Debian's Chromium, with the flags this closed network needs (Playwright gives it a fresh profile).
 * A missing browser is a failure, not a skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set WAYBILL_CHROMIUM).`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

export interface Served {
  launchUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `waybill serve` as a user would, and waits for it to print its URL. */
export function serve(dataDir: string, extraEnv: Record<string, string> = {}): Promise<Served> {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
    throw new Error('The UI is not built: run `npm run build` before the browser tests (npm test does).');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WAYBILL_BIN, 'serve', '--data-dir', dataDir], {
      cwd: ROOT,
      env: { ...process.env, VITEST: undefined, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`waybill serve printed no URL in 30 s: ${err}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open: (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({
          launchUrl: m[1],
          process: child,
          stop: () =>
            new Promise<void>((done, fail) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              const timer = setTimeout(() => {
                child.kill('SIGKILL');
                fail(new Error('waybill serve did not exit within 10 s of SIGTERM'));
              }, 10_000);
              child.once('exit', () => {
                clearTimeout(timer);
                done();
              });
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`waybill serve exited with ${code}: ${err}`)));
  });
}

/** The workstation's API from inside the page, with the page's own session cookie: the raw envelope. */
export function invokeInPage(page: Page, method: string, input: unknown): Promise<unknown> {
  return page.evaluate(
    async ([m, i]) => {
      const res = await fetch(`/api/invoke/${m}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(i),
      });
      return res.json();
    },
    [method, input] as const,
  );
}

/** The same, unwrapped: the value, or an Error with the core's message. */
export async function callInPage<T>(page: Page, method: string, input: unknown): Promise<T> {
  const r = (await invokeInPage(page, method, input)) as { ok: boolean; value: T; error?: { message: string } };
  if (!r.ok) throw new Error(r.error?.message);
  return r.value;
}

export interface UnlockedSession {
  dir: string;
  dataDir: string;
  browser: Browser;
  server: Served;
  page: Page;
  close(): Promise<void>;
}

/**
 * Where most browser tests start: a vault made and filled with generated cases through the CLI,
 * served by `waybill serve`, open in Chromium and unlocked with the queue on screen.
 */
export async function unlockedSession(o: {
  cases: number;
  seed: number;
  viewport: { width: number; height: number };
}): Promise<UnlockedSession> {
  const t = tempDir();
  const dataDir = join(t.dir, 'data');
  const env = { WAYBILL_PASSPHRASE: TEST_PASSPHRASE };
  const step = async (args: string[], withEnv = {}) => {
    const r = await runCli(args, withEnv);
    if (r.code !== 0) throw new Error(`waybill ${args.slice(0, 2).join(' ')} exited with ${r.code}: ${r.stderr}`);
  };
  await step(['vault', 'init', '--data-dir', dataDir], env);
  await step([
    'cases',
    'generate',
    '--count',
    String(o.cases),
    '--seed',
    String(o.seed),
    '--out',
    join(t.dir, 'c.jsonl'),
  ]);
  await step(['cases', 'import', '--data-dir', dataDir, join(t.dir, 'c.jsonl')], env);
  const browser = await launchChromium();
  const server = await serve(dataDir);
  const page = await browser.newPage({ viewport: o.viewport });
  await page.goto(server.launchUrl);
  await page.getByLabel('Passphrase').fill(TEST_PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForSelector('tbody tr[data-case-id]', { timeout: 30_000 });
  return {
    dir: t.dir,
    dataDir,
    browser,
    server,
    page,
    close: async () => {
      await browser.close();
      await server.stop();
      t.cleanup();
    },
  };
}
