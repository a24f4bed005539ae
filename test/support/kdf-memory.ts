// Child process for src-main/vault/kdf.test.ts: measures, in a fresh process, how much WebAssembly and
// buffer memory stays after deriveKey (worker thread) and after the same Argon2id run in this thread.
// In vitest's shared process another file may already have grown hash-wasm's memory, so the in-thread
// control could not see the growth (CI once read 24 of 64 MiB).
import { argon2id } from 'hash-wasm';
import { DEFAULT_KDF, deriveKey, type KdfParams } from '../../src-main/vault/kdf';

const PASSPHRASE = 'correct horse battery staple ünïcode';
const p: KdfParams = {
  algorithm: 'argon2id',
  ...DEFAULT_KDF,
  saltB64: Buffer.from('waybill-salt-16b').toString('base64'),
};
const outside = () => {
  const m = process.memoryUsage();
  return (m.external + m.arrayBuffers) / 2 ** 20;
};
const before = outside();
const key = await deriveKey(PASSPHRASE, p);
const kept = outside() - before;
const beforeDirect = outside();
const direct = await argon2id({
  password: PASSPHRASE.normalize('NFC'),
  salt: Buffer.from(p.saltB64, 'base64'),
  parallelism: p.parallelism,
  iterations: p.iterations,
  memorySize: p.memoryKiB,
  hashLength: 32,
  outputType: 'binary',
});
const keptDirect = outside() - beforeDirect;
process.stdout.write(
  JSON.stringify({ same: Buffer.from(direct).equals(key), length: key.length, kept, keptDirect }) + '\n',
);
