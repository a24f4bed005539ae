import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cases, workstationWith } from '../../test/support/export';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { signIn } from '../vault/vault';
import { listCases } from './cases';
import { DB_FILE, openDatabase } from './db';
import { LATEST_SCHEMA_VERSION, schemaVersion } from './migrations';
import { QUEUE_ROWS_SOURCE_SQL } from './migrations/0025-queue-rows';
import { upgradeStore } from './upgrade';

// The first unlock after an update that adds a migration brings the store up to date on a worker thread
// (store/upgrade.ts): at a million cases migration 0025 took 41 s, and on the main thread Electron's
// main process and the browser mode's server answered nothing meanwhile.

const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

/** A real vault with 300 imported cases, locked, its store put back to schema 24 (before queue_rows, the triage index and 0027's changes). */
let template: string;
beforeAll(async () => {
  const t = tempDir();
  afterAll(t.cleanup);
  template = join(t.dir, 'vault');
  const ws = await workstationWith(template, cases(300));
  ws.lock('manual');
  const { key } = await signIn(template, undefined, TEST_PASSPHRASE);
  const db = openDatabase(join(template, DB_FILE), key, { migrate: false });
  db.exec(`DROP TABLE queue_rows; DROP INDEX cases_triage;
    DROP TABLE counterparty_names; DROP INDEX cases_by_assignee;
    CREATE INDEX cases_by_assignee ON cases (assigned_to, transfer_time);
    CREATE INDEX cases_by_counterparty ON cases (counterparty_vasp_id, transfer_time);
    PRAGMA user_version = 24;`);
  for (const { name } of db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'queue_rows_%' OR name LIKE 'counterparty_names_%')`,
    )
    .all() as { name: string }[])
    db.exec(`DROP TRIGGER ${name}`);
  db.close();
  key.fill(0);
});

/** A copy of the schema-24 vault for one test. */
function storeAt24(): { dir: string; file: string } {
  const t = tempDir();
  closers.push(t.cleanup);
  const dir = join(t.dir, 'vault');
  cpSync(template, dir, { recursive: true });
  return { dir, file: join(dir, DB_FILE) };
}

describe('the store upgrade at unlock', () => {
  it('runs the pending migrations on a worker thread, and the main thread keeps running meanwhile', async () => {
    const { dir, file } = storeAt24();
    const { key } = await signIn(dir, undefined, TEST_PASSPHRASE);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const u = await upgradeStore(file, key);
      expect(u).toMatchObject({ from: 24, to: LATEST_SCHEMA_VERSION });
      expect(u!.threadId).not.toBe(threadId);
      expect(ticks).toBeGreaterThan(0);
      const db = openDatabase(file, key, { migrate: false });
      try {
        expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
        // Built from the 300 cases, exactly as the triggers would keep it.
        expect(db.prepare('SELECT count(*) AS n FROM queue_rows').get()).toEqual({ n: 300 });
        expect(
          db.prepare(`SELECT count(*) AS n FROM (${QUEUE_ROWS_SOURCE_SQL} EXCEPT SELECT * FROM queue_rows)`).get(),
        ).toEqual({ n: 0 });
      } finally {
        db.close();
      }
      // Current now: nothing to do, no worker.
      expect(await upgradeStore(file, key)).toBeNull();
    } finally {
      clearInterval(timer);
      key.fill(0);
    }
  });

  it('is recorded in the audit trail once, at the unlock that upgraded, and the queue reads the new table', async () => {
    const { dir } = storeAt24();
    const ws = new Workstation({ dataDir: dir, mode: 'cli', actor: 'analyst-a' });
    await ws.unlock(TEST_PASSPHRASE);
    const upgraded = () =>
      ws
        .database()
        .prepare(`SELECT payload FROM audit_events WHERE action = 'store.upgraded' ORDER BY seq`)
        .all()
        .map((r) => JSON.parse((r as { payload: string }).payload) as unknown);
    expect(upgraded()).toEqual([{ fromVersion: 24, toVersion: LATEST_SCHEMA_VERSION }]);
    expect(
      listCases(ws.database(), { offset: 0, limit: 500, sort: { column: 'transferTime', direction: 'desc' } }),
    ).toHaveLength(300);
    ws.lock('manual');
    await ws.unlock(TEST_PASSPHRASE);
    expect(upgraded()).toHaveLength(1);
    ws.lock('manual');
  });

  it('refuses a store written by a newer Waybill, unchanged, with the migrations’ own message', async () => {
    const { dir, file } = storeAt24();
    const { key } = await signIn(dir, undefined, TEST_PASSPHRASE);
    const db = openDatabase(file, key, { migrate: false });
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    key.fill(0);
    const ws = new Workstation({ dataDir: dir, mode: 'cli', actor: 'analyst-a' });
    await expect(ws.unlock(TEST_PASSPHRASE)).rejects.toThrow(/newer than this Waybill understands/);
    expect(ws.status().vault).toBe('locked');
    const again = await signIn(dir, undefined, TEST_PASSPHRASE);
    const after = openDatabase(file, again.key, { migrate: false });
    expect(schemaVersion(after)).toBe(LATEST_SCHEMA_VERSION + 1);
    after.close();
    again.key.fill(0);
  });

  it('refuses a wrong key before any worker starts, as opening would', async () => {
    const { file } = storeAt24();
    await expect(upgradeStore(file, Buffer.alloc(32, 7))).rejects.toThrow(/could not be opened with this key/);
  });
});
