import { Workstation } from '../src-main/app/workstation';
import { dashboard } from '../src-main/dashboard/summary';
import { BENCH_PASSPHRASE, millionCaseDataDir } from './million';

// The supervisor's dashboard (`dashboard.get`) on the million-case store: ROUNDS readings, each with
// every statement over 2 ms named, and the median. Usage: npx tsx bench/dashboard.ts [ROUNDS=5]

const ROUNDS = Number(process.argv[2] ?? 5);
const ws = new Workstation({ dataDir: await millionCaseDataDir(), mode: 'cli', actor: 'bench' });
await ws.unlock(BENCH_PASSPHRASE);
try {
  const db = ws.database();
  const slow: string[] = [];
  const prepare = db.prepare.bind(db);
  // Each statement timed where it runs (the bench's own copy of the connection's prepare).
  Object.assign(db, {
    prepare: (sql: string) => {
      const st = prepare(sql);
      for (const m of ['all', 'get', 'iterate'] as const) {
        const run = (st[m] as (...a: unknown[]) => unknown).bind(st);
        Object.assign(st, {
          [m]: (...a: unknown[]) => {
            const t0 = performance.now();
            const r = run(...a);
            const ms = performance.now() - t0;
            if (ms > 2) slow.push(`${ms.toFixed(1).padStart(7)} ms  ${sql.replace(/\s+/g, ' ').slice(0, 110)}`);
            return r;
          },
        });
      }
      return st;
    },
  });
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    slow.length = 0;
    const t0 = performance.now();
    dashboard(db, { now: new Date(), slaHours: 24 });
    times.push(performance.now() - t0);
    console.log(`round ${i}: ${times.at(-1)!.toFixed(1)} ms\n${slow.join('\n')}`);
  }
  console.log(`median ${[...times].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!.toFixed(1)} ms (${ROUNDS} rounds)`);
} finally {
  ws.close();
}
