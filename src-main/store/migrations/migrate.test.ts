import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/temp';
import { openDatabase } from '../db';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion, type Migration } from './index';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('refuse a database from a newer Waybill and leave it untouched', () => {
    const key = randomBytes(32);
    const file = join(t.dir, 'cases.db');
    const db = openDatabase(file, key);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(file, key)).toThrow(/newer than this Waybill/);
    const again = openDatabase(file, key, { migrate: false });
    expect(schemaVersion(again)).toBe(LATEST_SCHEMA_VERSION + 1);
    again.close();
  });

  it('roll back a failing migration completely', () => {
    const db = new Database(':memory:');
    const broken: Migration = {
      version: 1,
      name: 'half done',
      up(d) {
        d.exec('CREATE TABLE a (x INTEGER)');
        d.exec('CREATE TABLE a (x INTEGER)'); // fails: already exists
      },
    };
    expect(() => migrate(db, [broken])).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'a'").get()).toEqual({ n: 0 });
  });

  it('are idempotent: a second run changes nothing', () => {
    const key = randomBytes(32);
    const file = join(t.dir, 'cases.db');
    openDatabase(file, key).close();
    const db = openDatabase(file, key);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });
});
