import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Workstation } from '../src-main/app/workstation';
import { appendAudit } from '../src-main/audit/chain';
import { generateCases } from '../src-main/cases/generate';
import { runCaseChecks } from '../src-main/checks/run';
import { displayNames } from '../src-main/ivms101/display-names';
import { upsertCase } from '../src-main/store/cases';

// A workstation data folder holding a million cases, built once through the real store (checks
// and audit events included) and kept in bench/.cache for the suites that need it.

export const MILLION = Number(process.env.BENCH_CASES ?? 1_000_000);
export const BENCH_PASSPHRASE = 'benchmark passphrase one million';

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
  let batch: ReturnType<typeof generateCases> extends Generator<infer C> ? C[] : never = [];
  const flush = () => {
    db.transaction(() => {
      for (const c of batch) {
        upsertCase(db, c, c.createdAt, displayNames(c.ivms101));
        runCaseChecks(db, c, ctx, c.createdAt);
        appendAudit(db, {
          actor: 'bench',
          action: 'case.received',
          caseId: c.id,
          payload: { source: 'bench', version: c.version, status: c.status },
          at: c.createdAt,
        });
      }
    })();
    batch = [];
  };
  // Two years of transfers, so date-range exports and retention have something to choose from.
  for (const c of generateCases(n, {
    seed: 1_000_000,
    start: new Date('2024-11-20T00:00:00Z'),
    end: new Date('2026-11-20T00:00:00Z'),
  })) {
    batch.push(c);
    if (batch.length === 2000) {
      flush();
      const done = Number(c.id.split('-').pop());
      if (done % 50_000 === 0)
        process.stderr.write(`  fixture: ${done} cases, ${Math.round(done / ((performance.now() - t0) / 1000))}/s\n`);
    }
  }
  if (batch.length) flush();
  ws.close();
  writeFileSync(join(building, 'READY'), `${n} cases, built in ${Math.round((performance.now() - t0) / 1000)} s\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return dir;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  console.log(await millionCaseDataDir());
}
