import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import { generateCases } from '../cases/generate';
import { tempDir } from '../../test/support/temp';
import { openTestDb } from '../../test/support/db';
import {
  ANALYSIS_LIMIT,
  BULK_CACHE_KIB,
  BULK_WAL_AUTOCHECKPOINT,
  CHECKPOINT_AFTER_CASES,
  DB_FILE,
  INTERACTIVE_CACHE_KIB,
  openDatabase,
  withBulkIntake,
} from './db';
import { displayNames } from '../ivms101/display-names';
import { getCaseRecord, upsertCase } from './cases';

// @journeyapps/sqlcipher builds Zetetic's SQLCipher from source: a second, independent
// implementation. If it reads our file with the key, the file really is SQLCipher 4.
const require = createRequire(import.meta.url);
const sqlcipher = require('@journeyapps/sqlcipher') as {
  Database: new (
    file: string,
    mode?: number,
  ) => {
    serialize(fn: () => void): void;
    run(sql: string, cb?: (err: Error | null) => void): void;
    all(sql: string, cb: (err: Error | null, rows: unknown[]) => void): void;
    close(cb?: (err: Error | null) => void): void;
  };
  OPEN_READONLY: number;
};

function readWithSqlcipher(file: string, keyHex: string | null, sql: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const db = new sqlcipher.Database(file, sqlcipher.OPEN_READONLY);
    db.serialize(() => {
      db.run('PRAGMA cipher_compatibility = 4');
      if (keyHex !== null) db.run(`PRAGMA key = "x'${keyHex}'"`);
      db.all(sql, (err, rows) => {
        db.close();
        if (err) reject(err);
        else resolve(rows);
      });
    });
  });
}

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe('encrypted case store', () => {
  it('is readable by real SQLCipher 4 with the key, and by nothing without it', async () => {
    const { db, key, file } = openTestDb(t.dir);
    const cases = [...generateCases(20, { seed: 11 })];
    db.transaction(() =>
      cases.forEach((c) => upsertCase(db, c, '2026-11-20T00:00:00.000Z', displayNames(c.ivms101))),
    )();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();

    const rows = (await readWithSqlcipher(
      file,
      key.toString('hex'),
      'SELECT id, amount, ivms101 FROM cases ORDER BY id',
    )) as {
      id: string;
      amount: string;
      ivms101: string;
    }[];
    expect(rows).toHaveLength(20);
    const first = cases.slice().sort((a, b) => a.id.localeCompare(b.id))[0];
    expect(rows[0]?.id).toBe(first?.id);
    expect(rows[0]?.amount).toBe(first?.amount);
    expect(JSON.parse(rows[0]?.ivms101 ?? '{}')).toEqual(first?.ivms101);

    await expect(readWithSqlcipher(file, null, 'SELECT count(*) FROM cases')).rejects.toThrow(/not a database/);
    await expect(
      readWithSqlcipher(file, randomBytes(32).toString('hex'), 'SELECT count(*) FROM cases'),
    ).rejects.toThrow(/not a database/);
  });

  it('has no plaintext SQLite header and refuses a wrong key with a clear error', () => {
    const { db, file } = openTestDb(t.dir);
    db.close();
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    expect(() => openDatabase(file, randomBytes(32))).toThrow(/could not be opened with this key/);
  });

  it('runs in WAL mode with foreign keys and in-memory temp storage', () => {
    const { db } = openTestDb(t.dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('temp_store', { simple: true })).toBe(2);
    db.close();
  });

  it('upserts idempotently by version and round-trips a case exactly', () => {
    const { db } = openTestDb(t.dir);
    const [c] = [...generateCases(1, { seed: 5 })];
    if (!c) throw new Error('no case');
    expect(upsertCase(db, c, 'now', displayNames(c.ivms101))).toBe('inserted');
    expect(upsertCase(db, c, 'now', displayNames(c.ivms101))).toBe('unchanged');
    expect(upsertCase(db, { ...c, version: 2, status: 'accepted' }, 'now', displayNames(c.ivms101))).toBe('updated');
    expect(upsertCase(db, { ...c, version: 1, status: 'rejected' }, 'now', displayNames(c.ivms101))).toBe('unchanged');
    expect(getCaseRecord(db, c.id)).toEqual({ ...c, version: 2, status: 'accepted' });
    db.close();
  });
});

