import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../src-shared/result';
import { writeFileAtomic } from '../platform/atomic-file';
import { canonicalJson } from '../audit/canonical-json';
import { DEFAULT_KDF, MIN_ITERATIONS, MIN_MEMORY_KIB, deriveKey, type KdfParams } from './kdf';
import { deviceProtectorRefusal, type DeviceKeyProtector } from './device-key';
import { recordSuccess, reserveAttempt, wrongPassphrase } from './throttle';

// The vault file holds the database key, never in the clear: once per analyst, in a KEY SLOT that wraps
// it with AES-256-GCM under a key derived (Argon2id) from that analyst's own passphrase — the way LUKS
// or a password manager's vault holds several keys — and optionally also under the OS keychain. No
// analyst needs another's passphrase; removing an analyst removes their slot.
// Each slot's KDF parameters, id, analyst name and kind are bound into its GCM additional data, so
// editing any of them (or moving a wrap to another name) breaks the unwrap.
// A pending enrolment is a slot of kind "enrolment": the key wrapped under a one-time code the
// supervisor hands over; the new analyst redeems it by setting their passphrase, which replaces it.
//
// Version 1 (one passphrase, no names) is read and, at its first sign-in, rewritten as version 2 with
// that passphrase as the first supervisor's slot: same key, same database, nothing lost.

export const VAULT_FILE = 'vault.json';
const FORMAT = 'waybill-vault';
const VERSION = 2;
/** The name a version-1 vault's passphrase slot takes when the analyst signing in gives none. */
export const FIRST_SUPERVISOR = 'supervisor';
export const ANALYST_NAME = /^[\p{L}\p{N} ._:'-]{2,60}$/u;

const wrapSchema = z.object({
  algorithm: z.literal('aes-256-gcm'),
  ivB64: z.string(),
  ciphertextB64: z.string(),
  tagB64: z.string(),
});
const kdfSchema = z.object({
  algorithm: z.literal('argon2id'),
  memoryKiB: z.number().int(),
  iterations: z.number().int(),
  parallelism: z.number().int().min(1),
  saltB64: z.string(),
});
const deviceWrapSchema = z.object({ backend: z.string(), sealedB64: z.string(), analyst: z.string().optional() });
const slotSchema = z.object({
  id: z.string(),
  analyst: z.string().regex(ANALYST_NAME),
  kind: z.enum(['passphrase', 'enrolment']),
  kdf: kdfSchema,
  wrap: wrapSchema,
  /** Enrolment slots only: the code stops working after this (ISO 8601). */
  expiresAt: z.string().optional(),
});
const v1Schema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  kdf: kdfSchema,
  passphraseWrap: wrapSchema,
  deviceWrap: deviceWrapSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const v2Schema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  slots: z.array(slotSchema),
  deviceWrap: deviceWrapSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
type Wrap = z.infer<typeof wrapSchema>;
export type Slot = z.infer<typeof slotSchema>;
/** A version-1 passphrase wrap read as a slot: its AAD is the version-1 header. */
type ReadSlot = Slot & { v1?: true };
interface VaultFile {
  createdAt: string;
  updatedAt: string;
  slots: ReadSlot[];
  deviceWrap?: z.infer<typeof deviceWrapSchema> | undefined;
  fromVersion: 1 | 2;
}

export const vaultPath = (dataDir: string) => join(dataDir, VAULT_FILE);
export const vaultExists = (dataDir: string) => existsSync(vaultPath(dataDir));

function tooWeak(k: KdfParams): boolean {
  return k.memoryKiB < MIN_MEMORY_KIB || k.iterations < MIN_ITERATIONS;
}

function readVault(dataDir: string): VaultFile {
  if (!vaultExists(dataDir)) throw new AppError('vault_absent', 'No vault exists in this data folder yet.');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(vaultPath(dataDir), 'utf8'));
  } catch {
    throw new AppError('unavailable', `The vault file ${VAULT_FILE} is not valid JSON.`);
  }
  const parsed = z.union([v2Schema, v1Schema]).safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new AppError(
      'unavailable',
      `The vault file ${VAULT_FILE} is not in a format this Waybill reads (at "${where}").`,
    );
  }
  const v = parsed.data;
  const file: VaultFile =
    v.version === 1
      ? {
          createdAt: v.createdAt,
          updatedAt: v.updatedAt,
          deviceWrap: v.deviceWrap,
          fromVersion: 1,
          slots: [
            { id: 'v1', analyst: FIRST_SUPERVISOR, kind: 'passphrase', kdf: v.kdf, wrap: v.passphraseWrap, v1: true },
          ],
        }
      : { createdAt: v.createdAt, updatedAt: v.updatedAt, deviceWrap: v.deviceWrap, fromVersion: 2, slots: v.slots };
  if (file.slots.some((s) => tooWeak(s.kdf))) {
    throw new AppError(
      'unavailable',
      `The vault file ${VAULT_FILE} asks for weaker key derivation than Waybill allows; refusing it.`,
    );
  }
  return file;
}

