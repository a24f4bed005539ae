import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src-main/platform/log';
import { Workstation } from '../../src-main/app/workstation';
import { generateCases } from '../../src-main/cases/generate';
import { BackendClient } from '../../src-main/sync/client';
import { SyncEngine } from '../../src-main/sync/engine';
import { caseFactory } from '../../reference-backend/simulate';
import { countCases, listCases } from '../../src-main/store/cases';
import { startBackend } from '../../reference-backend/server';
import { percentile, round, type Suite } from '../harness';
import { writerCpuPerCase, writerCpuSeconds } from './intake';

const CASES = Number(process.env.BENCH_SYNC_CASES ?? 100_000);

export const syncSuite: Suite = {
  name: 'sync',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-sync-'));
    const backend = await startBackend({ dbFile: join(dir, 'backend.db') });
    try {
      backend.db.transaction(() => {
        for (const c of generateCases(CASES, { seed: 5 })) backend.addCase({ ...c, status: 'pending_review' });
      })();
      const ws = new Workstation({ dataDir: join(dir, 'ws'), mode: 'cli', actor: 'bench' });
      await ws.createVault('benchmark passphrase 1');
      const engine = new SyncEngine(
        () => ws.database(),
        new BackendClient(backend.url, backend.token, 'bench'),
        () => ws.checkContext(),
        null,
        silentLogger,
        60_000,
      );
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      // What an analyst's queue waits meanwhile: every 100 ms the queue's first page with its count, timed
      // from when it was due to its rows (a page's transaction runs on this thread: the query waits behind it).
      const waits: number[] = [];
      const ctx = { now: new Date().toISOString(), slaHours: 24 };
      let due = performance.now() + 100;
      const asker = setInterval(() => {
        const db = ws.database();
        const total = countCases(db, {}, ctx);
        listCases(
          db,
          { offset: 0, limit: 100, sort: { column: 'transferTime', direction: 'desc' }, filter: {} },
          ctx,
          total,
        );
        const now = performance.now();
        waits.push(now - due);
        due = Math.max(due + 100, now);
      }, 100);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const writer0 = writerCpuSeconds();
      const r = await engine.pull();
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const writer1 = writerCpuSeconds();
      clearInterval(sampler);
      clearInterval(asker);
      if (r.applied !== CASES) throw new Error(`synced ${r.applied} of ${CASES}`);

      // Delay from a new case at the backend to its row here, following live events.
      engine.start();
      await new Promise((ok) => setTimeout(ok, 500));
      const make = caseFactory(77);
      const delays: number[] = [];
      const has = ws.database().prepare('SELECT 1 FROM cases WHERE id = ?');
      for (let i = 0; i < 30; i++) {
        const c = make();
        const start = performance.now();
        backend.addCase(c);
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
          note: 'user + system of the one process holding the client and the backend (the backend serves the pages too)',
        },
        ...writerCpuPerCase(
          'sync',
          'sync: main thread CPU time per case',
          writer0,
          writer1,
          CASES,
          `the writer's thread (Linux /proc, 10 ms ticks), which also runs the backend's HTTP server and the client's page parsing; ${r.workers} intake worker thread${r.workers === 1 ? '' : 's'}`,
        ),
        {
          suite: 'sync',
          metric: 'sync: peak RSS',
          value: round(peak / 2 ** 20, 0),
          unit: 'MiB',
          note: 'whole bench process (backend included), sampled every 50 ms',
        },
        {
          suite: 'sync',
          metric: 'queue first page during the pull, p95 wait',
          value: round(percentile(waits, 95), 0),
          unit: 'ms',
          note: `${waits.length} queries, one every 100 ms, due to rows; p50 ${round(percentile(waits, 50), 0)} ms, max ${round(Math.max(...waits), 0)} ms: the pull's transactions (PULL_CHUNK cases each) run on the thread that answers the queue, its WAL checkpoints on a worker thread (store/checkpointer.ts)`,
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
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
