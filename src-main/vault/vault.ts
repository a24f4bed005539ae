import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../src-shared/result';
import { writeFileAtomic } from '../platform/atomic-file';
import { canonicalJson } from '../audit/canonical-json';
import { DEFAULT_KDF, MIN_ITERATIONS, MIN_MEMORY_KIB, deriveKey, type KdfParams } from './kdf';
import { deviceProtectorRefusal, type DeviceKeyProtector } from './device-key';
import { recordSuccess, reserveAttempt, wrongPassphrase } from './throttle';

// The vault file holds the database key, never in the clear: wrapped with AES-256-GCM under a key
// derived from the analyst's passphrase, and optionally also under the OS keychain.
// The KDF parameters are bound into the GCM additional data, so editing them breaks the unwrap.

export const VAULT_FILE = 'vault.json';
const FORMAT = 'waybill-vault';
const VERSION = 1;

const wrapSchema = z.object({
  algorithm: z.literal('aes-256-gcm'),
  ivB64: z.string(),
  ciphertextB64: z.string(),
  tagB64: z.string(),
});
const vaultFileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  kdf: z.object({
    algorithm: z.literal('argon2id'),
    memoryKiB: z.number().int(),
    iterations: z.number().int(),
    parallelism: z.number().int().min(1),
    saltB64: z.string(),
  }),
  passphraseWrap: wrapSchema,
  deviceWrap: z.object({ backend: z.string(), sealedB64: z.string() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
type VaultFile = z.infer<typeof vaultFileSchema>;

export const vaultPath = (dataDir: string) => join(dataDir, VAULT_FILE);
export const vaultExists = (dataDir: string) => existsSync(vaultPath(dataDir));

function readVault(dataDir: string): VaultFile {
  if (!vaultExists(dataDir)) throw new AppError('vault_absent', 'No vault exists in this data folder yet.');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(vaultPath(dataDir), 'utf8'));
  } catch {
    throw new AppError('unavailable', `The vault file ${VAULT_FILE} is not valid JSON.`);
  }
  const parsed = vaultFileSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new AppError('unavailable', `The vault file ${VAULT_FILE} is not in a format this Waybill reads (at "${where}").`);
  }
  const v = parsed.data;
  if (v.kdf.memoryKiB < MIN_MEMORY_KIB || v.kdf.iterations < MIN_ITERATIONS) {
    throw new AppError('unavailable', `The vault file ${VAULT_FILE} asks for weaker key derivation than Waybill allows; refusing it.`);
  }
  return v;
}

const aad = (v: Pick<VaultFile, 'format' | 'version' | 'kdf'>) =>
  Buffer.from(canonicalJson({ format: v.format, version: v.version, kdf: v.kdf }));

function wrap(dbKey: Buffer, kek: Buffer, additional: Buffer): VaultFile['passphraseWrap'] {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(additional);
  const ct = Buffer.concat([c.update(dbKey), c.final()]);
  return { algorithm: 'aes-256-gcm', ivB64: iv.toString('base64'), ciphertextB64: ct.toString('base64'), tagB64: c.getAuthTag().toString('base64') };
}

function unwrap(w: VaultFile['passphraseWrap'], kek: Buffer, additional: Buffer): Buffer | null {
  try {
    const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(w.ivB64, 'base64'));
    d.setAAD(additional);
    d.setAuthTag(Buffer.from(w.tagB64, 'base64'));
    return Buffer.concat([d.update(Buffer.from(w.ciphertextB64, 'base64')), d.final()]);
  } catch {
    // The tag does not verify: the wrong passphrase (or an altered file). The caller refuses by name.
    return null;
  }
}

function newKdfParams(): KdfParams {
  return { algorithm: 'argon2id', ...DEFAULT_KDF, saltB64: randomBytes(16).toString('base64') };
}

function sealForDevice(dbKey: Buffer, protector: DeviceKeyProtector | undefined): VaultFile['deviceWrap'] {
  const refusal = deviceProtectorRefusal(protector);
  if (refusal || !protector) throw new AppError('unavailable', `"Remember on this device" is not possible: ${refusal}`);
  return { backend: protector.backend(), sealedB64: protector.encrypt(dbKey).toString('base64') };
}

