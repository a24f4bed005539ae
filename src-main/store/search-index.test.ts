import Database from 'better-sqlite3-multiple-ciphers';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import { cases, withNames } from '../../test/support/export';
import { insertStubCase, openTestDb } from '../../test/support/db';
import { tempDir } from '../../test/support/temp';
import { auditBatch } from '../audit/chain';
import { admit } from '../cases/intake';
import { importCasesFile } from '../cases/import';
import { Workstation } from '../app/workstation';
import { applyCipher, openDatabase, type WritableDB } from './db';
import { FLUSH_PENDING_SQL } from './migrations/0024-search-index-batches';
import { deferSearchIndex, registerSearchIndexFunctions } from './search-index';

// Migration 0024: a bulk intake writes its new cases' search-index rows at the end of its transaction
// instead of a trigger's row per case. These tests hold what must not change: the index says exactly
// what the case rows say (FTS5's own integrity check compares the two), the same searches find the same
// cases, and no case row can be stored without its index row, even by a connection that forgot the rule.

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

/** FTS5's integrity check with rank 1: for an external-content index, also that it matches the rows. */
const integrity = (db: WritableDB) =>
  db.prepare("INSERT INTO cases_fts (cases_fts, rank) VALUES ('integrity-check', 1)").run();
const search = (db: WritableDB, q: string) =>
  (
    db
      .prepare('SELECT c.id FROM cases_fts f JOIN cases c ON c.rowid = f.rowid WHERE cases_fts MATCH ? ORDER BY c.id')
      .all(q) as {
      id: string;
    }[]
  ).map((r) => r.id);
const pending = (db: WritableDB) =>
  (db.prepare('SELECT count(*) AS n FROM cases_fts_pending').get() as { n: number }).n;

async function store(dir: string, list: CaseRecord[], deferred: boolean): Promise<Workstation> {
  const ws = new Workstation({ dataDir: dir, mode: 'cli', actor: 'analyst-a' });
  await ws.createVault('a passphrase for the search index test');
  const db = ws.database();
  const at = '2026-06-01T00:00:00.000Z';
  for (let i = 0; i < list.length; i += 250) {
    const work = () =>
      auditBatch(db, () => {
        for (const c of list.slice(i, i + 250))
          admit(
            db,
            { text: JSON.stringify(c) },
            { name: 't', location: c.id, actor: 'a' },
            { checks: ws.checkContext(), at },
          );
      });
    db.transaction(() => (deferred ? deferSearchIndex(db, work) : work()))();
  }
  return ws;
}

