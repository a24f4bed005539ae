import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../src-shared/result';
import { writeFileAtomic } from '../platform/atomic-file';

// Failed passphrase checks are counted on disk, so restarting the app (or looping the CLI) does not
// reset them. Two counters: signing in (unlock) and a second analyst's approval; each allows three
// free attempts, then doubles the wait.
//
// An attempt is RESERVED before the slow derivation runs: the count goes up and the wait starts at
// once, and only a correct passphrase takes it back. Reading the wait before the KDF and writing the
// failure after it let 30 parallel requests all through the check (issue 15 point 5); now the fourth
// parallel request already finds the wait in force. An attempt cut short by a crash stays counted.
export type ThrottleKind = 'unlock' | 'approval';
const FILES: Record<ThrottleKind, string> = { unlock: 'unlock-attempts.json', approval: 'approval-attempts.json' };
export const FREE_ATTEMPTS = 3;
const BASE_DELAY_S = 5;
const MAX_DELAY_S = 15 * 60;

interface State {
  failures: number;
  lastFailureAt: number;
}

function read(dataDir: string, kind: ThrottleKind): State {
  const f = join(dataDir, FILES[kind]);
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

function waitSeconds(s: State, now: number): number {
  const wait = s.lastFailureAt + delayAfter(s.failures) * 1000 - now;
  return wait > 0 ? Math.ceil(wait / 1000) : 0;
}

/** Seconds until the next attempt is allowed (0 = now). */
export function secondsUntilAllowed(dataDir: string, now: number, kind: ThrottleKind = 'unlock'): number {
  return waitSeconds(read(dataDir, kind), now);
}

/**
 * Takes an attempt before the passphrase is checked, or refuses with `throttled`. Synchronous from
 * read to write, so in one process no two requests can take the same free attempt. Returns the
 * count including this attempt (what a failure reports).
 */
export function reserveAttempt(dataDir: string, now: number, kind: ThrottleKind = 'unlock'): number {
  const s = read(dataDir, kind);
  const wait = waitSeconds(s, now);
  if (wait > 0) {
    throw new AppError('throttled', `Too many wrong passphrases. Try again in ${wait} s.`, { retryAfterSeconds: wait });
  }
  const next = { failures: s.failures + 1, lastFailureAt: now };
  writeFileAtomic(join(dataDir, FILES[kind]), JSON.stringify(next));
  return next.failures;
}

/** The passphrase was right: the reserved attempt and the count before it are cleared. */
export function recordSuccess(dataDir: string, kind: ThrottleKind = 'unlock'): void {
  rmSync(join(dataDir, FILES[kind]), { force: true });
}

/** The refusal for a wrong passphrase whose attempt was reserved: how many so far and how long to wait. */
export function wrongPassphrase(
  dataDir: string,
  now: number,
  failures: number,
  kind: ThrottleKind = 'unlock',
  what = 'The passphrase is not correct.',
): AppError {
  const next = secondsUntilAllowed(dataDir, now, kind);
  return new AppError('wrong_passphrase', next > 0 ? `${what} Wait ${next} s before trying again.` : what, {
    failures,
    retryAfterSeconds: next,
  });
}
