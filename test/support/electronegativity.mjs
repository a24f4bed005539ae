// Runs @doyensec/electronegativity over our sources and fails on any HIGH or MEDIUM finding.
// The tool exits 0 whatever it finds, so we read its CSV report instead of its exit code.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const bin = join(root, 'node_modules', '.bin', 'electronegativity');
const out = mkdtempSync(join(tmpdir(), 'electronegativity-'));

// The global checks (navigation limits, permission handler, CSP) look across the whole app,
// so the three process folders are scanned together as one application.
// A folder given as the first argument is scanned instead (the gate's own test uses this).
const app = process.argv[2] ? resolve(process.argv[2]) : join(out, 'app');
if (!process.argv[2]) {
  for (const dir of ['src-main', 'src-preload', 'src-renderer', 'src-shared']) {
    cpSync(join(root, dir), join(app, dir), { recursive: true, filter: (f) => !f.endsWith('.test.ts') });
  }
}
const report = join(out, 'report.csv');
execFileSync(bin, ['-i', app, '-o', report, '-r', '-v', 'false', '-e', electronVersion], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
let failures = 0;
const rows = readFileSync(report, 'utf8').trim().split('\n').slice(1).filter(Boolean);
for (const row of rows) {
  const [check, severity, confidence, file, location] = row.split(',').map((c) => c.replace(/^"|"$/g, ''));
  const bad = severity === 'HIGH' || severity === 'MEDIUM';
  if (bad) failures++;
  console.log(`${bad ? 'FAIL' : 'note'} ${severity.padEnd(6)} ${check} ${file}:${location} (${confidence})`);
}
console.log(
  failures ? `electronegativity: ${failures} HIGH/MEDIUM finding(s)` : 'electronegativity: no HIGH or MEDIUM findings',
);
process.exit(failures ? 1 : 0);
