#!/usr/bin/env node
// The CLI runs the TypeScript core directly through tsx, so `npx waybill` works right after
// `npm install`, with no build step.
import { register } from 'tsx/esm/api';

// `waybill cases generate | head` closes the pipe early; that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
