import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { Workstation } from '../src-main/app/workstation';
import { auditBatch } from '../src-main/audit/chain';
import { generateCases } from '../src-main/cases/generate';
import { admit, type RawCase, type ReadCase } from '../src-main/cases/intake';
import { admitPooled, InOrderReads, IntakePool } from '../src-main/cases/intake-pool';
import { withBulkIntake } from '../src-main/store/db';
import { deferSearchIndex } from '../src-main/store/search-index';

// A workstation data folder holding a million cases, built once through the intake (`admit`, as
// `cases import` runs it: the rules, every check, the audit event, the search row) and kept in
// bench/.cache for the suites that need it. Its build time is the intake's speed at a million.

export const MILLION = Number(process.env.BENCH_CASES ?? 1_000_000);
export const BENCH_PASSPHRASE = 'benchmark passphrase one million';

/**
 * Reads the store's file through once, so the operating system's file cache holds it before a suite
 * times queries on it, as on a workstation in use. Without it the figures depended on what ran before:
 * after the machine had written a few GB elsewhere, the queue suite's first-round p95 at a million cases
 * read 37 ms, and 21 ms once the 12 GB file had been read (30 Nov 2026). SQLite's own page cache still
 * starts empty: the "cold pages" figures are the decryption of every page a change reads first.
 */
export function warmFileCache(dir: string): void {
  const fd = openSync(join(dir, 'cases.db'), 'r');
  const buf = Buffer.allocUnsafe(4 * 2 ** 20);
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/**
 * What a random 4 KiB read of the store's file costs this machine now, after warmFileCache: the
 * µs per pread(2) at random page offsets and at one offset, wall and system time. A queue change that
 * finds its pages outside SQLite's cache reads each with one pread. On 30 Nov 2026 a freshly started
 * machine took 39-94 µs a random read (nearly all system time) against 1-3 µs at one offset, and the
 * queue's cold changes with it.
 */
export function randomPageReads(dir: string, n = 2000): { randomUs: number; randomSysUs: number; sameUs: number } {
  const fd = openSync(join(dir, 'cases.db'), 'r');
  const buf = Buffer.allocUnsafe(4096);
  const pages = Math.floor(fstatSync(fd).size / 4096);
  const time = (offset: () => number) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) readSync(fd, buf, 0, 4096, offset());
    return { us: ((performance.now() - t0) * 1000) / n, sysUs: process.cpuUsage(c0).system / n };
  };
  try {
    const same = time(() => 0);
    const random = time(() => Math.floor(Math.random() * pages) * 4096);
    return { randomUs: random.us, randomSysUs: random.sysUs, sameUs: same.us };
  } finally {
    closeSync(fd);
  }
}

/** How the cached store was built (cases, seconds, through what): the bench reports it. */
const BUILD_FILE = 'BUILD.json';

export function millionBuild(n = MILLION): { cases: number; seconds: number; via: string; at: string } | null {
  const file = resolve(import.meta.dirname, '.cache', `cases-${n}`, BUILD_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as { cases: number; seconds: number; via: string; at: string };
}

export async function millionCaseDataDir(n = MILLION): Promise<string> {
  // Later schema versions migrate the cached store on first unlock, so the cache outlives them.
  const dir = resolve(import.meta.dirname, '.cache', `cases-${n}`);
  if (existsSync(join(dir, 'READY'))) return dir;
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const ws = new Workstation({ dataDir: building, mode: 'cli', actor: 'bench' });
  await ws.createVault(BENCH_PASSPHRASE);
  const db = ws.database();
  const ctx = ws.checkContext();
  const t0 = performance.now();
  // The cases are read on the intake's worker threads and written here, as `cases import` runs them
  // (cases/import.ts): the build's rate is the intake's.
  const pool = IntakePool.start(ctx);
  type Item = { id: string; at: string; raw: RawCase; read?: ReadCase };
  let batch: Item[] = [];
  let admitted = 0;
  const flush = () => {
    db.transaction(() =>
      deferSearchIndex(db, () =>
        auditBatch(db, () => {
          const current = pool?.serves(ctx) ?? false;
          for (const { id, at, raw, read } of batch) {
            // Each case arrives at its creation time, so arrival (SLA) and retention have two years to work on.
            const source = { name: 'bench', location: id, actor: 'bench' };
            const r = read
              ? admitPooled(db, raw, read, source, { checks: ctx, at }, current)
              : admit(db, raw, source, { checks: ctx, at });
            if (r.outcome !== 'inserted') throw new Error(`bench store: ${id} ${r.outcome}`);
            admitted++;
          }
        }),
      ),
    )();
    batch = [];
    if (admitted % 50_000 === 0)
      process.stderr.write(
        `  fixture: ${admitted} cases, ${Math.round(admitted / ((performance.now() - t0) / 1000))}/s\n`,
      );
  };
  let flushed = false;
  const take = (items: Item[]) => {
    batch.push(...items);
    if (batch.length >= 2000) {
      flush();
      flushed = true;
    }
  };
  const reads =
    pool && new InOrderReads<Item>(pool, (items, out) => take(items.map((it, i) => ({ ...it, read: out[i]! }))));
  try {
    // Two years of transfers, so date-range exports and retention have something to choose from.
    await withBulkIntake(db, async (bulk) => {
      for (const c of generateCases(n, {
        seed: 1_000_000,
        start: new Date('2024-11-20T00:00:00Z'),
        end: new Date('2026-11-20T00:00:00Z'),
      })) {
        const item: Item = { id: c.id, at: c.createdAt, raw: { text: JSON.stringify(c) } };
        if (reads) await reads.push(item, item.raw);
        else take([item]);
        // As `cases import` does: a long WAL copied between two transactions (store/db.ts BULK_WAL_MAX_FRAMES).
        if (flushed) {
          flushed = false;
          await bulk.between();
        }
      }
      await reads?.flush();
      if (batch.length) flush();
    });
  } finally {
    await pool?.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  ws.close();
  writeFileSync(
    join(building, BUILD_FILE),
    JSON.stringify({ cases: n, seconds: Math.round(seconds), via: 'admit', at: new Date().toISOString() }) + '\n',
  );
  writeFileSync(
    join(building, 'READY'),
    `${n} cases, built through admit in ${Math.round(seconds)} s (${Math.round(n / seconds)} cases/s)\n`,
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return dir;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  console.log(await millionCaseDataDir());
}
