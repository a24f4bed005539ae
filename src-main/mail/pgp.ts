import type * as OpenPGP from 'openpgp';
import { AppError } from '../../src-shared/result';
import type { ReadableDB, WritableDB } from '../store/db';

// OpenPGP for counterparties whose public key is on file: the body (inline PGP) and any data
// attachment are encrypted to their key.

// openpgp is loaded on first use, not when this module is: every CLI command and the app's start imported it
// (about 130 ms) though only counterparty keys and encrypted mail use it (test/lint/lazy-heavy-modules.test.ts).
let openpgpModule: typeof OpenPGP | undefined;
const loadOpenpgp = async () => (openpgpModule ??= await import('openpgp'));

export async function readKey(armored: string): Promise<OpenPGP.Key> {
  const openpgp = await loadOpenpgp();
  try {
    const key = await openpgp.readKey({ armoredKey: armored });
    if (key.isPrivate())
      throw new AppError('invalid_input', "That is a private key: give us only the counterparty's public key.");
    return key;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('invalid_input', 'Not an armored OpenPGP public key.');
  }
}

export async function saveCounterpartyKey(
  db: WritableDB,
  vaspId: string,
  armored: string,
  actor: string,
): Promise<string> {
  const key = await readKey(armored);
  const fingerprint = key.getFingerprint().toUpperCase();
  db.prepare(
    'INSERT OR REPLACE INTO counterparty_keys (vasp_id, armored, fingerprint, added_by, added_at) VALUES (?, ?, ?, ?, ?)',
  ).run(vaspId, armored, fingerprint, actor, new Date().toISOString());
  return fingerprint;
}

export function counterpartyKey(db: ReadableDB, vaspId: string): { armored: string; fingerprint: string } | null {
  return (
    (db.prepare('SELECT armored, fingerprint FROM counterparty_keys WHERE vasp_id = ?').get(vaspId) as
      { armored: string; fingerprint: string } | undefined) ?? null
  );
}

export async function encryptText(armoredKey: string, text: string): Promise<string> {
  const encryptionKeys = await readKey(armoredKey);
  const openpgp = await loadOpenpgp();
  return (await openpgp.encrypt({ message: await openpgp.createMessage({ text }), encryptionKeys })) as string;
}
