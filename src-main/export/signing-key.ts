import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import type { ReadableDB, WritableDB } from '../store/db';
import { readSetting, writeSetting } from '../store/settings';

// The workstation's export-signing key. The private half lives only in the encrypted database (the
// vault): it is created on first use and never written anywhere else. The public half travels
// beside every bundle and is shown in the UI so a regulator can compare fingerprints.

const SETTING = 'export.signing_key' as const;

export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  fingerprint: string;
}

/** "sha256:" + hex of the SubjectPublicKeyInfo DER: what OpenSSL's `pkey -pubin -outform DER | sha256sum` gives. */
export function keyFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(der).digest('hex')}`;
}

export function readPublicKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new AppError('invalid_input', `${where}: not a PEM public key.`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new AppError('invalid_input', `${where}: an ${key.asymmetricKeyType ?? 'unknown'} key, expected Ed25519.`);
  return key;
}

function fromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: keyFingerprint(publicKey),
  };
}

export function existingSigningKey(db: ReadableDB): SigningKey | null {
  const pem = readSetting(db, SETTING);
  return pem ? fromPem(pem) : null;
}

export function signingKey(db: WritableDB, actor: string): SigningKey {
  const found = existingSigningKey(db);
  if (found) return found;
  return db.transaction(() => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeSetting(db, SETTING, pem);
    const key = fromPem(pem);
    appendAudit(db, { actor, action: 'export.key_created', payload: { fingerprint: key.fingerprint } });
    return key;
  })();
}
