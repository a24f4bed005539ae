import { argon2id } from 'hash-wasm';
import { AppError } from '../../src-shared/result';

export interface KdfParams {
  algorithm: 'argon2id';
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  saltB64: string;
}

// OWASP's first recommended Argon2id setting is 19 MiB/t=2; we use 64 MiB/t=3 (RFC 9106's
// second recommendation) because unlock happens a few times a day, not per request.
export const DEFAULT_KDF = { memoryKiB: 64 * 1024, iterations: 3, parallelism: 1 } as const;
/** A vault file asking for less than this is refused: editing it must not weaken the KDF. */
export const MIN_MEMORY_KIB = 64 * 1024;
export const MIN_ITERATIONS = 2;

// One Argon2id at a time in this process: each derivation holds its memory (64 MiB for the vault) in
// a WebAssembly instance of its own, so 30 parallel unlocks once held 2 GB. Serialised, the peak is one
// derivation's memory; the queue is bounded so a flood of requests is refused, not held in memory.
export const MAX_QUEUED_DERIVATIONS = 8;
let queued = 0;
let tail: Promise<unknown> = Promise.resolve();

/** How many derivations are running or waiting (for tests and the status of a flood). */
export const derivationsQueued = () => queued;

export function deriveKey(passphrase: string, p: KdfParams): Promise<Buffer> {
  if (queued >= MAX_QUEUED_DERIVATIONS) {
    return Promise.reject(
      new AppError('throttled', 'Too many passphrase checks at once. Try again in a moment.', { retryAfterSeconds: 1 }),
    );
  }
  queued++;
  const run = tail.then(() => derive(passphrase, p));
  const done = () => {
    queued--;
  };
  tail = run.then(done, done);
  return run;
}

async function derive(passphrase: string, p: KdfParams): Promise<Buffer> {
  const out = await argon2id({
    password: passphrase.normalize('NFC'),
    salt: Buffer.from(p.saltB64, 'base64'),
    parallelism: p.parallelism,
    iterations: p.iterations,
    memorySize: p.memoryKiB,
    hashLength: 32,
    outputType: 'binary',
  });
  return Buffer.from(out);
}
