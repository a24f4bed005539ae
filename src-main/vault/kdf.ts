import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
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

const KEY_BYTES = 32;

function argon2Options(passphrase: string, p: KdfParams) {
  return {
    password: passphrase.normalize('NFC'),
    salt: Buffer.from(p.saltB64, 'base64'),
    parallelism: p.parallelism,
    iterations: p.iterations,
    memorySize: p.memoryKiB,
    hashLength: KEY_BYTES,
  };
}

/** What a derivation that failed says: never the passphrase, the salt or the library's own message. */
const failed = () =>
  new AppError('internal', 'The passphrase could not be checked: the key derivation (Argon2id) failed.');

/** A derived key is used only if it is what Argon2id returns: 32 bytes. Anything else fails closed. */
function checked(out: unknown): Buffer {
  if (!(out instanceof Uint8Array) || out.length !== KEY_BYTES) throw failed();
  return Buffer.from(out);
}

// Issue 21: hash-wasm grows a WebAssembly memory to the derivation's size (64 MiB for the vault) and V8
// frees it only when a major collection happens to run: measured, an unlocked process kept it through a
// whole 100,000-case export (startMiB 254-265, 192 with a collection forced after unlock; the export's
// peak 568-634 MiB, 492). A worker thread that is ended after its one derivation gives it back at once.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { argon2id } = require(workerData.module);
parentPort.postMessage({ ready: true });
argon2id({ ...workerData.options, outputType: 'binary' }).then(
  (key) => parentPort.postMessage({ key }, [key.buffer]),
  () => parentPort.postMessage({ failed: true }),
);`;

/** Where hash-wasm is, for the worker (the source through tsx or vitest, or index.cjs in the built app). */
function hashWasmModule(): string | null {
  try {
    return createRequire(import.meta.url).resolve('hash-wasm');
  } catch {
    return null;
  }
}

type Outcome = { key: Buffer } | { notStarted: true };

/**
 * One derivation in a worker thread of its own, ended once it answers. A worker that cannot start or
 * load hash-wasm (a packaged app's module path it cannot read) leaves the derivation to this thread: the same Argon2id, only its memory is
 * kept longer. A worker that started and then fails, or answers with anything but a 32-byte key, fails
 * the unlock (closed): no key is made up and nothing is retried elsewhere.
 */
function deriveInWorker(passphrase: string, p: KdfParams): Promise<Outcome> {
  const module = hashWasmModule();
  if (!module) return Promise.resolve({ notStarted: true });
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, options: argon2Options(passphrase, p) } });
    } catch {
      return resolve({ notStarted: true });
    }
    let ready = false; // hash-wasm loaded: from here on a failure fails the unlock
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      f();
    };
    worker.on('message', (m: { ready?: true; key?: unknown }) => {
      if (m.ready && !ready) return void (ready = true);
      settle(() => {
        try {
          resolve({ key: checked(m.key) });
        } catch (e) {
          reject(e instanceof Error ? e : failed());
        }
      });
    });
    // The error's text can quote the library; the unlock's error names the derivation only.
    worker.once('error', () => settle(() => (ready ? reject(failed()) : resolve({ notStarted: true }))));
    worker.once('exit', () => settle(() => (ready ? reject(failed()) : resolve({ notStarted: true }))));
  });
}

async function derive(passphrase: string, p: KdfParams): Promise<Buffer> {
  const outcome = await deriveInWorker(passphrase, p);
  if ('key' in outcome) return outcome.key;
  try {
    return checked(await argon2id({ ...argon2Options(passphrase, p), outputType: 'binary' }));
  } catch {
    throw failed();
  }
}
