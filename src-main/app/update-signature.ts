import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

// Linux AppImage updates carry no publisher certificate that electron-updater checks (Windows and macOS
// updates do: Authenticode publisher name, Apple code signature). So each AppImage on the update feed has a
// detached Ed25519 signature beside it (`<file>.sig`), made at packaging with our private key, and the app
// checks it with the public key embedded at build time BEFORE it lets the update install.
//
// What is signed is a short descriptor, not the file itself: Ed25519 signs whole messages, and an AppImage
// is ~150 MB. The descriptor binds the version the feed announces, the file name, its size and its SHA-512
// (streamed), so a tampered, truncated or swapped file, or an older signed release offered as a newer
// version, fails the check. Plain Node: packaging (electron-builder.ts) signs with it, the Electron shell
// verifies with it, and the tests run it against a real HTTP server.

const FORMAT = 'waybill-update-v1';
/** A signature file is one base64 line (88 characters); anything much larger is not one of ours. */
export const MAX_SIGNATURE_BYTES = 1024;

export interface UpdateFacts {
  version: string;
  fileName: string;
  size: number;
  sha512: string;
}

export type VerifyResult = { ok: true; facts: UpdateFacts } | { ok: false; reason: string };

export function updateDescriptor(f: UpdateFacts): Buffer {
  return Buffer.from(
    `${FORMAT}\nversion=${f.version}\nfile=${f.fileName}\nsize=${f.size}\nsha512=${f.sha512}\n`,
    'utf8',
  );
}

/** Size and streamed SHA-512 of a file: memory stays flat whatever its size. */
export async function fileFacts(file: string, version: string): Promise<UpdateFacts> {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    size += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { version, fileName: basename(file), size, sha512: hash.digest('hex') };
}

/** The public key as embedded in the app: base64 of the raw 32-byte Ed25519 key. */
export function publicKeyFromBase64(raw: string): KeyObject {
  const bytes = Buffer.from(raw.trim(), 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== raw.trim())
    throw new Error('The update public key is not the base64 of a 32-byte Ed25519 key.');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' });
}

/** The raw-key base64 form of a public key, for embedding at build time. */
export function publicKeyToBase64(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('Not an Ed25519 public key.');
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

/** Packaging side: the content of `<file>.sig` for a release file. */
export async function signUpdateFile(file: string, version: string, privateKeyPem: string): Promise<string> {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('The update signing key is not an Ed25519 private key.');
  const facts = await fileFacts(file, version);
  return `${sign(null, updateDescriptor(facts), key).toString('base64')}\n`;
}

/**
 * App side: does `signatureText` (the content of `<file>.sig`) sign this downloaded file as `version`?
 * Never throws; the reason names what is wrong, never key material.
 */
export async function verifyUpdateFile(
  file: string,
  version: string,
  signatureText: string | null,
  publicKey: KeyObject,
): Promise<VerifyResult> {
  if (signatureText === null) return { ok: false, reason: 'the update has no signature file beside it' };
  const text = signatureText.trim();
  const signature = Buffer.from(text, 'base64');
  if (signature.length !== 64 || signature.toString('base64') !== text)
    return { ok: false, reason: 'the signature file is not one base64 Ed25519 signature' };
  let facts: UpdateFacts;
  try {
    facts = await fileFacts(file, version);
  } catch {
    return { ok: false, reason: 'the downloaded update file could not be read' };
  }
  if (facts.size === 0) return { ok: false, reason: 'the downloaded update file is empty' };
  if (!verify(null, updateDescriptor(facts), publicKey, signature)) {
    return {
      ok: false,
      reason: `the signature does not match ${facts.fileName} as version ${version} (tampered, truncated, another release, or signed with another key)`,
    };
  }
  return { ok: true, facts };
}

/**
 * Fetches `<feed>/<fileName>.sig`. Null when the feed has none (404); refuses anything but https, except a
 * loopback http feed (tests and local mirrors); bounded in size and time.
 */
export async function fetchDetachedSignature(
  feedUrl: string,
  fileName: string,
  timeoutMs = 30_000,
): Promise<string | null> {
  const base = new URL(feedUrl.endsWith('/') ? feedUrl : `${feedUrl}/`);
  const loopback = base.hostname === '127.0.0.1' || base.hostname === 'localhost' || base.hostname === '[::1]';
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && loopback))
    throw new Error('The update feed must be an https URL.');
  const url = new URL(`${encodeURIComponent(fileName)}.sig`, base);
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`The update feed answered ${res.status} for the signature.`);
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_SIGNATURE_BYTES) throw new Error('The update signature file is too large to be one.');
  const reader = res.body?.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_SIGNATURE_BYTES) {
      await reader.cancel();
      throw new Error('The update signature file is too large to be one.');
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The check the Electron shell runs on `update-downloaded`: fetch the signature, verify. Never throws. */
export async function verifyDownloadedUpdate(opts: {
  file: string;
  version: string;
  feedUrl: string;
  publicKey: KeyObject;
}): Promise<VerifyResult> {
  let signature: string | null;
  try {
    signature = await fetchDetachedSignature(opts.feedUrl, basename(opts.file));
  } catch (e) {
    return {
      ok: false,
      reason: `the signature could not be fetched: ${e instanceof Error ? e.message : 'unknown error'}`,
    };
  }
  return verifyUpdateFile(opts.file, opts.version, signature, opts.publicKey);
}
