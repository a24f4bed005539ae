import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { openDatabase, type WritableDB } from '../../src-main/store/db';

/** A real SQLCipher file in a temp folder, with a random key. */
export function openTestDb(dir: string, key: Buffer = randomBytes(32)): { db: WritableDB; key: Buffer; file: string } {
  const file = join(dir, 'cases.db');
  return { db: openDatabase(file, key), key, file };
}
