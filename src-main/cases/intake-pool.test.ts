import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, type Backend } from '../../reference-backend/server';
import { openTestDb } from '../../test/support/db';
import { sharedPath } from '../../test/support/shared';
import { workstationFor } from '../../test/support/sync';
import { threadNiceness } from '../../test/support/threads';
import { tempDir } from '../../test/support/temp';
import { BACKGROUND_NICENESS } from '../platform/thread-priority';
import { verifyAudit } from '../audit/chain';
import type { CheckContext } from '../checks/run';
import { dbRates, saveRates } from '../rules/fx';
import { defaultRulePack, loadRulePack } from '../rules/pack';
import { ScreeningIndex } from '../screening/search';
import { activeLists, importList } from '../screening/store';
import type { WritableDB } from '../store/db';
import { generateCases } from './generate';
import { importCasesFile } from './import';
import { readCase } from './intake';
import { IntakePool, payloadFromText, toWriter } from './intake-pool';

// Issue 21 point 2: the pure stage of the intake on worker threads, through the real callers
// (`cases import`, the changes feed over HTTP from the reference backend), into real SQLCipher files.
// The in-line path and the pooled path give the same store; a case that throws or stops a worker is
// quarantined by name and the rest goes on; a pool that keeps failing fails the run with nothing stored.

let t: ReturnType<typeof tempDir>;
let file: string;
const N = 800;

beforeAll(() => {
  t = tempDir();
  file = join(t.dir, 'cases.jsonl');
  writeFileSync(file, [...generateCases(N, { seed: 2101 })].map((c) => JSON.stringify(c) + '\n').join(''));
});
afterAll(() => t?.cleanup());

let stores = 0;
function store(): { db: WritableDB; checks: CheckContext } {
  const dir = join(t.dir, `store-${++stores}`);
  mkdirSync(dir);
  const { db } = openTestDb(dir);
  importList(db, 'ofac', sharedPath('fixtures', 'sanctions', 'ofac-small'), { now: '2026-11-30T06:00:00.000Z' });
  saveRates(
    db,
    [{ base: 'EUR', quote: 'USD', rate: '1.08', asOf: '2020-01-01T00:00:00Z', source: 'test' }],
    '2026-11-30T06:00:00.000Z',
  );
  const checks: CheckContext = {
    homeJurisdiction: 'DE',
    today: '2026-11-30',
    pack: defaultRulePack(),
    rates: dbRates(db),
    screening: new ScreeningIndex(activeLists(db)),
  };
  return { db, checks };
}

/** The stored rows a path wrote, without the times of the run (each import takes its own "now"). */
function rows(db: WritableDB) {
  const all = (sql: string) => db.prepare(sql).all();
  return {
    cases: all('SELECT * FROM cases ORDER BY id').map((r) => ({
      ...(r as object),
      received_at: null,
      arrived_at: null,
    })),
    checks: all('SELECT * FROM case_checks_full ORDER BY case_id, check_name').map((r) => ({
      ...(r as object),
      computed_at: null,
    })),
    events: all("SELECT actor, action, case_id, payload FROM audit_events WHERE action LIKE 'case.%' ORDER BY seq"),
  };
}

const count = (db: WritableDB, sql: string) => (db.prepare(sql).get() as { n: number }).n;

