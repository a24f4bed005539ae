import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workstation } from '../src-main/app/workstation';
import { auditBatch, verifyAudit } from '../src-main/audit/chain';
import { generateCases } from '../src-main/cases/generate';
import type { ReadCase } from '../src-main/cases/intake';
import { admitPooled, IntakePool } from '../src-main/cases/intake-pool';
import { withBulkIntake } from '../src-main/store/db';
import { deferSearchIndex } from '../src-main/store/search-index';
import { writerCpuSeconds } from './suites/intake';

// Issue 21: the intake's writer stage alone. Every case is read first on one intake worker (as a pooled
// `cases import` reads it) and kept; then the import's own database stage runs on this thread (admitPooled
// in deferSearchIndex + auditBatch, BATCH cases a transaction, under withBulkIntake, the WAL copied at the
// end) and only that is timed, by this thread's CPU: no worker competes for the core meanwhile, so the
// figure holds better under a shared machine's load than the whole import's. For a profile of the same
// window: perf record -g -- node --perf-basic-prof --import tsx bench/writer-stage.ts.
// Usage: npx tsx bench/writer-stage.ts [N=20000] [BATCH=2000]

const N = Number(process.argv[2] ?? 20_000);
const BATCH = Number(process.argv[3] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-writer-'));
try {
  const file = join(dir, 'cases.jsonl');
  const out = createWriteStream(file, { encoding: 'utf8' });
  for (const c of generateCases(N, { seed: 21 }))
    if (!out.write(JSON.stringify(c) + '\n')) await new Promise<void>((ok) => out.once('drain', () => ok()));
  await new Promise<void>((ok) => out.end(() => ok()));
  const raws = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((text) => ({ text }));

  const ws = new Workstation({ dataDir: join(dir, 'ws'), mode: 'cli', actor: 'bench' });
  await ws.createVault('benchmark passphrase 1');
  const db = ws.database();
  const checks = ws.checkContext();
  const pool = IntakePool.start(checks, { workers: 1 });
  if (!pool) throw new Error('no intake worker for this context');
  const reads: ReadCase[] = [];
  for (let i = 0; i < raws.length; i += 250) reads.push(...(await pool.read(raws.slice(i, i + 250))));
  const current = pool.serves(checks);
  await pool.close();

  const load = loadavg()[0]!;
  const writer0 = writerCpuSeconds();
  const t0 = performance.now();
  const at = new Date().toISOString();
  let inserted = 0;
  await withBulkIntake(db, async (bulk) => {
    const commit = db.transaction((from: number, to: number) =>
      deferSearchIndex(db, () =>
        auditBatch(db, () => {
          for (let i = from; i < to; i++) {
            const source = { name: 'import:cases.jsonl', location: `line ${i + 1}`, actor: 'bench' };
            if (admitPooled(db, raws[i]!, reads[i]!, source, { checks, at }, current).outcome === 'inserted')
              inserted++;
          }
        }),
      ),
    );
    for (let i = 0; i < N; i += BATCH) {
      commit(i, Math.min(N, i + BATCH));
      await bulk.between();
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  const writer1 = writerCpuSeconds();
  if (inserted !== N || !verifyAudit(db).ok) throw new Error(`wrote ${inserted} of ${N}, or the chain is broken`);
  const cpu = writer0 !== null && writer1 !== null ? Math.round(((writer1 - writer0) / N) * 1e6) : null;
  console.log(
    `writer stage, ${N} cases, ${BATCH} a transaction: ${cpu ?? '?'} µs CPU a case, ${Math.round(N / seconds)} cases/s ` +
      `on one core; database ${Math.round(statSync(join(dir, 'ws', 'cases.db')).size / 2 ** 20)} MiB; ` +
      `load ${load.toFixed(2)}→${loadavg()[0]!.toFixed(2)}`,
  );
  ws.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