function writeVault(dataDir: string, v: VaultFile): void {
  if (v.slots.some((s) => s.v1))
    throw new AppError('internal', 'A version-1 slot must be rewrapped before the vault is written.');
  const out = {
    format: FORMAT,
    version: VERSION,
    slots: v.slots,
    ...(v.deviceWrap ? { deviceWrap: v.deviceWrap } : {}),
    createdAt: v.createdAt,
    updatedAt: new Date().toISOString(),
  };
  writeFileAtomic(vaultPath(dataDir), JSON.stringify(out, null, 2));
}

const slotAad = (s: ReadSlot) =>
  Buffer.from(
    s.v1
      ? canonicalJson({ format: FORMAT, version: 1, kdf: s.kdf })
      : canonicalJson({
          format: FORMAT,
          version: VERSION,
          id: s.id,
          analyst: s.analyst,
          kind: s.kind,
          kdf: s.kdf,
          expiresAt: s.expiresAt ?? null,
        }),
  );

function wrap(dbKey: Buffer, kek: Buffer, additional: Buffer): Wrap {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(additional);
  const ct = Buffer.concat([c.update(dbKey), c.final()]);
  return {
    algorithm: 'aes-256-gcm',
    ivB64: iv.toString('base64'),
    ciphertextB64: ct.toString('base64'),
    tagB64: c.getAuthTag().toString('base64'),
  };
}

