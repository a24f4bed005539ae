import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { openDatabase } from '../store/db';
import type { DeviceKeyProtector } from './device-key';
import { changePassphrase, createVault, unlockVault, unlockVaultWithDevice, vaultPath } from './vault';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

/** Stands in for the OS keychain (outside the product): reversible, and reports its backend. */
function fakeKeychain(backend: string): DeviceKeyProtector {
  const mask = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return { backend: () => backend, isAvailable: () => true, encrypt: mask, decrypt: mask };
}

describe('vault', () => {
  it('wraps a random 256-bit key under Argon2id (≥ 64 MiB) and records the parameters', async () => {
    const key = await createVault(t.dir, TEST_PASSPHRASE);
    expect(key).toHaveLength(32);
    const file = JSON.parse(readFileSync(vaultPath(t.dir), 'utf8'));
    expect(file.slots[0].kdf).toMatchObject({ algorithm: 'argon2id', memoryKiB: 65536, iterations: 3, parallelism: 1 });
    expect(file.slots[0].wrap.algorithm).toBe('aes-256-gcm');
    expect(readFileSync(vaultPath(t.dir), 'utf8')).not.toContain(key.toString('hex'));
    expect(readFileSync(vaultPath(t.dir), 'utf8')).not.toContain(key.toString('base64'));
    expect(await unlockVault(t.dir, TEST_PASSPHRASE)).toEqual(key);
  });

  it('refuses a wrong passphrase clearly, then makes the analyst wait longer and longer', async () => {
    await createVault(t.dir, TEST_PASSPHRASE);
    const now = 1_000_000_000_000;
    for (let i = 1; i <= 2; i++) {
      await expect(unlockVault(t.dir, 'wrong passphrase!', now)).rejects.toMatchObject({
        code: 'wrong_passphrase',
        message: 'The passphrase is not correct.',
      });
    }
    await expect(unlockVault(t.dir, 'wrong passphrase!', now)).rejects.toMatchObject({
      code: 'wrong_passphrase',
      details: { retryAfterSeconds: 5 },
    });
    // Even the right passphrase waits out the delay: the throttle is checked before the KDF runs.
    await expect(unlockVault(t.dir, TEST_PASSPHRASE, now + 1000)).rejects.toMatchObject({ code: 'throttled' });
    await expect(unlockVault(t.dir, 'wrong passphrase!', now + 5000)).rejects.toMatchObject({
      details: { retryAfterSeconds: 10 },
    });
    expect(await unlockVault(t.dir, TEST_PASSPHRASE, now + 15_000)).toHaveLength(32);
    // Success resets the count.
    await expect(unlockVault(t.dir, 'wrong passphrase!', now + 16_000)).rejects.toMatchObject({
      details: { failures: 1, retryAfterSeconds: 0 },
    });
  });

  it('changes the passphrase by re-wrapping only: the database opens with the same key', async () => {
    const key = await createVault(t.dir, TEST_PASSPHRASE);
    const db = openDatabase(join(t.dir, 'cases.db'), Buffer.from(key));
    db.prepare("INSERT INTO settings VALUES ('probe', 'kept')").run();
    db.close();
    const saltBefore = JSON.parse(readFileSync(vaultPath(t.dir), 'utf8')).slots[0].kdf.saltB64;
    await changePassphrase(t.dir, TEST_PASSPHRASE, 'a different long passphrase');
    expect(JSON.parse(readFileSync(vaultPath(t.dir), 'utf8')).slots[0].kdf.saltB64).not.toBe(saltBefore);
    await expect(unlockVault(t.dir, TEST_PASSPHRASE)).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const same = await unlockVault(t.dir, 'a different long passphrase');
    expect(same).toEqual(key);
    const again = openDatabase(join(t.dir, 'cases.db'), same);
    expect(again.prepare("SELECT value FROM settings WHERE key = 'probe'").get()).toEqual({ value: 'kept' });
    again.close();
  });

  it('refuses a vault file whose KDF was weakened, and one whose parameters were edited', async () => {
    await createVault(t.dir, TEST_PASSPHRASE);
    const original = readFileSync(vaultPath(t.dir), 'utf8');
    const weakened = JSON.parse(original);
    weakened.slots[0].kdf.memoryKiB = 1024;
    writeFileSync(vaultPath(t.dir), JSON.stringify(weakened));
    await expect(unlockVault(t.dir, TEST_PASSPHRASE)).rejects.toThrow(/weaker key derivation/);
    const edited = JSON.parse(original);
    edited.slots[0].kdf.iterations = 4; // stronger, but not what the key was wrapped under: the GCM tag covers it
    writeFileSync(vaultPath(t.dir), JSON.stringify(edited));
    await expect(unlockVault(t.dir, TEST_PASSPHRASE)).rejects.toMatchObject({ code: 'wrong_passphrase' });
  });

  it('remembers the key on the device only through a real keychain, never basic_text', async () => {
    await expect(
      createVault(t.dir, TEST_PASSPHRASE, { rememberOnDevice: true, protector: fakeKeychain('basic_text') }),
    ).rejects.toThrow(/basic_text/);
    await expect(createVault(t.dir, TEST_PASSPHRASE, { rememberOnDevice: true })).rejects.toThrow(/No OS keychain/);
    const key = await createVault(t.dir, TEST_PASSPHRASE, {
      rememberOnDevice: true,
      protector: fakeKeychain('gnome_libsecret'),
    });
    expect(unlockVaultWithDevice(t.dir, fakeKeychain('gnome_libsecret'))).toEqual(key);
    // If the machine later reports basic_text, device unlock fails closed; the passphrase still works.
    expect(() => unlockVaultWithDevice(t.dir, fakeKeychain('basic_text'))).toThrow(/basic_text/);
    expect(await unlockVault(t.dir, TEST_PASSPHRASE)).toEqual(key);
  });
});
