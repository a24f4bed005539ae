import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src-main/audit/chain';
import { generateCases } from '../../src-main/cases/generate';
import { applyCipher, BULK_WAL_AUTOCHECKPOINT, type WritableDB } from '../../src-main/store/db';
import { unlockVault } from '../../src-main/vault/vault';
import { runCli, ROOT, WAYBILL_BIN } from '../support/cli';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// A bulk intake checkpoints its WAL rarely (store/db.ts BULK_WAL_AUTOCHECKPOINT), or on a worker thread of
// its own (store/checkpointer.ts) that copies committed batches while the writer goes on: batches it
// committed may exist only in the WAL, or be half copied, when the process dies. Killed there, the import
// must lose none of them and, run again, add each case once: every case, every audit event with its
// chain, nothing twice.

const t = tempDir();
afterAll(() => t.cleanup());
const CASES = 6000;
/** import.ts commits this many cases a transaction. */
const BATCH = 2000;
const env = { WAYBILL_PASSPHRASE: TEST_PASSPHRASE };

function open(dataDir: string, key: Buffer): WritableDB {
  const db = new Database(join(dataDir, 'cases.db'));
  applyCipher(db, key);
  return db as WritableDB;
}

/** Whether the import's log says its checkpoint worker started (app/workstation.ts). */
function workerStarted(dataDir: string): boolean {
  const logs = join(dataDir, 'logs');
  return (
    existsSync(logs) &&
    readdirSync(logs).some((f) => readFileSync(join(logs, f), 'utf8').includes('store.checkpoint_worker_started'))
  );
}

async function killedAndRunAgain(name: string, worker: boolean): Promise<void> {
  const dataDir = join(t.dir, name);
  const file = join(t.dir, `${name}.jsonl`);
  const runEnv = { ...env, ...(worker ? {} : { WAYBILL_CHECKPOINT_WORKER: '0' }) };
  const cases = [...generateCases(CASES, { seed: 61 })];
  writeFileSync(file, cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
  expect((await runCli(['vault', 'init', '--data-dir', dataDir], runEnv)).code).toBe(0);

  const wal = join(dataDir, 'cases.db-wal');
  const size = (f: string) => statSync(f, { throwIfNoEntry: false })?.size ?? 0;
  const dbBefore = size(join(dataDir, 'cases.db'));
  // The writer checkpointing: killed once the WAL holds more than a batch (a batch's commit writes ~25 MiB
  // of it, the second takes it past 50): at least one batch committed, not yet checkpointed. The worker:
  // killed as soon as it runs (after the first batch commits), while it copies that batch.
  const killedAt = await new Promise<{ wal: number; db: number; signal: string | null }>((done, fail) => {
    const child = spawn(process.execPath, [WAYBILL_BIN, 'cases', 'import', '--data-dir', dataDir, file], {
      cwd: ROOT,
      env: { ...process.env, VITEST: undefined, ...runEnv },
      stdio: 'ignore',
    });
    let seen = { wal: 0, db: 0 };
    let started = false;
    let polls = 0;
    const poll = setInterval(() => {
      seen = { wal: size(wal), db: size(join(dataDir, 'cases.db')) };
      if (worker && !started && polls++ % 4 === 0) started = workerStarted(dataDir);
      // Not by the WAL's size with the worker: it copies while the writer writes, so the WAL need never pass
      // 40 MiB (CI, 30 Nov: the import ended first).
      if (worker ? started : seen.wal > 40 * 2 ** 20) child.kill('SIGKILL');
    }, 5);
    child.on('error', fail);
    child.on('exit', (_code, signal) => {
      clearInterval(poll);
      done({ ...seen, signal });
    });
  });
  expect(killedAt.signal, 'the import ended before it was killed').toBe('SIGKILL');
  if (worker) expect(workerStarted(dataDir)).toBe(true);
  else {
    // The committed batches were in the WAL only: the database file had not grown by a batch (~12 KiB a case).
    expect(BULK_WAL_AUTOCHECKPOINT * 4096).toBeGreaterThan(killedAt.wal);
    expect(killedAt.db - dbBefore).toBeLessThan(BATCH * 12 * 1024);
  }

  const key = await unlockVault(dataDir, TEST_PASSPHRASE);
  let db = open(dataDir, key);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  const kept = (db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
  // Whole batches, each with its checks, its search rows and its audit events, and no more.
  expect(kept).toBeGreaterThanOrEqual(BATCH);
  expect(kept % BATCH).toBe(0);
  expect(kept).toBeLessThan(CASES);
  expect(db.prepare('SELECT id FROM cases ORDER BY rowid').all()).toEqual(
    cases.slice(0, kept).map((c) => ({ id: c.id })),
  );
  expect(db.prepare('SELECT count(*) AS n FROM case_checks').get()).toEqual({ n: 3 * kept });
  expect(db.prepare("SELECT count(*) AS n FROM cases_fts WHERE cases_fts MATCH 'id:case'").get()).toEqual({
    n: kept,
  });
  expect(db.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'case.received'").get()).toEqual({
    n: kept,
  });
  expect(verifyAudit(db).ok).toBe(true);
  db.close();

  const again = await runCli(['cases', 'import', '--data-dir', dataDir, file], runEnv);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain(`Read ${CASES} lines: ${CASES - kept} new, 0 updated, ${kept} unchanged, 0 rejected`);

  db = open(dataDir, key);
  expect(db.prepare('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM cases').get()).toEqual({
    n: CASES,
    ids: CASES,
  });
  expect(db.prepare('SELECT count(*) AS n FROM case_checks').get()).toEqual({ n: 3 * CASES });
  expect(db.prepare("SELECT count(*) AS n FROM cases_fts WHERE cases_fts MATCH 'id:case'").get()).toEqual({
    n: CASES,
  });
  // One arrival per case, the chain whole.
  expect(
    db
      .prepare("SELECT count(*) AS n, count(DISTINCT case_id) AS ids FROM audit_events WHERE action = 'case.received'")
      .get(),
  ).toEqual({ n: CASES, ids: CASES });
  expect(verifyAudit(db).ok).toBe(true);
  db.close();
}

describe('cases import killed while its committed batches are still in the WAL', () => {
  // Guards against a hang, not speed assertions.
  it('loses no committed case and doubles none when run again (the writer checkpoints)', async () => {
    await killedAndRunAgain('writer', false);
  }, 600_000);

  it('loses no committed case and doubles none when run again (killed while its checkpoint worker runs)', async () => {
    await killedAndRunAgain('worker', true);
  }, 600_000);
});
