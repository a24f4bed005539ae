import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests that take long alone: more than ~20 s (measured one file at a time with --reporter=verbose, as CPU
// seconds: user + sys of vitest and everything it spawns, which is what a quiet 2-core machine waits
// for; 29 Nov 2026), and the files over ~7 s in a unit run (30 Nov 2026). They run in the `integration`
// project so `npm run test:unit` stays under two minutes; `npm test` (and CI) runs every project.
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
  // Over ~7 s alone (wall, in a unit run on 30 Nov 2026): together they were a third of the unit loop.
  'src-main/vault/parallel-unlock.test.ts', // 30 s: thirty parallel Argon2id unlocks at the production cost
  'src-main/team/report.test.ts', // 15 s: a full signed export bundle with three enrolled analysts
  'test/lint/electronegativity.test.ts', // 12 s: the Electron security scanner over the whole source
  'src-main/mail/mail.test.ts', // 11 s: real SMTP and IMAP (Dovecot) servers on loopback
  'src-main/screening/service.test.ts', // 8 s: a real list import and re-screening of a store
  'src-main/export/verify-bounds.test.ts', // 8 s: signed bundles built to be hostile to the verifier
  'src-main/screening/export-dispositions.test.ts', // 7 s: a full export bundle with dispositions
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
          // Projects run one after another (unit, integration, then the browser alone): the browser tests
          // never share the 2 cores with the 10,000-case sync or the kill test.
          sequence: { groupOrder: 0 },
          include: ['src-main/**/*.test.ts', 'src-shared/**/*.test.ts', 'test/lint/**/*.test.ts'],
          exclude: SLOW,
          // One process per worker runs many files: importing the core (SQLCipher, Argon2id WASM, the rule
          // pack) once per worker, not once per file, cut the loop's CPU from 178 s to 118 s (user+sys,
          // measured 29 Nov 2026). Unit tests share no module state: each opens its own database file in its
          // own temp folder, and none mocks modules, stubs env or fakes timers (a lint test keeps it so).
          isolate: false,
          // vitest's default in a run is one worker fewer than the cores: one worker on this 2-core machine, so
          // the loop ran its files one after another. The files are independent (own temp folder, own database,
          // ports from the OS), so both cores run them.
          maxWorkers: Math.max(2, availableParallelism()),
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: SLOW,
          sequence: { groupOrder: 1 },
          // Two at a time as well: the slow files mostly wait on child processes, servers and Argon2id, and
          // each has its own temp folder, database and OS-chosen ports (CI's time budget is 20 minutes).
          maxWorkers: Math.max(2, availableParallelism()),
          // Hang guards, not speed limits (speed is the bench's): at a load of 20 on 2 cores a test running the
          // real CLI several times passed its checks but outlasted a 60 s limit (30 Nov 2026).
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
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
