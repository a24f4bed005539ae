import { argon2id } from 'hash-wasm';

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

export async function deriveKey(passphrase: string, p: KdfParams): Promise<Buffer> {
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
