import { defineConfig } from 'vitest/config';

// Tests that take more than ~20 s on a 2-core machine (each measured alone with --reporter=verbose;
// docs/testing.md has the figures). They run in the `integration` project so `npm run test:unit`
// stays a quick loop; `npm test` runs every project.
const SLOW = [
  'test/integration/**/*.test.ts', // the 10,000-case sync, the 20-kill test, conformance against a live backend
  'src-main/screening/quality.test.ts', // every name and alias of the real OFAC list
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
