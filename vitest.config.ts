import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

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

// The files that take longest, longest first, so each project starts them first and its two workers end
// together, not one idle while the other finishes a long file; a fresh clone has no timings of its own (vitest
// would order by file size). Wall seconds in CI's run of 30 Nov 2026; the files running the CLI are shown at
// about half that since it runs from its build (their CPU time measured one at a time, source -> build).
const LONGEST_FIRST = [
  // integration
  'test/integration/hostile-input-fuzz.test.ts', // 133, 36 CLI runs
  'test/integration/sync-kill.test.ts', // 84
  'src-main/screening/quality.test.ts', // 45
  'test/integration/import-kill.test.ts', // 36
  'src-main/export/export.test.ts', // 36
  'src-main/cli/screening.test.ts', // 46 -> ~32 (43.7 -> 30.3 s CPU)
  'test/integration/sync.test.ts', // 32
  'src-main/cli/cli.test.ts', // 54 -> ~30 (45.9 -> 23.1 s CPU)
  'src-main/cli/rules.test.ts', // 53 -> ~26 (64.0 -> 31.4 s CPU)
  'src-main/retention/purge.test.ts', // 25
  'src-main/cli/ivms101.test.ts', // 49 -> ~22 (43.6 -> 20.0 s CPU)
  'test/integration/conformance.test.ts', // 19
  'src-main/cli/hostile-input.test.ts', // 38 -> ~18 (37.0 -> 17.8 s CPU)
  // unit
  'src-main/cases/intake-pool.test.ts', // 37
  'src-main/export/snapshot.test.ts', // 18
  'src-main/team/identity.test.ts', // 14
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.findIndex((name) => f.moduleId.endsWith(`/${name}`));
      return i < 0 ? LONGEST_FIRST.length : i;
    };
    // Projects stay in their order (groupOrder); within one, the listed files first, the rest as vitest orders them.
    return (await super.sort(files))
      .map((f, i) => ({ f, i }))
      .sort(
        (a, b) =>
          a.f.project.config.sequence.groupOrder - b.f.project.config.sequence.groupOrder ||
          rank(a.f) - rank(b.f) ||
          a.i - b.i,
      )
      .map(({ f }) => f);
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
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
          include: [
            'src-main/**/*.test.ts',
            'src-shared/**/*.test.ts',
            'src-renderer/**/*.test.ts',
            'test/lint/**/*.test.ts',
          ],
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