describe('cases import on the worker threads', () => {
  it('stores the same cases, checks and audit events as the import on one thread', async () => {
    const one = store();
    const two = store();
    const inline = await importCasesFile(one.db, file, 'Ana', one.checks, { workers: 0 });
    const pool = IntakePool.start(two.checks, { workers: 1 })!;
    const pooled = await importCasesFile(two.db, file, 'Ana', two.checks, { workers: pool });
    // The cases were read on a worker that started (not in-line behind its back).
    expect(pool.starts).toHaveLength(1);
    expect(pool.sent).toBe(N);
    // Its worker runs below the writer (the main thread), which it would otherwise compete with.
    if (process.platform === 'linux') {
      const threads = threadNiceness();
      expect(threads.find((t) => t.tid === process.pid)?.nice).toBe(0);
      expect(threads.filter((t) => t.nice === BACKGROUND_NICENESS)).toHaveLength(1);
    }
    await pool.close();
    expect(pooled).toEqual(inline);
    expect(inline.inserted).toBe(N);
    const a = rows(one.db);
    const b = rows(two.db);
    expect(b.cases).toEqual(a.cases);
    expect(b.checks).toEqual(a.checks);
    expect(b.events).toEqual(a.events);
    expect(b.checks).toHaveLength(3 * N);
    expect(verifyAudit(two.db)).toMatchObject({ ok: true, events: N + 1 });
    one.db.close();
    two.db.close();
  }, 120_000);

  it('quarantines by name a case that throws or stops its worker; the others are stored once, nothing doubled', async () => {
    const s = store();
    const cases = [...generateCases(600, { seed: 2102 })];
    const throws = cases[123]!.id;
    const stops = cases[456]!.id;
    const f = join(t.dir, 'faulty.jsonl');
    writeFileSync(f, cases.map((c) => JSON.stringify(c) + '\n').join(''));
    const pool = IntakePool.start(s.checks, { workers: 1, fault: { throwOn: throws, exitOn: stops } })!;
    const r = await importCasesFile(s.db, f, 'Ana', s.checks, { workers: pool });
    await pool.close();
    expect(r.inserted).toBe(598);
    expect(r.rejected).toEqual([
      {
        line: 124,
        reason: expect.stringMatching(
          /^the intake could not read this case: it threw RangeError on a worker thread; nothing of it was stored/,
        ),
      },
      {
        line: 457,
        reason: expect.stringMatching(
          /^the intake could not read this case: its worker stopped \(exit code 70\) on a worker thread/,
        ),
      },
    ]);
    const stored = (id: string) => count(s.db, `SELECT count(*) AS n FROM cases WHERE id = '${id}'`);
    expect(stored(throws) + stored(stops)).toBe(0);
    expect(count(s.db, 'SELECT count(*) AS n FROM quarantine')).toBe(2);
    expect(count(s.db, 'SELECT count(*) AS n FROM case_checks')).toBe(3 * 598);
    expect(verifyAudit(s.db)).toMatchObject({ ok: true, events: 598 + 1 });
    // Delivered again on one thread: the two are taken in, the rest are replays — nothing doubled.
    const again = await importCasesFile(s.db, f, 'Ana', s.checks, { workers: 0 });
    expect(again).toMatchObject({ inserted: 2, unchanged: 598, rejected: [] });
    expect(count(s.db, 'SELECT count(*) AS n FROM cases')).toBe(600);
    s.db.close();
  }, 120_000);

  it('fails the run loudly when its workers keep stopping, with nothing of the batch stored', async () => {
    const s = store();
    const f = join(t.dir, 'doomed.jsonl');
    writeFileSync(f, [...generateCases(40, { seed: 2103 })].map((c) => JSON.stringify(c) + '\n').join(''));
    const pool = IntakePool.start(s.checks, { workers: 1, fault: { exitOn: '"id":' } })!;
    await expect(importCasesFile(s.db, f, 'Ana', s.checks, { workers: pool })).rejects.toThrow(
      /worker threads stopped 9 times/,
    );
    await pool.close();
    expect(count(s.db, 'SELECT count(*) AS n FROM cases')).toBe(0);
    expect(count(s.db, 'SELECT count(*) AS n FROM quarantine')).toBe(0);
    expect(verifyAudit(s.db)).toMatchObject({ ok: true });
    s.db.close();
  }, 120_000);

  it('stays on one thread where a worker could not check alike: another rule pack, rates it cannot list', () => {
    const s = store();
    expect(IntakePool.start({ ...s.checks, pack: loadRulePack() }, { workers: 1 })).toBeNull();
    expect(IntakePool.start({ ...s.checks, rates: { find: () => null } }, { workers: 1 })).toBeNull();
    // Two rates of one pair at one instant: which SQLite returns is its own affair, so no copy decides.
    saveRates(
      s.db,
      [{ base: 'EUR', quote: 'USD', rate: '1.09', asOf: '2020-01-01T00:00:00Z', source: 'other' }],
      '2026-11-30T06:00:00.000Z',
    );
    expect(IntakePool.start(s.checks, { workers: 1 })).toBeNull();
    expect(IntakePool.start(s.checks, { workers: 0 })).toBeNull();
    s.db.close();
  });

  it('computes the checks on the writer when the rates changed after the workers were given theirs', async () => {
    const s = store();
    const pool = IntakePool.start(s.checks, { workers: 1 })!;
    expect(pool.serves(s.checks)).toBe(true);
    saveRates(
      s.db,
      [{ base: 'EUR', quote: 'USD', rate: '1.20', asOf: '2021-01-01T00:00:00Z', source: 'test' }],
      '2026-11-30T06:30:00.000Z',
    );
    expect(pool.serves(s.checks)).toBe(false);
    const pooled = await importCasesFile(s.db, file, 'Ana', s.checks, { workers: pool });
    await pool.close();
    const other = store();
    saveRates(
      other.db,
      [{ base: 'EUR', quote: 'USD', rate: '1.20', asOf: '2021-01-01T00:00:00Z', source: 'test' }],
      '2026-11-30T06:30:00.000Z',
    );
    const inline = await importCasesFile(other.db, file, 'Ana', other.checks, { workers: 0 });
    expect(pooled).toEqual(inline);
    expect(rows(s.db).checks).toEqual(rows(other.db).checks);
    // The new rate decided: the workers' copy (1.08) would have been wrong.
    const used = (rate: string) =>
      count(
        s.db,
        `SELECT count(*) AS n FROM case_checks WHERE check_name = 'travel_rule' AND result LIKE '%"rate":"${rate}"%'`,
      );
    expect(used('1.20')).toBeGreaterThan(0);
    expect(used('1.08')).toBe(0);
    s.db.close();
    other.db.close();
  }, 120_000);
});

