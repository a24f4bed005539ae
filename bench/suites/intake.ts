import { createWriteStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workstation } from '../../src-main/app/workstation';
import { verifyAudit } from '../../src-main/audit/chain';
import { generateCases } from '../../src-main/cases/generate';
import { importCasesFile } from '../../src-main/cases/import';
import { IntakePool } from '../../src-main/cases/intake-pool';
import { cipherPageCosts } from '../cipher-pages';
import { ioBytes, statCpuSeconds } from '../proc-io';
import { perCase, round, type Measurement, type Suite } from '../harness';
import { millionBuild } from '../million';
import { screeningImport } from '../../src-main/cli/screening';
import { sharedPath } from '../../test/support/shared';

const CASES = Number(process.env.BENCH_INTAKE_CASES ?? 100_000);
// BENCH_INTAKE_LISTS=ofac: OFAC's list (shared fixtures, 7.4k entries) in force before the import, so every
// party is searched as in a vault with a list; each metric's name then says so. Without it the vault has no
// list and screening only counts the parties.
const LISTS = process.env.BENCH_INTAKE_LISTS === 'ofac';
const WITH = LISTS ? ' (OFAC in force)' : '';

/**
 * CPU seconds of this process's main thread (the writer) alone, from Linux's per-thread counters (null
 * elsewhere): with the pure stage on workers, the writer's share is the import's critical path.
 */
export function writerCpuSeconds(): number | null {
  return statCpuSeconds(`/proc/self/task/${process.pid}/stat`);
}

/**
 * CPU seconds of each thread of this process now, by Linux thread id (null elsewhere): the intake's worker
 * threads are the ones started during the run; the threads alive before it, other than the main one, are
 * V8's and libuv's (garbage collection helpers, compilers), shared by every isolate.
 */
