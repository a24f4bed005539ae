import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/support/db';
import { tempDir } from '../../test/support/temp';
import type { WritableDB } from './db';
import { createSetting, readSetting, writeSetting } from './settings';

let t: ReturnType<typeof tempDir>;
let db: WritableDB;
beforeEach(() => {
  t = tempDir();
  db = openTestDb(t.dir).db;
});
afterEach(() => {
  db.close();
  t.cleanup();
});

describe('the typed settings store (store/settings.ts)', () => {
  it('reads back what it wrote, each key as its type; a key never written reads as null', () => {
    expect(readSetting(db, 'sync.cursor')).toBeNull();
    writeSetting(db, 'sync.cursor', 4711);
    writeSetting(db, 'mail.imap.cursor', { uidValidity: '7', lastUid: 12 });
    writeSetting(db, 'rules.digest', 'abc');
    expect(readSetting(db, 'sync.cursor')).toBe(4711);
    expect(readSetting(db, 'mail.imap.cursor')).toEqual({ uidValidity: '7', lastUid: 12 });
    writeSetting(db, 'rules.digest', 'def');
    expect(readSetting(db, 'rules.digest')).toBe('def');
    // Stored as before the store existed, so an existing vault reads the same.
    expect(db.prepare("SELECT value FROM settings WHERE key = 'sync.cursor'").get()).toEqual({ value: '4711' });
  });

  it('a value made once (a key) is never replaced by a second creation', () => {
    const first = createSetting(db, 'mail.reference_key', () => 'aa'.repeat(32));
    const second = createSetting(db, 'mail.reference_key', () => 'bb'.repeat(32));
    expect(first).toEqual({ value: 'aa'.repeat(32), created: true });
    expect(second).toEqual({ value: 'aa'.repeat(32), created: false });
  });
});
