import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../platform/atomic-file';

// Failed unlocks are counted on disk, so restarting the app (or looping the CLI) does not reset them.
const FILE = 'unlock-attempts.json';
const FREE_ATTEMPTS = 3;
const BASE_DELAY_S = 5;
const MAX_DELAY_S = 15 * 60;

interface State {
  failures: number;
  lastFailureAt: number;
}

function read(dataDir: string): State {
  const f = join(dataDir, FILE);
  if (!existsSync(f)) return { failures: 0, lastFailureAt: 0 };
  try {
    const s = JSON.parse(readFileSync(f, 'utf8')) as Partial<State>;
    return { failures: Number(s.failures) || 0, lastFailureAt: Number(s.lastFailureAt) || 0 };
  } catch {
    // A mangled counter file must not become a way to skip the delay: assume the worst seen so far.
    return { failures: FREE_ATTEMPTS + 4, lastFailureAt: Date.now() };
  }
}

/** Seconds to wait after `failures` consecutive failures: 0 for the first three, then 5 s doubling to 15 min. */
export function delayAfter(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (failures - FREE_ATTEMPTS));
}

/** Seconds until the next attempt is allowed (0 = now). */
export function secondsUntilAllowed(dataDir: string, now: number): number {
  const s = read(dataDir);
  const wait = s.lastFailureAt + delayAfter(s.failures) * 1000 - now;
  return wait > 0 ? Math.ceil(wait / 1000) : 0;
}

export function recordFailure(dataDir: string, now: number): number {
  const s = read(dataDir);
  const next = { failures: s.failures + 1, lastFailureAt: now };
  writeFileAtomic(join(dataDir, FILE), JSON.stringify(next));
  return next.failures;
}

export function recordSuccess(dataDir: string): void {
  rmSync(join(dataDir, FILE), { force: true });
}