export function threadCpuSeconds(): Map<string, number> | null {
  try {
    const out = new Map<string, number>();
    for (const tid of readdirSync(`/proc/self/task`)) {
      // null: the thread ended between the listing and the read
      const s = statCpuSeconds(`/proc/self/task/${tid}/stat`);
      if (s !== null) out.set(tid, s);
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * The CPU a case of the threads the run started (the intake's workers, and tsx's loader beside each when
 * run from source) and of the threads that were there before it other than the main one (V8's garbage
 * collection and compiler threads, libuv's), from two threadCpuSeconds() readings; none without /proc.
 * With the writer's own share, these say which thread bounds the import (issue 21: the worker's share
 * had been read as all CPU minus the writer's, the background threads included).
 */
export function threadShares(
  before: Map<string, number> | null,
  after: Map<string, number> | null,
  cases: number,
  workers: string,
  total: { cpuSeconds: number; writerSeconds: number | null },
): Measurement[] {
  if (!before || !after) return [];
  let started = 0;
  let background = 0;
  for (const [tid, cpu] of after) {
    if (tid === String(process.pid)) continue;
    const was = before.get(tid);
    if (was === undefined) started += cpu;
    else background += cpu - was;
  }
  const perCase = (s: number) => round((s / cases) * 1e6, 0);
  // The process's CPU keeps what its ended threads used: what no live thread accounts for is theirs.
  const ended = total.writerSeconds === null ? null : total.cpuSeconds - total.writerSeconds - started - background;
  return [
    {
      suite: 'intake',
      metric: `cases import: intake worker threads CPU time per case${WITH}`,
      value: perCase(started),
      unit: 'µs',
      note: `the threads started for the run (Linux /proc, 10 ms ticks): ${workers}; below the writer's, the import is writer-bound`,
    },
    {
      suite: 'intake',
      metric: `cases import: V8's background threads CPU time per case${WITH}`,
      value: perCase(background),
      unit: 'µs',
      note: "threads alive before the run other than the main one: V8's garbage collection and compiler helpers and libuv's, for every isolate",
    },
    ...(ended === null
      ? []
      : [
          {
            suite: 'intake',
            metric: `cases import: ended threads CPU time per case${WITH}`,
            value: perCase(ended),
            unit: 'µs',
            note: "all threads' CPU minus the writer's, the workers' and the background threads': the threads that ended before the import returned, i.e. the bulk intake's WAL checkpointer (store/checkpointer.ts), the writer's work on another thread",
          },
        ]),
  ];
}

/** Writes CASES generated cases as JSON Lines, as `waybill cases generate --out` does. */
async function writeCases(file: string): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  for (const c of generateCases(CASES, { seed: 21 }))
    if (!out.write(JSON.stringify(c) + '\n')) await new Promise<void>((ok) => out.once('drain', () => ok()));
  await new Promise<void>((ok, fail) => out.end((e?: Error | null) => (e ? fail(e) : ok())));
}

// `waybill cases import` as an analyst runs it: the same function the CLI calls, through the intake
// (`admit`: strict rules, every check, audit event, search index) into a real SQLCipher vault.
/**
 * The cipher's part of the writer's work a case: the pages the import wrote a case (a page written is 8 KiB:
 * its WAL frame, then its copy into the database) times what SQLCipher 4 adds to writing a page, measured
 * beside plain SQLite. A floor under SQLCipher's format: no change to the intake removes it, only writing
 * fewer pages a case.
 */
function cipherShare(bytesPerCase: number, costs: ReturnType<typeof cipherPageCosts>): Measurement {
  const pages = bytesPerCase / 8192;
  const added = (c: { write: number }) => pages * (c.write - costs.plain.write);
  const share = added(costs.sqlcipher);
  return {
    suite: 'intake',
    metric: "cases import: the cipher's CPU per case (SQLCipher 4)",
    value: round(share, 0),
    unit: 'µs',
    note: `${round(pages, 1)} pages written a case × ${round(costs.sqlcipher.write - costs.plain.write, 1)} µs SQLCipher 4 adds to a page's write and checkpoint (${round(costs.sqlcipher.write, 1)} vs ${round(costs.plain.write, 1)} µs plain); on one writer thread that alone caps the intake at ${round(1e6 / share, 0)} cases/s; AEGIS (sqlite3mc, not used) would add ${round(added(costs.aegis), 0)} µs`,
  };
}

export const intakeSuite: Suite = {
  name: 'intake',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-intake-'));
    try {
      const file = join(dir, 'cases.jsonl');
      await writeCases(file);
      const ws = new Workstation({ dataDir: join(dir, 'ws'), mode: 'cli', actor: 'bench' });
      await ws.createVault('benchmark passphrase 1');
      if (LISTS) {
        const quiet = { stdout: () => undefined, stderr: (e: string) => void process.stderr.write(e) };
        if (screeningImport(ws, 'ofac', sharedPath('fixtures', 'sanctions', 'ofac'), quiet) !== 0)
          throw new Error('the OFAC list could not be put in force');
      }
      const before = verifyAudit(ws.database()).events;
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const writer0 = writerCpuSeconds();
      const written0 = ioBytes('wchar');
      const threads0 = threadCpuSeconds();
      // The pool the CLI's import starts itself (cases/import.ts), started here to say how many workers ran.
      const checks = ws.checkContext();
      const pool = IntakePool.start(checks);
      const r = await importCasesFile(ws.database(), file, 'bench', checks, { workers: pool ?? 0 });
      // Read before the pool closes: an ended worker's thread leaves /proc with its counters.
      const threads1 = threadCpuSeconds();
      const size = pool?.size ?? 0;
      await pool?.close();
      const workers = pool
        ? `${size} intake worker thread${size === 1 ? '' : 's'} (start ${pool.starts.map((x) => `${x.ms} ms, ${x.heapMiB} MiB heap`).join('; ')})`
        : 'no worker thread: the pure stage in-line';
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const writer1 = writerCpuSeconds();
      const written1 = ioBytes('wchar');
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      if (r.inserted !== CASES) throw new Error(`imported ${r.inserted} of ${CASES}`);
      // A fast import that broke the chain would be no import at all.
      const chain = verifyAudit(ws.database());
      if (!chain.ok || chain.events !== before + CASES + 1)
        throw new Error(`audit chain after import: ${JSON.stringify(chain)}`);
      ws.close();
      // The million-case store is built through the same admit (bench/million.ts): its build time,
      // when the cache holds one built that way, is the intake's speed at a million.
      const build = millionBuild();
      const million: Measurement[] = build
        ? [
            {
              suite: 'intake',
              metric: `million-case store build through admit (${build.cases} cases)`,
              value: round(build.cases / build.seconds, 0),
              unit: 'cases/s',
              goal: { atLeast: 10_000 },
              note: `${build.seconds} s, built ${build.at} (bench/million.ts; not timed in this run)`,
            },
          ]
        : [];
      return [
        ...million,
        {
          suite: 'intake',
          metric: `cases import of ${CASES} generated cases${WITH}`,
          value: round(CASES / seconds, 0),
          unit: 'cases/s',
          goal: { atLeast: 10_000 },
          note: `${round(seconds, 1)} s through admit (rules, checks, audit, search index); ${workers}`,
        },
        {
          suite: 'intake',
          metric: `cases import: peak RSS${WITH}`,
          value: round(peak / 2 ** 20, 0),
          unit: 'MiB',
          note: 'whole bench process, sampled every 50 ms',
        },
        {
          suite: 'intake',
          metric: `cases import: CPU time per case${WITH}`,
          value: round((cpuSeconds / CASES) * 1e6, 0),
          unit: 'µs',
          // 10,000 cases/s on the one core JavaScript runs on.
          goal: { atMost: 100 },
          note: `user + system of every thread (writer and ${workers}); steadier than wall time on a shared machine`,
        },
        ...perCase(
          'µs',
          'intake',
          `cases import: writer thread CPU time per case${WITH}`,
          writer0,
          writer1,
          CASES,
          `the main thread alone (Linux /proc, 10 ms ticks), the critical path once the pure stage is on workers; ${workers}`,
        ),
        ...threadShares(threads0, threads1, CASES, workers, {
          cpuSeconds,
          writerSeconds: writer0 === null || writer1 === null ? null : writer1 - writer0,
        }),
        ...perCase(
          'KiB',
          'intake',
          'cases import: bytes written per case',
          written0,
          written1,
          CASES,
          'write(2) bytes of the whole process (Linux /proc): the WAL frames and the checkpoints copying them into the database, each page through the cipher',
        ),
        ...(written0 !== null && written1 !== null
          ? [cipherShare((written1 - written0) / CASES, cipherPageCosts(dir))]
          : []),
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