describe('search index rows written per batch (migration 0024)', () => {
  it('indexes a batch exactly as the per-row trigger did: same searches, same hits, integrity check clean', async () => {
    const base = cases(400, { seed: 24 });
    // Second versions in the same batches, with new names: the index must hold the last text only.
    const renamed: CaseRecord[] = [];
    for (const c of base.slice(0, 300)) {
      if (renamed.length === 60) break;
      const next = { ...c, version: c.version + 1, updatedAt: '2026-05-01T00:00:00Z' };
      try {
        renamed.push(
          withNames(next, 'originator', [`Quartermain${renamed.length}`, 'Zebulon'], ['Квотермейн', 'Зебулон']),
        );
      } catch {
        // A legal person as originator: no natural name to change.
      }
    }
    expect(renamed).toHaveLength(60);
    const list = [...base.slice(0, 300), ...renamed, ...base.slice(300)];
    const a = await store(join(t.dir, 'direct'), list, false);
    const b = await store(join(t.dir, 'deferred'), list, true);
    try {
      const [da, db] = [a.database(), b.database()];
      integrity(da);
      integrity(db);
      expect(pending(db)).toBe(0);
      const names = (
        da.prepare('SELECT originator_name AS n FROM cases WHERE originator_name IS NOT NULL LIMIT 40').all() as {
          n: string;
        }[]
      ).map((r) => r.n.split(' ')[0]!);
      const queries = [...new Set(names), 'Zebulon', 'Quartermain1*', 'Quartermain59', '"Zebulon Quartermain3"'];
      for (const id of list.slice(0, 20).map((c) => c.id)) queries.push(`"${id}"`);
      let hits = 0;
      for (const q of queries) {
        const want = search(da, q);
        expect(search(db, q), q).toEqual(want);
        hits += want.length;
      }
      expect(hits).toBeGreaterThan(100);
      expect(search(db, 'Zebulon')).toHaveLength(60);
    } finally {
      a.close();
      b.close();
    }
  }, 120_000);

  it.each([
    ['on this thread', 0],
    ['read on a worker thread', 1],
  ])(
    'the real import (%s) leaves nothing pending and the index whole',
    async (_, workers) => {
      const ws = new Workstation({ dataDir: t.dir, mode: 'cli', actor: 'analyst-a' });
      await ws.createVault('a passphrase for the search index test');
      try {
        const file = join(t.dir, 'import.jsonl');
        writeFileSync(
          file,
          cases(300, { seed: 5 })
            .map((c) => JSON.stringify(c))
            .join('\n') + '\n{"not": "a case"}\n',
        );
        const r = await importCasesFile(ws.database(), file, 'analyst-a', ws.checkContext(), { workers });
        expect(r.inserted).toBe(300);
        expect(r.rejected).toHaveLength(1);
        const db = ws.database();
        expect(pending(db)).toBe(0);
        integrity(db);
        expect(search(db, `"${cases(1, { seed: 5 })[0]!.id}"`)).toHaveLength(1);
      } finally {
        ws.close();
      }
    },
    60_000,
  );

  it('a case inserted then removed in the same batch leaves no index row; one changed is indexed as it ends', () => {
    const { db } = openTestDb(t.dir);
    db.transaction(() =>
      deferSearchIndex(db, () => {
        insertStubCase(db, 'case-kept');
        insertStubCase(db, 'case-gone');
        db.prepare("UPDATE cases SET originator_name = 'Ottilie Brandvold' WHERE id = 'case-kept'").run();
        db.prepare("DELETE FROM cases WHERE id = 'case-gone'").run();
        expect(pending(db)).toBe(1);
      }),
    )();
    expect(pending(db)).toBe(0);
    integrity(db);
    expect(search(db, 'Ottilie')).toEqual(['case-kept']);
    expect(search(db, '"case-gone"')).toEqual([]);
    // Outside a batch the triggers index at once, as before.
    db.prepare("UPDATE cases SET originator_name = 'Mirela Oskarsdottir' WHERE id = 'case-kept'").run();
    integrity(db);
    expect(search(db, 'Ottilie')).toEqual([]);
    expect(search(db, 'Mirela')).toEqual(['case-kept']);
    db.close();
  });

  it('a batch that fails takes its cases and their pending rows back together', () => {
    const { db } = openTestDb(t.dir);
    expect(() =>
      db.transaction(() =>
        deferSearchIndex(db, () => {
          insertStubCase(db, 'case-1');
          throw new Error('the batch failed');
        }),
      )(),
    ).toThrow('the batch failed');
    expect(db.prepare('SELECT count(*) AS n FROM cases').get()).toEqual({ n: 0 });
    expect(pending(db)).toBe(0);
    // The connection is not left deferring: the next case is indexed at once.
    insertStubCase(db, 'case-2');
    expect(pending(db)).toBe(0);
    expect(search(db, '"case-2"')).toEqual(['case-2']);
    db.close();
  });

  it('indexes the pending rows by seeking each case, never by walking every case', async () => {
    const ws = await store(t.dir, cases(300, { seed: 6 }), true);
    try {
      const db = ws.database();
      db.exec('ANALYZE');
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${FLUSH_PENDING_SQL}`).all() as { detail: string }[]).map(
        (r) => r.detail,
      );
      expect(plan).toEqual(['SCAN p', 'SEARCH c USING INTEGER PRIMARY KEY (rowid=?)']);
    } finally {
      ws.close();
    }
  }, 60_000);

  it('refuses to defer outside a transaction (the rows and their index must commit together)', () => {
    const { db } = openTestDb(t.dir);
    expect(() => deferSearchIndex(db, () => insertStubCase(db, 'case-1'))).toThrow(/inside a transaction/);
    db.close();
  });

  it('a connection without the rule cannot store a case at all: nothing goes unindexed silently', () => {
    const { db, key, file } = openTestDb(t.dir);
    db.close();
    const raw = new Database(file);
    applyCipher(raw, key);
    expect(() => insertStubCase(raw as unknown as WritableDB, 'case-1')).toThrow(/waybill_search_deferred/);
    raw.close();
  });

  it('a pending row that was ever committed is indexed when the store next opens', () => {
    const { db, key, file } = openTestDb(t.dir);
    db.close();
    // A connection whose rule always defers, committing without the flush: what a bug would leave.
    const raw = new Database(file);
    applyCipher(raw, key);
    raw.function('waybill_search_deferred', () => 1);
    insertStubCase(raw as unknown as WritableDB, 'case-stranded');
    expect(pending(raw as unknown as WritableDB)).toBe(1);
    raw.close();
    const again = openDatabase(file, key);
    expect(pending(again)).toBe(0);
    integrity(again);
    expect(search(again, '"case-stranded"')).toEqual(['case-stranded']);
    again.close();
    // Registering the real rule is what openDatabase does; it defers nothing outside a batch.
    const plain = new Database(':memory:');
    registerSearchIndexFunctions(plain);
    expect(plain.prepare('SELECT waybill_search_deferred() AS d').get()).toEqual({ d: 0 });
    plain.close();
  });
});
