import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goalFromNote, goalStatus, round, type Measurement, type Suite } from './harness';
import { intakeSuite } from './suites/intake';
import { ivms101Suite } from './suites/ivms101';
import { rulesSuite } from './suites/rules';
import { screeningSuite } from './suites/screening';
import { syncSuite } from './suites/sync';
import { storeSuite } from './suites/store';
import { exportSuite } from './suites/export';
import { uiSuite } from './suites/ui';
import { queueSuite } from './suites/queue';

// `npm run bench [-- suite ...]`: runs the suites, prints a table, writes bench/results/latest.json.
const SUITES: Suite[] = [
  storeSuite,
  intakeSuite,
  ivms101Suite,
  rulesSuite,
  screeningSuite,
  syncSuite,
  queueSuite,
  uiSuite,
  exportSuite,
];

// A suite's own process (see runSuite): runs it, writes its rows where the parent said, and ends.
const asChild = process.env.BENCH_SUITE_CHILD;
if (asChild) {
  const suite = SUITES.find((s) => s.name === asChild);
  if (!suite) throw new Error(`no suite ${asChild}`);
  writeFileSync(process.env.BENCH_SUITE_OUT!, JSON.stringify(await suite.run()));
  process.exit(0);
}

/**
 * Each suite in a process of its own, so none starts with another's heap, threads or caches: run in one
 * process after the intake suite (a 775 MiB heap), the IVMS101 reader's 2023 best round took 8.27 µs a
 * payload, against 4.64-4.77 alone (30 Nov 2026). BENCH_IN_PROCESS=1 runs them in this one, as before.
 */
function runSuite(s: Suite): Promise<Measurement[]> | Measurement[] {
  if (process.env.BENCH_IN_PROCESS === '1') return s.run();
  const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-'));
  try {
    const out = join(dir, 'rows.json');
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_SUITE_CHILD: s.name, BENCH_SUITE_OUT: out },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`the ${s.name} suite's process ended with ${r.status ?? r.signal}`);
    return JSON.parse(readFileSync(out, 'utf8')) as Measurement[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const wanted = process.argv.slice(2);
const chosen = wanted.length ? SUITES.filter((s) => wanted.includes(s.name)) : SUITES;
const results: Measurement[] = [];
// The machine is shared: each suite's figures carry the 1-minute load average before and after it.
const load = () => loadavg()[0]!.toFixed(2);
for (const s of chosen) {
  const before = load();
  process.stderr.write(`running ${s.name} (load ${before})…\n`);
  const rows = await runSuite(s);
  const during = `load ${before}→${load()}`;
  results.push(...rows.map((r) => ({ ...r, note: r.note ? `${r.note}; ${during}` : during })));
}

// Each figure beside its goal (and how far from it: value / goal) and its ratio to a peer or floor.
const judged = results.map((r) => {
  const goal = r.goal ?? goalFromNote(r.note);
  const status = goal ? goalStatus(r.value, goal) : null;
  return {
    ...r,
    ...(goal ? { goal } : {}),
    ...(status ? { ofGoal: round(status.ofGoal, 3), met: status.met } : {}),
  };
});
const goalText = (g: Measurement['goal']) => (!g ? '' : 'atLeast' in g ? `≥ ${g.atLeast}` : `≤ ${g.atMost}`);
const rows = judged.map((r) => [
  r.suite,
  r.metric,
  String(r.value),
  r.unit,
  goalText(r.goal),
  r.ofGoal === undefined ? '' : `${r.ofGoal}× ${r.met ? 'met' : 'NOT MET'}`,
  r.ratio ? `${r.ratio.value}× ${r.ratio.to}` : '',
  r.note ?? '',
]);
const header = ['suite', 'metric', 'value', 'unit', 'goal', 'of goal', 'ratio', 'note'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) =>
  cells.map((c, i) => (i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
rows.forEach((r) => console.log(line(r)));

const outDir = resolve(import.meta.dirname, 'results');
mkdirSync(outDir, { recursive: true });
const report = {
  at: new Date().toISOString(),
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  },
  // The sizes this run used (BENCH_INTAKE_CASES, BENCH_CASES, …): a figure means little without them.
  settings: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('BENCH_'))),
  results: judged,
};
writeFileSync(join(outDir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`\nwritten: bench/results/latest.json`);
