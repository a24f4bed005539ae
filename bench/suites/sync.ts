import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { silentLogger } from '../../src-main/platform/log';
import { Workstation } from '../../src-main/app/workstation';
import { generateCases } from '../../src-main/cases/generate';
import { BackendClient } from '../../src-main/sync/client';
import { SyncEngine } from '../../src-main/sync/engine';
import { caseFactory } from '../../reference-backend/simulate';
import type { CaseRecord } from '../../src-shared/case';
import { startBackend } from '../../reference-backend/server';
import { ioBytes, statCpuSeconds } from '../proc-io';
import { perCase, percentile, round, type Suite } from '../harness';
import { writerCpuSeconds } from './intake';
import { openQueue } from './queue';

const CASES = Number(process.env.BENCH_SYNC_CASES ?? 100_000);
/** `inline`: the backend on the bench's own thread (as before 30 Nov 2026), for comparison. */
const INLINE = process.env.BENCH_SYNC_BACKEND === 'inline';
const ASK = process.env.BENCH_SYNC_ASK !== '0';

/** The reference backend on `dbFile` in a process of its own (bench/backend-child.ts), once it listens. */
async function backendProcess(dbFile: string, token: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, '..', 'backend-child.ts'), dbFile, token],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`the backend process ended (${code}) before it listened`)));
  });
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

