import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-shared/result';
import { DEFAULT_KDF, deriveKey, type KdfParams } from './kdf';

const CHILD = resolve(import.meta.dirname, '../../test/support/kdf-memory.ts');

// Issue 21: the unlock's Argon2id runs in a worker thread that is ended after it answers, so the
// derivation's 64 MiB of WebAssembly memory leaves with it instead of staying until V8 happens to
// collect it (measured: through a whole 100,000-case export). Same key, failures closed, no secret in
// an error.
const PASSPHRASE = 'correct horse battery staple ünïcode';
const params = (o: Partial<KdfParams> = {}): KdfParams => ({
  algorithm: 'argon2id',
  ...DEFAULT_KDF,
  saltB64: Buffer.from('waybill-salt-16b').toString('base64'),
  ...o,
});

describe('deriveKey (Argon2id in a worker thread)', () => {
  it('derives the key hash-wasm derives in this thread, for the vault parameters (RFC 9106 second recommendation)', () => {
    // In a fresh process: in vitest's shared one another file may have grown hash-wasm's memory already.
    const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD], {
      encoding: 'utf8',
      env: { ...process.env, VITEST: undefined },
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { same: boolean; length: number; kept: number; keptDirect: number };
    expect(out.same).toBe(true);
    expect(out.length).toBe(32);
    // The derivation's memory did not stay in the process (in-thread it holds the 64 MiB wasm memory)...
    expect(out.kept).toBeLessThan(16);
    // ...and the measure can see it: the same derivation in the thread itself leaves it.
    expect(out.keptDirect).toBeGreaterThan(48);
  });

  it('gives different keys for another passphrase and another salt', async () => {
    const p = params({ memoryKiB: 8 * 1024, iterations: 2 });
    const a = await deriveKey(PASSPHRASE, p);
    expect(await deriveKey(PASSPHRASE, p)).toEqual(a);
    expect(await deriveKey(`${PASSPHRASE}!`, p)).not.toEqual(a);
    expect(
      await deriveKey(PASSPHRASE, { ...p, saltB64: Buffer.from('another-salt-16b').toString('base64') }),
    ).not.toEqual(a);
  });

  it('fails closed, naming the derivation and no secret, when Argon2id refuses its input', async () => {
    // hash-wasm refuses a salt under 8 bytes: the worker fails, nothing is derived elsewhere.
    const err = await deriveKey(PASSPHRASE, params({ saltB64: Buffer.from('short').toString('base64') })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'internal' });
    const text = `${(err as Error).message} ${JSON.stringify(err)}`;
    expect(text).toMatch(/Argon2id/);
    expect(text).not.toContain(PASSPHRASE);
    expect(text).not.toContain('short');
    expect(text).not.toMatch(/salt/i);
  });
});