function unwrap(w: Wrap, kek: Buffer, additional: Buffer): Buffer | null {
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

/** A new slot for `analyst` wrapping `dbKey` under `secret` (a passphrase, or an enrolment code). */
async function makeSlot(
  dbKey: Buffer,
  analyst: string,
  secret: string,
  kind: Slot['kind'],
  expiresAt?: string,
): Promise<Slot> {
  const kdf = newKdfParams();
  const kek = await deriveKey(secret, kdf);
  const head: Slot = {
    id: randomUUID(),
    analyst,
    kind,
    kdf,
    wrap: { algorithm: 'aes-256-gcm', ivB64: '', ciphertextB64: '', tagB64: '' },
    ...(expiresAt ? { expiresAt } : {}),
  };
  try {
    return { ...head, wrap: wrap(dbKey, kek, slotAad(head)) };
  } finally {
    kek.fill(0);
  }
}

function sealForDevice(
  dbKey: Buffer,
  protector: DeviceKeyProtector | undefined,
  analyst: string,
): VaultFile['deviceWrap'] {
  const refusal = deviceProtectorRefusal(protector);
  if (refusal || !protector) throw new AppError('unavailable', `"Remember on this device" is not possible: ${refusal}`);
  return { backend: protector.backend(), sealedB64: protector.encrypt(dbKey).toString('base64'), analyst };
}

function checkName(analyst: string): void {
  if (!ANALYST_NAME.test(analyst))
    throw new AppError('invalid_input', "An analyst name is 2–60 letters, digits, spaces or . _ : ' -.");
}

export interface CreateVaultOptions {
  rememberOnDevice?: boolean;
  protector?: DeviceKeyProtector;
  /** The creator, who becomes the first supervisor. */
  analyst?: string;
}

/** Creates the vault and returns the new random database key (the caller opens the store with it). */
export async function createVault(dataDir: string, passphrase: string, opts: CreateVaultOptions = {}): Promise<Buffer> {
  if (vaultExists(dataDir)) throw new AppError('vault_exists', 'A vault already exists in this data folder.');
  const analyst = opts.analyst ?? FIRST_SUPERVISOR;
  checkName(analyst);
  const dbKey = randomBytes(32);
  const slot = await makeSlot(dbKey, analyst, passphrase, 'passphrase');
  const now = new Date().toISOString();
  writeVault(dataDir, {
    createdAt: now,
    updatedAt: now,
    fromVersion: 2,
    slots: [slot],
    ...(opts.rememberOnDevice ? { deviceWrap: sealForDevice(dbKey, opts.protector, analyst) } : {}),
  });
  return dbKey;
}

export interface SignedIn {
  key: Buffer;
  analyst: string;
  /** The vault was version 1 and is now version 2, its passphrase this analyst's slot. */
  migrated: boolean;
}

/** Which passphrase slot a sign-in means: the named one, or the only one when no name is given. */
function slotFor(v: VaultFile, analyst: string | undefined): ReadSlot | undefined {
  const slots = v.slots.filter((s) => s.kind === 'passphrase');
  if (v.fromVersion === 1) return slots[0];
  if (analyst === undefined) {
    if (slots.length === 1) return slots[0];
    throw new AppError('invalid_input', 'Several analysts use this workstation: give your name to sign in.');
  }
  return slots.find((s) => s.analyst === analyst);
}

// An unknown name costs the same derivation as a known one, so timing does not reveal who is enrolled.
const DECOY: KdfParams = { algorithm: 'argon2id', ...DEFAULT_KDF, saltB64: Buffer.alloc(16).toString('base64') };

/**
 * Signs an analyst in: their passphrase unwraps their slot. Throttled (the attempt is reserved before
 * the slow derivation, so parallel requests cannot share the free attempts). A version-1 vault is
 * rewritten as version 2 on success, its one passphrase now the slot of `analyst` (or "supervisor").
 */
export async function signIn(
  dataDir: string,
  analyst: string | undefined,
  passphrase: string,
  now = Date.now(),
): Promise<SignedIn> {
  const v = readVault(dataDir);
  const slot = slotFor(v, analyst);
  if (v.fromVersion === 1 && analyst !== undefined) checkName(analyst);
  const failures = reserveAttempt(dataDir, now);
  const kek = await deriveKey(passphrase, slot?.kdf ?? DECOY);
  const dbKey = slot ? unwrap(slot.wrap, kek, slotAad(slot)) : null;
  if (!dbKey || !slot) {
    kek.fill(0);
    throw wrongPassphrase(
      dataDir,
      now,
      failures,
      'unlock',
      analyst === undefined
        ? 'The passphrase is not correct.'
        : 'That name and passphrase do not match an analyst of this workstation.',
    );
  }
  recordSuccess(dataDir);
  if (slot.v1) {
    // Same key-encryption key, new additional data: the slot is rewrapped without a second derivation.
    const name = analyst ?? FIRST_SUPERVISOR;
    const head: Slot = { id: randomUUID(), analyst: name, kind: 'passphrase', kdf: slot.kdf, wrap: slot.wrap };
    const upgraded: Slot = { ...head, wrap: wrap(dbKey, kek, slotAad(head)) };
    kek.fill(0);
    const deviceWrap = v.deviceWrap ? { ...v.deviceWrap, analyst: name } : undefined;
    writeVault(dataDir, { ...v, fromVersion: 2, slots: [upgraded], deviceWrap });
    return { key: dbKey, analyst: name, migrated: true };
  }
  kek.fill(0);
  return { key: dbKey, analyst: slot.analyst, migrated: false };
}

export async function unlockVault(
  dataDir: string,
  passphrase: string,
  now = Date.now(),
  analyst?: string,
): Promise<Buffer> {
  return (await signIn(dataDir, analyst, passphrase, now)).key;
}

/** Whether `passphrase` opens `analyst`'s own slot: an approval's proof of who approves (throttle it). */
export async function slotAccepts(dataDir: string, analyst: string, passphrase: string): Promise<boolean> {
  const slot = readVault(dataDir).slots.find((s) => s.kind === 'passphrase' && s.analyst === analyst && !s.v1);
  const kek = await deriveKey(passphrase, slot?.kdf ?? DECOY);
  const key = slot ? unwrap(slot.wrap, kek, slotAad(slot)) : null;
  kek.fill(0);
  key?.fill(0);
  return key !== null;
}

/** The names holding a slot, and whether each has set a passphrase yet. */
export function vaultSlots(dataDir: string): { analyst: string; kind: Slot['kind']; expiresAt: string | null }[] {
  return readVault(dataDir).slots.map((s) => ({ analyst: s.analyst, kind: s.kind, expiresAt: s.expiresAt ?? null }));
}

/** Adds (or replaces) `analyst`'s passphrase slot; the caller holds the key (an open session). */
export async function addPassphraseSlot(
  dataDir: string,
  dbKey: Buffer,
  analyst: string,
  passphrase: string,
): Promise<void> {
  checkName(analyst);
  const slot = await makeSlot(dbKey, analyst, passphrase, 'passphrase');
  const v = readVault(dataDir);
  writeVault(dataDir, { ...v, slots: [...v.slots.filter((s) => s.analyst !== analyst), slot] });
}

/** Adds an enrolment slot under a one-time code; it replaces any earlier code for the same name. */
export async function addEnrolmentSlot(
  dataDir: string,
  dbKey: Buffer,
  analyst: string,
  code: string,
  expiresAt: string,
): Promise<void> {
  checkName(analyst);
  const v0 = readVault(dataDir);
  if (v0.slots.some((s) => s.analyst === analyst && s.kind === 'passphrase'))
    throw new AppError('conflict', `${analyst} already has a passphrase on this workstation.`);
  const slot = await makeSlot(dbKey, analyst, code, 'enrolment', expiresAt);
  const v = readVault(dataDir);
  writeVault(dataDir, { ...v, slots: [...v.slots.filter((s) => s.analyst !== analyst), slot] });
}

/**
 * A new analyst redeems their one-time code: the code unwraps their enrolment slot, which is replaced
 * by a slot under the passphrase they chose. Throttled like sign-in. Returns the key (they are signed in).
 */
export async function redeemEnrolment(
  dataDir: string,
  analyst: string,
  code: string,
  passphrase: string,
  now = Date.now(),
): Promise<Buffer> {
  const v = readVault(dataDir);
  const slot = v.slots.find((s) => s.kind === 'enrolment' && s.analyst === analyst);
  const failures = reserveAttempt(dataDir, now);
  const kek = await deriveKey(code.trim().toUpperCase(), slot?.kdf ?? DECOY);
  const dbKey = slot ? unwrap(slot.wrap, kek, slotAad(slot)) : null;
  kek.fill(0);
  if (!dbKey || !slot)
    throw wrongPassphrase(
      dataDir,
      now,
      failures,
      'unlock',
      'That name and enrolment code do not match a pending enrolment.',
    );
  if (slot.expiresAt && Date.parse(slot.expiresAt) <= now) {
    dbKey.fill(0);
    throw new AppError('forbidden', 'That enrolment code has expired: ask a supervisor for a new one.');
  }
  recordSuccess(dataDir);
  try {
    await addPassphraseSlot(dataDir, dbKey, analyst, passphrase);
  } catch (e) {
    dbKey.fill(0);
    throw e;
  }
  return dbKey;
}

/** Removes every slot of `analyst` (and the device unlock, if it was theirs): their passphrase no longer opens the vault. */
export function removeSlots(dataDir: string, analyst: string): void {
  const v = readVault(dataDir);
  const deviceWrap = v.deviceWrap?.analyst === analyst ? undefined : v.deviceWrap;
  writeVault(dataDir, { ...v, slots: v.slots.filter((s) => s.analyst !== analyst), deviceWrap });
}

export function deviceUnlockEnrolled(dataDir: string): boolean {
  try {
    return readVault(dataDir).deviceWrap !== undefined;
  } catch {
    // No readable vault: nothing is enrolled (unlocking reports the vault's problem by name).
    return false;
  }
}

/** The key from the OS keychain, and the analyst who enabled device unlock (a version-1 vault's: the first supervisor). */
export function unlockVaultWithDevice(dataDir: string, protector: DeviceKeyProtector | undefined): Buffer {
  return signInWithDevice(dataDir, protector).key;
}

export function signInWithDevice(
  dataDir: string,
  protector: DeviceKeyProtector | undefined,
): { key: Buffer; analyst: string } {
  const v = readVault(dataDir);
  if (!v.deviceWrap) throw new AppError('unavailable', 'This vault is not remembered on this device.');
  const refusal = deviceProtectorRefusal(protector);
  if (refusal || !protector) throw new AppError('unavailable', `Device unlock is not possible: ${refusal}`);
  const analyst = v.deviceWrap.analyst ?? v.slots[0]?.analyst ?? FIRST_SUPERVISOR;
  try {
    const key = protector.decrypt(Buffer.from(v.deviceWrap.sealedB64, 'base64'));
    if (key.length !== 32) throw new Error('length');
    return { key, analyst };
  } catch {
    throw new AppError('unavailable', 'The OS keychain could not unseal the key; unlock with the passphrase.');
  }
}

/** Re-wraps the same database key under the analyst's new passphrase (and a new salt); the database is untouched. */
export async function changePassphrase(
  dataDir: string,
  current: string,
  next: string,
  analyst?: string,
): Promise<void> {
  const signed = await signIn(dataDir, analyst, current);
  try {
    await addPassphraseSlot(dataDir, signed.key, signed.analyst, next);
  } finally {
    signed.key.fill(0);
  }
}

export function setDeviceUnlock(
  dataDir: string,
  dbKey: Buffer,
  protector: DeviceKeyProtector | undefined,
  enabled: boolean,
  analyst = FIRST_SUPERVISOR,
): void {
  const v = readVault(dataDir);
  if (v.fromVersion === 1)
    throw new AppError('conflict', 'Sign in with the passphrase once first: the vault is upgraded then.');
  writeVault(dataDir, { ...v, deviceWrap: enabled ? sealForDevice(dbKey, protector, analyst) : undefined });
}

export function vaultKdfParams(dataDir: string, analyst?: string): KdfParams {
  const v = readVault(dataDir);
  const slot = (analyst ? v.slots.find((s) => s.analyst === analyst) : undefined) ?? v.slots[0];
  if (!slot) throw new AppError('unavailable', 'The vault holds no key slot.');
  return slot.kdf;
}