describe('sync on the worker threads', () => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await startBackend({ dbFile: join(t.dir, 'backend.db'), testHooks: true });
    const cases = [...generateCases(N, { seed: 2104 })];
    backend.db.transaction(() => {
      for (const c of cases.slice(0, 100)) backend.addCase({ ...c, status: 'pending_review' });
    })();
    // Lines that are not cases, in the first page: a worker parses them (the pull's thread no longer does),
    // and each must be quarantined with the reason and cursor a pull on one thread gives.
    for (const raw of [
      '{"id": "broken", "direction": ',
      `${'['.repeat(200)}${']'.repeat(200)}`,
      JSON.stringify({ ...cases[0], id: 'unknown-field', surprise: true }),
    ])
      await fetch(`${backend.url}/v1/test/inject`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${backend.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ raw }),
      });
    backend.db.transaction(() => {
      for (const c of cases.slice(100)) backend.addCase({ ...c, status: 'pending_review' });
    })();
  });
  afterAll(async () => {
    await backend?.close();
  });

  it('pulls a long feed with its cases read on a worker: the same store as a pull on one thread', async () => {
    const pooled = await workstationFor(join(t.dir, 'ws-pooled'), backend);
    // One worker whatever the machine, and none for the reference pull.
    pooled.engine.intakeWorkers = 1;
    const report = await pooled.engine.pull();
    expect(report).toMatchObject({ received: N + 3, applied: N, quarantined: 3, workers: 1 });
    const inline = await workstationFor(join(t.dir, 'ws-inline'), backend);
    inline.engine.intakeWorkers = 0;
    expect(await inline.engine.pull()).toMatchObject({ received: N + 3, applied: N, quarantined: 3, workers: 0 });
    const a = rows(inline.ws.database());
    const b = rows(pooled.ws.database());
    const quarantine = (db: WritableDB) =>
      db.prepare("SELECT location, reason, raw FROM quarantine WHERE source = 'sync' ORDER BY id").all();
    expect(quarantine(pooled.ws.database())).toEqual(quarantine(inline.ws.database()));
    expect(quarantine(pooled.ws.database()).map((q) => (q as { reason: string }).reason)).toEqual([
      expect.stringMatching(/not valid JSON/),
      expect.stringMatching(/nests deeper than/),
      expect.stringMatching(/Unrecognized key.*surprise/),
    ]);
    expect(b.cases).toEqual(a.cases);
    expect(b.checks).toEqual(a.checks);
    expect(b.events).toEqual(a.events);
    expect(verifyAudit(pooled.ws.database()).ok).toBe(true);
    await inline.engine.stop();
    inline.ws.close();
    await pooled.engine.stop();
    pooled.ws.close();
  }, 180_000);
});

describe('a read case on its way to the writer', () => {
  it('carries the IVMS101 payload as the text the store keeps, and gives the record its payload back', () => {
    const { checks } = store();
    const sent = new Set<string>();
    for (const c of generateCases(20, { seed: 2105 })) {
      const read = readCase({ text: JSON.stringify(c) }, checks.today, checks);
      if (!read.ok) throw new Error(read.reason);
      const before = JSON.stringify(read.record);
      // The worker's side, the structured clone a message makes, the writer's side.
      const message = structuredClone(toWriter(read, sent));
      if (!message.ok) throw new Error('refused on the way');
      expect(message.ivms101Text).toBe(JSON.stringify(c.ivms101));
      expect(message.record.ivms101).toBeNull(); // no object graph crosses
      payloadFromText(message);
      // The payload back, in its key's place: the record reads as it did before it crossed.
      expect(message.record.ivms101).toEqual(c.ivms101);
      expect(JSON.stringify(message.record)).toBe(before);
      expect(Object.keys(message.record)).toEqual(Object.keys(read.record));
    }
  });
});
