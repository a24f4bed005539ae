import { defineConfig } from 'vitest/config';

// Tests that take more than ~20 s alone (measured one file at a time with --reporter=verbose, as CPU
// seconds: user + sys of vitest and everything it spawns, which is what a quiet 2-core machine waits
// for). They run in the `integration` project so `npm run test:unit` stays a quick loop; `npm test`
// runs every project. Figures from 29 Nov 2026, in CPU seconds.
const SLOW = [
  'test/integration/**/*.test.ts', // the 10,000-case sync, the 20-kill test, conformance against a live backend
  'src-main/screening/quality.test.ts', // every name and alias of the real OFAC list
  'src-main/cli/cli.test.ts', // 40 s: the real binary (tsx), 1,000-line import
  'src-main/cli/ivms101.test.ts', // 39 s: the real binary, one process per payload
  'src-main/cli/hostile-input.test.ts', // 29 s: the real binary against hostile files
  'src-main/cli/rules.test.ts', // 24 s: the real binary
  'src-main/cli/screening.test.ts', // 25 s wall in the quiet full unit run: the real binary, list imports
  'src-main/retention/purge.test.ts', // 22 s: purges over a generated store, and through the CLI
  'src-main/export/export.test.ts', // 21 s: full signed bundles, PDF text, OpenSSL, the CLI
];

export default defineConfig({
  test: {
    // Native SQLCipher bindings and real servers: separate processes are the honest isolation.
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src-main/**/*.test.ts', 'src-shared/**/*.test.ts', 'test/lint/**/*.test.ts'],
          exclude: SLOW,
          // One process per worker runs many files: importing the core (SQLCipher, Argon2id WASM, the rule
          // pack) once per worker, not once per file, cut the loop's CPU from 178 s to 118 s (user+sys,
          // measured 29 Nov 2026). Unit tests share no module state: each opens its own database file in its
          // own temp folder, and none mocks modules, stubs env or fakes timers (a lint test keeps it so).
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: SLOW,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One browser at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
