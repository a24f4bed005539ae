import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { round, type Measurement, type Suite } from '../harness';
import { BENCH_PASSPHRASE, MILLION, millionCaseDataDir } from '../million';

// Export and verification of the whole million-case store, each in a child process so its peak
// resident memory is its own. A 20,000-case store is measured the same way: if memory is bounded,
// the two peaks are close whatever the size.

function child(dataDir: string, out: string, mode: 'create' | 'verify'): Record<string, number | boolean> {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', resolve(import.meta.dirname, '..', 'export-child.ts'), dataDir, BENCH_PASSPHRASE, out, mode],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`export ${mode} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, number | boolean>;
}

export const exportSuite: Suite = {
  name: 'export',
  async run() {
    const results: Measurement[] = [];
    const tmp = mkdtempSync(join(tmpdir(), 'waybill-bench-export-'));
    try {
      for (const n of [20_000, MILLION]) {
        const dir = await millionCaseDataDir(n);
        const out = join(tmp, `export-${n}.zip`);
        const c = child(dir, out, 'create');
        const v = child(dir, out, 'verify');
        if (v.ok !== true) throw new Error(`the ${n}-case export did not verify`);
        const label = n.toLocaleString('en-US');
        results.push(
          {
            suite: 'export',
            metric: `create, ${label} cases`,
            value: round(Number(c.ms) / 1000, 1),
            unit: 's',
            note: `${round(n / (Number(c.ms) / 1000), 0)} cases/s; bundle ${round(Number(c.bytes) / 2 ** 20, 0)} MiB; ${c.events} audit events`,
          },
          {
            suite: 'export',
            metric: `create peak RSS, ${label} cases`,
            value: Number(c.peakMiB),
            unit: 'MiB',
            note: `process at start ${c.baseMiB} MiB`,
          },
          {
            suite: 'export',
            metric: `verify, ${label} cases`,
            value: round(Number(v.ms) / 1000, 1),
            unit: 's',
            note: `${v.files} files, audit chain of ${v.events} events`,
          },
          {
            suite: 'export',
            metric: `verify peak RSS, ${label} cases`,
            value: Number(v.peakMiB),
            unit: 'MiB',
            note: `process at start ${v.baseMiB} MiB`,
          },
        );
        rmSync(out, { force: true });
      }
      return results;
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};
