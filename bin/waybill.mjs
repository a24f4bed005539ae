#!/usr/bin/env node
// The CLI runs the core built by `npm run build` (out/cli, cli.vite.config.ts) when that build is no older than
// every source file, and otherwise the TypeScript core directly through tsx, so `npx waybill` works right after
// `npm install`, with no build step, and an edit is never shadowed by an older build. The build starts in about
// half the CPU (no transform per run). WAYBILL_FROM_SOURCE=1 always runs the source.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `waybill cases generate | head` closes the pipe early; that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'out', 'cli', 'waybill.cjs');

/** The newest modification time of any file under dir (0 when there is none). */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function builtIsCurrent() {
  if (process.env.WAYBILL_FROM_SOURCE === '1' || !existsSync(built)) return false;
  const at = statSync(built).mtimeMs;
  return ['src-main', 'src-shared'].every((d) => newest(join(root, d)) <= at);
}

let main;
if (builtIsCurrent()) {
  ({ main } = await import(built));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src-main/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