describe('page cache', () => {
  it("is the interactive size on the workstation's connection, and SQLite's own on a read-only snapshot", () => {
    const t = tempDir();
    const { db, key, file } = openTestDb(t.dir);
    const snapshot = openDatabase(file, key, { readonly: true });
    try {
      expect(db.pragma('cache_size', { simple: true })).toBe(-INTERACTIVE_CACHE_KIB);
      // An export reads through the snapshot; its memory budget (issue 21) assumes the default.
      expect(snapshot.pragma('cache_size', { simple: true })).not.toBe(-INTERACTIVE_CACHE_KIB);
      expect(Math.abs(snapshot.pragma('cache_size', { simple: true }) as number)).toBeLessThan(INTERACTIVE_CACHE_KIB);
    } finally {
      snapshot.close();
      db.close();
      t.cleanup();
    }
  });
});

describe('bulk intake settings', () => {
  it('widen the page cache and the checkpoint interval for the work, then restore the connection', async () => {
    const t = tempDir();
    const db = openTestDb(t.dir).db;
    try {
      const before = [db.pragma('cache_size', { simple: true }), db.pragma('wal_autocheckpoint', { simple: true })];
      const during = await withBulkIntake(db, () =>
        Promise.resolve([db.pragma('cache_size', { simple: true }), db.pragma('wal_autocheckpoint', { simple: true })]),
      );
      expect(during).toEqual([-BULK_CACHE_KIB, BULK_WAL_AUTOCHECKPOINT]);
      expect([db.pragma('cache_size', { simple: true }), db.pragma('wal_autocheckpoint', { simple: true })]).toEqual(
        before,
      );
      // Also when the work fails.
      await expect(withBulkIntake(db, () => Promise.reject(new Error('import failed')))).rejects.toThrow(
        'import failed',
      );
      expect([db.pragma('cache_size', { simple: true }), db.pragma('wal_autocheckpoint', { simple: true })]).toEqual(
        before,
      );
    } finally {
      db.close();
      t.cleanup();
    }
  });

  it('copies the WAL of a large intake into the database at its end, not that of a case or two', async () => {
    const t = tempDir();
    const db = openTestDb(t.dir).db;
    try {
      const size = () => statSync(join(t.dir, DB_FILE)).size;
      const add = (list: CaseRecord[]) =>
        withBulkIntake(db, () => {
          db.transaction(() => {
            for (const c of list) upsertCase(db, c, c.createdAt, displayNames(c.ivms101));
          })();
          return Promise.resolve();
        });
      const cases = [...generateCases(CHECKPOINT_AFTER_CASES + 2, { seed: 9 })];
      db.pragma('wal_checkpoint(TRUNCATE)');
      const empty = size();
      // Two cases: their pages stay in the WAL for SQLite's own checkpoint (no fsync on a live pull's way).
      await add(cases.slice(0, 2));
      expect(size()).toBe(empty);
      // Enough cases: the database file holds them when the intake returns (each case row alone is ~2 KiB).
      await add(cases.slice(2));
      expect(size() - empty).toBeGreaterThan(CHECKPOINT_AFTER_CASES * 2048);
    } finally {
      db.close();
      t.cleanup();
    }
  });

  it('leaves the planner statistics of the cases it wrote current, sampled (not a full read of every index)', async () => {
    const t = tempDir();
    const db = openTestDb(t.dir).db;
    try {
      const stat = () =>
        db.prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = 'cases' AND idx = 'sqlite_autoindex_cases_1'").get() as
          { stat: string } | undefined;
      // The empty store was opened with no statistics for cases worth keeping.
      expect(stat()?.stat.split(' ')[0] ?? '0').toBe('0');
      await withBulkIntake(db, () => {
        db.transaction(() => {
          for (const c of generateCases(400, { seed: 3 })) upsertCase(db, c, c.createdAt, displayNames(c.ivms101));
        })();
        return Promise.resolve();
      });
      // Refreshed at the end of the intake, not left for the next unlock.
      expect(stat()?.stat.split(' ')[0]).toBe('400');
      expect(db.pragma('analysis_limit', { simple: true })).toBe(ANALYSIS_LIMIT);
      // A live pull of one case does not pay for it (PRAGMA optimize would re-read a store without statistics).
      db.exec("DELETE FROM sqlite_stat1 WHERE tbl = 'cases'");
      const more = [...generateCases(402, { seed: 4 })].slice(400);
      const add = (list: typeof more) =>
        withBulkIntake(db, () => {
          db.transaction(() => {
            for (const c of list) upsertCase(db, { ...c, id: `${c.id}-more` }, c.createdAt, displayNames(c.ivms101));
          })();
          return Promise.resolve();
        });
      await add(more.slice(0, 1));
      expect(stat()).toBeUndefined();
      await add(more.slice(1));
      expect(stat()).toBeUndefined();
    } finally {
      db.close();
      t.cleanup();
    }
  });
});
