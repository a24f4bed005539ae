import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Goal, Measurement } from './harness';

// `npm run bench:readme`: rewrites the README's benchmark table from bench/results/latest.json, so the
// figures a reader sees are the ones the last `npm run bench` measured, with its date, machine and sizes.

/** A measurement as bench/run.ts writes it, judged against its goal. */
type Row = Measurement & { ofGoal?: number; met?: boolean };
interface Report {
  at: string;
  machine: { node: string; cpus: number; cpuModel: string; memoryGiB: number };
  settings?: Record<string, string>;
  results: Row[];
}

const START = '<!-- bench:start (npm run bench:readme writes this table from bench/results/latest.json) -->';
const END = '<!-- bench:end -->';

export function benchTable(r: Report): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const goal = (g?: Goal) => (!g ? '' : 'atLeast' in g ? `≥ ${g.atLeast}` : `≤ ${g.atMost}`);
  const sizes = Object.entries(r.settings ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const lines = [
    `Measured ${r.at.slice(0, 16).replace('T', ' ')} UTC on ${r.machine.cpus} × ${r.machine.cpuModel}, ` +
      `${r.machine.memoryGiB} GiB, Node ${r.machine.node}${sizes ? `; sizes: ${sizes}` : ' (default sizes)'}. ` +
      'Each note carries the load average before → after its suite.',
    '',
    '| suite | metric | value | goal | of goal | ratio | note |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.results.map(
      (x) =>
        `| ${cell(x.suite)} | ${cell(x.metric)} | ${x.value} ${cell(x.unit)} | ${goal(x.goal)} | ${
          x.ofGoal === undefined ? '' : `${x.ofGoal}× ${x.met ? 'met' : '**not met**'}`
        } | ${x.ratio ? cell(`${x.ratio.value}× ${x.ratio.to}`) : ''} | ${cell(x.note ?? '')} |`,
    ),
  ];
  return lines.join('\n');
}

export function replaceTable(readme: string, table: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md has no "${START}" … "${END}" section to rewrite`);
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const root = resolve(import.meta.dirname, '..');
  const report = JSON.parse(readFileSync(resolve(root, 'bench/results/latest.json'), 'utf8')) as Report;
  const readmePath = resolve(root, 'README.md');
  writeFileSync(readmePath, replaceTable(readFileSync(readmePath, 'utf8'), benchTable(report)));
  console.log(`README.md: ${report.results.length} figures from the run of ${report.at}`);
}
