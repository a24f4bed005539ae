// npm test's gates before vitest: typecheck, format:check, lint, build and security (package.json's scripts,
// unchanged). They are independent and each uses one core, so they run as many at a time as there are cores,
// longest first: on CI's 2 cores about 65 s instead of 120 (CPU seconds, measured one at a time on 30 Nov 2026).
// Each gate's whole output is printed in one block when it ends; any failing gate fails the run, after every
// gate has finished, so one run names every failure.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

// Longest first (CPU seconds, 30 Nov 2026): typecheck ~66 (three tsc runs), format:check ~25, lint ~21,
// security ~4, build ~3.
const GATES = ['typecheck', 'format:check', 'lint', 'security', 'build'];
const npm = process.env.npm_execpath;

function run(script) {
  const started = Date.now();
  return new Promise((resolve) => {
    // npm_execpath is npm's own CLI when npm runs this; otherwise npm from PATH.
    const child = npm
      ? spawn(process.execPath, [npm, 'run', script], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('npm', ['run', script], { stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => out.push(d));
    child.on('error', (e) => out.push(Buffer.from(`${e.message}\n`)));
    child.on('close', (code, signal) => {
      const ok = code === 0;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(Buffer.concat(out));
      console.log(`==> gate ${script}: ${ok ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds} s\n`);
      resolve(ok);
    });
  });
}

const queue = [...GATES];
const failed = [];
async function lane() {
  for (let script = queue.shift(); script; script = queue.shift()) if (!(await run(script))) failed.push(script);
}
await Promise.all(Array.from({ length: Math.min(GATES.length, Math.max(1, availableParallelism())) }, lane));
if (failed.length) {
  console.log(`Gates failed: ${failed.join(', ')}`);
  process.exit(1);
}
