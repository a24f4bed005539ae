import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { MAX_QUEUED_DERIVATIONS } from './kdf';
import { FREE_ATTEMPTS } from './throttle';
import { createVault, unlockVault } from './vault';

// Issue 15 point 5: 30 parallel wrong unlocks were all checked (the wait was read before the slow KDF
// and the failure written after) and the process reached 2.1 GB. Run in a child so its peak memory
// (maxRSS) is its own, not vitest's.
const CHILD = resolve(import.meta.dirname, '../../test/support/parallel-unlock.ts');
function fire(
  dataDir: string,
  mode: 'unlock' | 'derive',
  n = 30,
): { codes: Record<string, number>; maxRssKiB: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, dataDir, mode, String(n)], {
    encoding: 'utf8',
    env: { ...process.env, VITEST: undefined },
  });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { codes: Record<string, number>; maxRssKiB: number };
  console.log(`${n} parallel ${mode}: ${JSON.stringify(out.codes)}, maxRSS ${Math.round(out.maxRssKiB / 1024)} MiB`);
  return out;
}

// One derivation holds 64 MiB; thirty at once would hold ~1.9 GB. Serialised, the peak is Node's own
// footprint plus about one derivation: 512 MiB leaves room for Node and tsx and is far below a flood.
const BOUND_KIB = 512 * 1024;

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe('passphrase checks under parallel requests', () => {
  it('checks at most the throttle allowance of 30 parallel wrong unlocks, refuses the rest as throttled, and bounds memory', async () => {
    (await createVault(t.dir, TEST_PASSPHRASE)).fill(0);
    const { codes, maxRssKiB } = fire(t.dir, 'unlock');
    expect(codes.wrong_passphrase).toBe(FREE_ATTEMPTS);
    expect(codes.throttled).toBe(30 - FREE_ATTEMPTS);
    expect(codes.ok).toBeUndefined();
    expect(maxRssKiB).toBeLessThan(BOUND_KIB);
    // Every checked attempt is on disk: the next one waits, even with the right passphrase.
    const onDisk = JSON.parse(readFileSync(join(t.dir, 'unlock-attempts.json'), 'utf8')) as {
      failures: number;
      lastFailureAt: number;
    };
    expect(onDisk.failures).toBe(FREE_ATTEMPTS);
    await expect(unlockVault(t.dir, TEST_PASSPHRASE, onDisk.lastFailureAt + 1000)).rejects.toMatchObject({
      code: 'throttled',
      details: { retryAfterSeconds: 4 },
    });
  });

  it('runs one Argon2id at a time and refuses derivations beyond the queue bound rather than holding their memory', () => {
    const { codes, maxRssKiB } = fire(t.dir, 'derive');
    expect(codes.ok).toBe(MAX_QUEUED_DERIVATIONS);
    expect(codes.throttled).toBe(30 - MAX_QUEUED_DERIVATIONS);
    expect(maxRssKiB).toBeLessThan(BOUND_KIB);
  });

  it('a right passphrase takes its reserved attempt back', async () => {
    (await createVault(t.dir, TEST_PASSPHRASE)).fill(0);
    await expect(unlockVault(t.dir, 'not the passphrase at all')).rejects.toMatchObject({
      code: 'wrong_passphrase',
      details: { failures: 1 },
    });
    (await unlockVault(t.dir, TEST_PASSPHRASE)).fill(0);
    expect(existsSync(join(t.dir, 'unlock-attempts.json'))).toBe(false);
  });
});
