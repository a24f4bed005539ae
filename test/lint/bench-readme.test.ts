import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchTable, replaceTable } from '../../bench/readme-table';

// Issue 21: "The README's table is regenerated from that file" (bench/results/latest.json).
const report = {
  at: '2026-11-30T02:00:00.000Z',
  machine: { node: 'v20.20.2', cpus: 2, cpuModel: 'Test CPU', memoryGiB: 24 },
  settings: { BENCH_INTAKE_CASES: '20000' },
  results: [
    {
      suite: 'intake',
      metric: 'cases import rate',
      value: 87,
      unit: 'cases/s',
      goal: { atLeast: 10000 },
      ofGoal: 0.009,
      met: false,
      note: 'load 1.2→1.9',
    },
    {
      suite: 'ivms101',
      metric: 'CPU per payload | 2020',
      value: 9.67,
      unit: 'µs',
      ratio: { value: 2.94, to: 'npm ivms101' },
      note: 'load 1→1',
    },
  ],
};

describe('the README benchmark table', () => {
  it('is written from latest.json: goal, how far from it, the peer ratio, the sizes, and "not met" said plainly', () => {
    const t = benchTable(report);
    expect(t).toContain('sizes: BENCH_INTAKE_CASES=20000');
    expect(t).toContain('| intake | cases import rate | 87 cases/s | ≥ 10000 | 0.009× **not met** |  | load 1.2→1.9 |');
    // A pipe inside a cell is escaped, not a new column.
    expect(t).toContain('| ivms101 | CPU per payload \\| 2020 | 9.67 µs |  |  | 2.94× npm ivms101 | load 1→1 |');
  });

  it('replaces only the marked section of the README, and refuses a README without it', () => {
    const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const out = replaceTable(readme, 'TABLE');
    const start = out.indexOf('<!-- bench:start');
    expect(start).toBeGreaterThan(0);
    expect(out.slice(0, start)).toBe(readme.slice(0, start));
    expect(out).toMatch(/-->\nTABLE\n<!-- bench:end -->/);
    expect(out.slice(out.indexOf('<!-- bench:end -->'))).toBe(readme.slice(readme.indexOf('<!-- bench:end -->')));
    expect(() => replaceTable('# no markers', 'TABLE')).toThrow(/no "<!-- bench:start/);
  });
});
