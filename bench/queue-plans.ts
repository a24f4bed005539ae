import type { QueueFilter } from '../src-shared/case';
import { Workstation } from '../src-main/app/workstation';
import { countCases, countQuery, listCases, pageQuery, type FilterContext } from '../src-main/store/cases';
import { BENCH_PASSPHRASE, MILLION, millionCaseDataDir } from './million';
import { ioBytes } from './proc-io';
import { QUEUE_STEPS } from './suites/queue';

// `npx tsx bench/queue-plans.ts`: each of the queue suite's 20 changes with its count, its times, the
// store's pages it read from the file (read(2) bytes / 4 KiB: the pages SQLite's cache did not hold, each
// decrypted; steadier than the times on a shared machine) and the query plans of its count and page statements (EXPLAIN QUERY PLAN), for a commit message or a review.

const dir = process.argv[2] ?? (await millionCaseDataDir());
const ws = new Workstation({ dataDir: dir, mode: 'cli', actor: 'bench' });
await ws.unlock(BENCH_PASSPHRASE);
const db = ws.database();
const ctx: FilterContext = { now: new Date().toISOString(), slaHours: 24 };
const plan = (sql: string, params: Record<string, unknown>) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join('; ');
let filter: QueueFilter = {};
let sort = { column: 'transferTime', direction: 'desc' } as Parameters<typeof listCases>[1]['sort'];
for (const step of QUEUE_STEPS) {
  [filter, sort] = step.change(filter, sort);
  filter = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as QueueFilter;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const pages = () => Math.round((ioBytes('rchar') ?? 0) / 4096);
  const p0 = pages();
  const c0 = cpu();
  const t0 = performance.now();
  const total = countCases(db, filter, ctx);
  const c1 = cpu();
  const t1 = performance.now();
  const p1 = pages();
  const rows = listCases(db, { offset: 0, limit: 100, sort, filter }, ctx, total);
  const c2 = cpu();
  const t2 = performance.now();
  const p2 = pages();
  const c = countQuery(filter, ctx);
  const p = pageQuery(db, { offset: 0, limit: 100, sort, filter }, ctx, total);
  console.log(
    `${step.label}: ${total} matches, ${rows.length} rows; count ${(t1 - t0).toFixed(1)} ms (CPU ${(c1 - c0).toFixed(1)}, ${p1 - p0} pages read), page ${(t2 - t1).toFixed(1)} ms (CPU ${(c2 - c1).toFixed(1)}, ${p2 - p1} pages read)\n` +
      `  filter ${JSON.stringify(filter)} sort ${sort.column} ${sort.direction}\n` +
      `  count: ${plan(c.sql, c.params)}\n  page:  ${plan(p.sql, p.params)}`,
  );
}
ws.close();
void MILLION;