export interface CreateVaultOptions {
  rememberOnDevice?: boolean;
  protector?: DeviceKeyProtector;
}

/** Creates the vault and returns the new random database key (the caller opens the store with it). */
export async function createVault(dataDir: string, passphrase: string, opts: CreateVaultOptions = {}): Promise<Buffer> {
  if (vaultExists(dataDir)) throw new AppError('vault_exists', 'A vault already exists in this data folder.');
  const dbKey = randomBytes(32);
  const kdf = newKdfParams();
  const kek = await deriveKey(passphrase, kdf);
  const now = new Date().toISOString();
  const head = { format: FORMAT, version: VERSION, kdf } as const;
  const file: VaultFile = {
    ...head,
    passphraseWrap: wrap(dbKey, kek, aad(head)),
    ...(opts.rememberOnDevice ? { deviceWrap: sealForDevice(dbKey, opts.protector) } : {}),
    createdAt: now,
    updatedAt: now,
  };
  kek.fill(0);
  writeFileAtomic(vaultPath(dataDir), JSON.stringify(file, null, 2));
  return dbKey;
}

export async function unlockVault(dataDir: string, passphrase: string, now = Date.now()): Promise<Buffer> {
  const v = readVault(dataDir);
  // The attempt is taken before the slow derivation, so parallel requests cannot share free attempts.
  const failures = reserveAttempt(dataDir, now);
  const kek = await deriveKey(passphrase, v.kdf);
  const dbKey = unwrap(v.passphraseWrap, kek, aad(v));
  kek.fill(0);
  if (!dbKey) throw wrongPassphrase(dataDir, now, failures);
  recordSuccess(dataDir);
  return dbKey;
}

export function deviceUnlockEnrolled(dataDir: string): boolean {
  try {
    return readVault(dataDir).deviceWrap !== undefined;
  } catch {
    // No readable vault: nothing is enrolled (unlocking reports the vault's problem by name).
    return false;
  }
}

export function unlockVaultWithDevice(dataDir: string, protector: DeviceKeyProtector | undefined): Buffer {
  const v = readVault(dataDir);
  if (!v.deviceWrap) throw new AppError('unavailable', 'This vault is not remembered on this device.');
  const refusal = deviceProtectorRefusal(protector);
  if (refusal || !protector) throw new AppError('unavailable', `Device unlock is not possible: ${refusal}`);
  try {
    const key = protector.decrypt(Buffer.from(v.deviceWrap.sealedB64, 'base64'));
    if (key.length !== 32) throw new Error('length');
    return key;
  } catch {
    throw new AppError('unavailable', 'The OS keychain could not unseal the key; unlock with the passphrase.');
  }
}

/** Re-wraps the same database key under a new passphrase (and a new salt); the database is untouched. */
export async function changePassphrase(dataDir: string, current: string, next: string): Promise<void> {
  const dbKey = await unlockVault(dataDir, current);
  try {
    const v = readVault(dataDir);
    const kdf = newKdfParams();
    const kek = await deriveKey(next, kdf);
    const head = { format: FORMAT, version: VERSION, kdf } as const;
    const updated: VaultFile = { ...v, ...head, passphraseWrap: wrap(dbKey, kek, aad(head)), updatedAt: new Date().toISOString() };
    kek.fill(0);
    writeFileAtomic(vaultPath(dataDir), JSON.stringify(updated, null, 2));
  } finally {
    dbKey.fill(0);
  }
}

export function setDeviceUnlock(dataDir: string, dbKey: Buffer, protector: DeviceKeyProtector | undefined, enabled: boolean): void {
  const v = readVault(dataDir);
  const { deviceWrap: _old, ...rest } = v;
  const updated: VaultFile = enabled
    ? { ...rest, deviceWrap: sealForDevice(dbKey, protector), updatedAt: new Date().toISOString() }
    : { ...rest, updatedAt: new Date().toISOString() };
  writeFileAtomic(vaultPath(dataDir), JSON.stringify(updated, null, 2));
}

export function vaultKdfParams(dataDir: string): KdfParams {
  return readVault(dataDir).kdf;
}