export const syncSuite: Suite = {
  name: 'sync',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-sync-'));
    const dbFile = join(dir, 'backend.db');
    const backend = await startBackend({ dbFile });
    let child: ChildProcess | null = null;
    let inlineOpen = true;
    try {
      backend.db.transaction(() => {
        for (const c of generateCases(CASES, { seed: 5 })) backend.addCase({ ...c, status: 'pending_review' });
      })();
      let url = backend.url;
      if (!INLINE) {
        await backend.close();
        inlineOpen = false;
        const p = await backendProcess(dbFile, backend.token);
        child = p.child;
        url = p.url;
      }
      const addCase = async (c: CaseRecord) => {
        if (!child) return void backend.addCase(c);
        const res = await fetch(`${url}/v1/test/cases`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${backend.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ case: c }),
        });
        if (res.status !== 201) throw new Error(`the backend refused a live case (${res.status})`);
      };
      const ws = new Workstation({ dataDir: join(dir, 'ws'), mode: 'cli', actor: 'bench' });
      await ws.createVault('benchmark passphrase 1');
      const engine = new SyncEngine(
        () => ws.database(),
        new BackendClient(url, backend.token, 'bench'),
        () => ws.checkContext(),
        null,
        silentLogger,
        60_000,
      );
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      // What an analyst's queue waits meanwhile: a request for the queue's first page with its count is
      // due every 100 ms, whatever the workstation is doing (an analyst's clicks do not wait for it), and
      // each is timed from when it was due until its rows. A request due while this thread ran a pull's
      // transaction is answered after it, each with a query of its own. (Until 30 Nov a setInterval
      // asked: a late tick pushed every later tick back by as much, so one long wait was counted again
      // in every later request.)
      const waits: number[] = [];
      const ctx = { now: new Date().toISOString(), slaHours: 24 };
      let due = performance.now() + 100;
      let asking = true;
      let asker: NodeJS.Timeout | undefined;
      const ask = () => {
        if (!asking) return;
        while (due <= performance.now()) {
          openQueue(ws.database(), ctx);
          waits.push(performance.now() - due);
          due += 100;
        }
        asker = setTimeout(ask, due - performance.now());
      };
      if (ASK) asker = setTimeout(ask, 100);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const writer0 = writerCpuSeconds();
      const written0 = ioBytes('wchar');
      const backend0 = child ? statCpuSeconds(`/proc/${child.pid}/stat`) : null;
      const r = await engine.pull();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const writer1 = writerCpuSeconds();
      const backend1 = child ? statCpuSeconds(`/proc/${child.pid}/stat`) : null;
      const written1 = ioBytes('wchar');
      clearInterval(sampler);
      asking = false;
      clearTimeout(asker);
      if (r.applied !== CASES) throw new Error(`synced ${r.applied} of ${CASES}`);

      // Delay from a new case at the backend to its row here, following live events.
      engine.start();
      await new Promise((ok) => setTimeout(ok, 500));
      const make = caseFactory(77);
      const delays: number[] = [];
      const has = ws.database().prepare('SELECT 1 FROM cases WHERE id = ?');
      for (let i = 0; i < 30; i++) {
        const c = make();
        // From when the backend holds the case (its answer to the POST that added it).
        await addCase(c);
        const start = performance.now();
        while (!has.get(c.id) && performance.now() - start < 10_000) await new Promise((ok) => setTimeout(ok, 2));
        if (!has.get(c.id)) throw new Error(`case ${c.id} did not arrive within 10 s`);
        delays.push(performance.now() - start);
      }
      await engine.stop();
      ws.close();
      return [
        {
          suite: 'sync',
          metric: `end-to-end sync of ${CASES} cases over loopback`,
          value: round(CASES / seconds, 0),
          unit: 'cases/s',
          goal: { atLeast: 10_000 },
          note: `${round(seconds, 1)} s through admit, every case checked (rules, IVMS101, screening); ${r.workers} intake worker thread${r.workers === 1 ? '' : 's'}`,
        },
        {
          suite: 'sync',
          metric: 'sync: CPU time per case',
          value: round((cpu.user + cpu.system) / CASES, 0),
          unit: 'µs',
          goal: { atMost: 100 },
          note: child
            ? "user + system of the workstation's process (the writer, the intake worker, the checkpointer); the backend's own process is the next line"
            : 'user + system of the one process holding the client and the backend (the backend serves the pages too)',
        },
        ...(backend0 !== null && backend1 !== null
          ? [
              {
                suite: 'sync',
                metric: "sync: the backend process's CPU time per case",
                value: round(((backend1 - backend0) / CASES) * 1e6, 0),
                unit: 'µs',
                note: "the reference backend serving the changes feed, in a process of its own (bench/backend-child.ts), as an exchange's backend is another machine",
              },
            ]
          : []),
        ...perCase(
          'µs',
          'sync',
          'sync: main thread CPU time per case',
          writer0,
          writer1,
          CASES,
          `the writer's thread (Linux /proc, 10 ms ticks), which also parses the feed's pages${child ? '' : " and runs the backend's HTTP server"}; ${r.workers} intake worker thread${r.workers === 1 ? '' : 's'}`,
        ),
        ...perCase(
          'KiB',
          'sync',
          'sync: bytes written per case',
          written0,
          written1,
          CASES,
          "write(2) bytes of the workstation's process (Linux /proc): WAL frames and checkpoints, each page through the cipher. A pull commits every PULL_CHUNK (100) cases so the queue's queries, on the same thread, wait for one chunk only; 20,000 cases in chunks of 500 wrote 41.8 KiB a case against 61.6 and its queue waited p95 453-662 ms against 226-260 (30 Nov 2026)",
        ),
        {
          suite: 'sync',
          metric: 'sync: peak RSS',
          value: round(peak / 2 ** 20, 0),
          unit: 'MiB',
          note: `the workstation's process${child ? '' : ' (backend included)'}, sampled every 50 ms`,
        },
        {
          suite: 'sync',
          metric: 'queue first page during the pull, p95 wait',
          value: round(percentile(waits, 95), 0),
          unit: 'ms',
          note: `${waits.length} requests, one due every 100 ms, each timed from when it was due to its rows; p50 ${round(percentile(waits, 50), 0)} ms, max ${round(Math.max(...waits), 0)} ms: the pull's transactions (PULL_CHUNK cases each) run on the thread that answers the queue, its WAL checkpoints on a worker thread (store/checkpointer.ts)`,
        },
        {
          suite: 'sync',
          metric: 'new case at the backend → local row, p50',
          value: round(percentile(delays, 50), 1),
          unit: 'ms',
          note: 'live events (SSE), 30 cases',
        },
        {
          suite: 'sync',
          metric: 'new case at the backend → local row, p95',
          value: round(percentile(delays, 95), 1),
          unit: 'ms',
        },
      ];
    } finally {
      if (child) {
        child.kill('SIGTERM');
        if (child.exitCode === null) await new Promise((ok) => child!.once('exit', ok));
      }
      if (inlineOpen) await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
