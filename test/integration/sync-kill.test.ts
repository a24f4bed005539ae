import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCases } from '../../src-main/cases/generate';
import { applyCipher } from '../../src-main/store/db';
import { unlockVault } from '../../src-main/vault/vault';
import { startBackend } from '../../reference-backend/server';
import { ROOT } from '../support/cli';
import { tempDir } from '../support/temp';

const t = tempDir();
const CASES = 2500;
afterAll(() => t.cleanup());

function runWorkload(
  dataDir: string,
  url: string,
  token: string,
  killAfterMs: number | null,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/support/sync-workload.ts'), dataDir, url, token],
      {
        cwd: ROOT,
        env: { ...process.env, VITEST: undefined },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

describe('killed at random points during sync and decisions', () => {
  it('20 SIGKILLs: no decision lost, none doubled, the database intact', async () => {
    const backend = await startBackend({});
    backend.db.transaction(() => {
      for (const c of generateCases(CASES, { seed: 23 })) backend.addCase({ ...c, status: 'pending_review' });
    })();
    const dataDir = join(t.dir, 'ws');
    let kills = 0;
    // Deterministic "random" kill times between 0.6 s and 3 s: during start-up, pulls, decisions and pushes.
    let seed = 7;
    const next = () => ((seed = (seed * 48271) % 2147483647), 600 + (seed % 2400));
    while (kills < 20) {
      const r = await runWorkload(dataDir, backend.url, backend.token, next());
      if (r.signal === 'SIGKILL') kills++;
      else if (r.code === 0)
        break; // finished before the kill; the loop below finishes the rest
      else throw new Error(`workload failed: ${r.out.slice(-500)}`);
    }
    const final = await runWorkload(dataDir, backend.url, backend.token, null);
    expect(final.out).toContain('done');
    expect(kills).toBe(20);

    // Compare the workstation's committed decisions with what the backend received.
    const key = await unlockVault(dataDir, 'workload passphrase 1');
    const local = new Database(join(dataDir, 'cases.db'));
    applyCipher(local, key);
    expect(local.pragma('integrity_check', { simple: true })).toBe('ok');
    const decisions = local.prepare('SELECT id, case_id AS caseId, sync_state AS state FROM decisions').all() as {
      id: string;
      caseId: string;
      state: string;
    }[];
    const pending = (local.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'pending'").get() as { n: number })
      .n;
    local.close();
    const remote = backend.db
      .prepare('SELECT idempotency_key AS id, case_id AS caseId, status FROM decisions')
      .all() as { id: string; caseId: string; status: number }[];
    expect(pending).toBe(0);
    expect(decisions.length).toBeGreaterThanOrEqual(CASES);
    // Every local decision reached the backend under its own idempotency key…
    const remoteIds = new Set(remote.map((r) => r.id));
    expect(decisions.filter((d) => !remoteIds.has(d.id))).toEqual([]);
    // …and no case was decided twice on the backend.
    const accepted = remote.filter((r) => r.status === 201);
    expect(new Set(accepted.map((r) => r.caseId)).size).toBe(accepted.length);
    expect(accepted).toHaveLength(CASES);
    expect(backend.db.pragma('integrity_check', { simple: true })).toBe('ok');
    await backend.close();
  }, 1_200_000); // a guard against a hang: the workload, not a speed assertion
});
