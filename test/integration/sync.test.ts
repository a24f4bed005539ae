import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateCases } from '../../src-main/cases/generate';
import { recordDecision } from '../../src-main/cases/decide';
import { getCaseRecord } from '../../src-main/store/cases';
import { startBackend, type Backend } from '../../reference-backend/server';
import { getCase } from '../../reference-backend/store';
import { workstationFor } from '../support/sync';
import { tempDir } from '../support/temp';

let t: ReturnType<typeof tempDir>;
const backends: Backend[] = [];
beforeEach(() => (t = tempDir()));
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close().catch(() => {})));
  t.cleanup();
});

async function backendWith(n: number, extra: Parameters<typeof startBackend>[0] = {}) {
  const b = await startBackend({ testHooks: true, ...extra });
  backends.push(b);
  b.db.transaction(() => {
    for (const c of generateCases(n, { seed: 17 })) b.addCase({ ...c, status: 'pending_review' });
  })();
  return b;
}

describe('sync with the reference backend over HTTP', () => {
  it('syncs 10,000 cases, and counts and contents match the backend exactly', async () => {
    const b = await backendWith(10_000);
    const { ws, engine } = await workstationFor(join(t.dir, 'ws'), b);
    const r = await engine.pull();
    expect(r).toMatchObject({ received: 10_000, applied: 10_000, quarantined: 0 });
    const db = ws.database();
    expect((db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n).toBe(10_000);
    for (const { id } of b.db.prepare('SELECT id FROM cases').all() as { id: string }[]) {
      expect(getCaseRecord(db, id)).toEqual(getCase(b.db, id));
    }
    // Every case arrived checked.
    expect(
      (db.prepare("SELECT count(*) AS n FROM case_checks WHERE check_name = 'travel_rule'").get() as { n: number }).n,
    ).toBe(10_000);
    // Pulling again finds nothing new.
    expect(await engine.pull()).toMatchObject({ received: 0, applied: 0 });
    ws.close();
    // A guard against a hang, not a speed assertion (speed is `npm run bench -- sync`): under a load of 25 on two
    // cores the 10,000 cases took more than 240 s.
  }, 1_200_000);

  it('decisions made offline wait in the outbox and land exactly once when the backend returns', async () => {
    const dbFile = join(t.dir, 'backend.db');
    const b1 = await backendWith(60, { dbFile });
    const { ws, engine } = await workstationFor(join(t.dir, 'ws'), b1);
    await engine.pull();
    const { port, token } = b1;
    await b1.close();
    backends.splice(backends.indexOf(b1), 1);

    const ids = (ws.database().prepare('SELECT id FROM cases ORDER BY id LIMIT 50').all() as { id: string }[]).map(
      (r) => r.id,
    );
    ids.forEach((id, i) =>
      recordDecision(ws.database(), {
        caseId: id,
        kind: i % 2 ? 'accept' : 'reject',
        reasonCodes: i % 2 ? [] : ['COMPLIANCE_CHECK_FAIL'],
        analyst: 'analyst-1',
      }),
    );
    expect(await engine.push()).toBe(0); // offline
    expect(engine.status()).toMatchObject({ online: false, outboxDepth: 50 });
    // Already known to be offline, one more decision still reaches the status bar's outbox depth.
    const told: number[] = [];
    const unsubscribe = ws.events.subscribe(
      (name, p) => name === 'sync.status' && told.push((p as { outboxDepth: number }).outboxDepth),
    );
    const extra = (ws.database().prepare('SELECT id FROM cases ORDER BY id LIMIT 1 OFFSET 55').get() as { id: string })
      .id;
    recordDecision(ws.database(), { caseId: extra, kind: 'accept', reasonCodes: [], analyst: 'analyst-1' });
    expect(await engine.push()).toBe(0);
    expect(told.at(-1)).toBe(51);
    unsubscribe();
    ids.push(extra);

    const b2 = await startBackend({ dbFile, port, token });
    backends.push(b2);
    engine.retryNow();
    expect(await engine.push()).toBe(51);
    expect(engine.status()).toMatchObject({ online: true, outboxDepth: 0 });
    const landed = b2.db
      .prepare('SELECT case_id, count(*) AS n FROM decisions WHERE status = 201 GROUP BY case_id')
      .all() as { case_id: string; n: number }[];
    expect(landed).toHaveLength(51);
    expect(landed.every((r) => r.n === 1)).toBe(true);
    expect(landed.map((r) => r.case_id).sort()).toEqual([...ids].sort());
    // Replaying every entry (as after a crash before the acknowledgement was stored) doubles nothing.
    ws.database().prepare("UPDATE outbox SET state = 'pending', next_attempt_at = '1970-01-01T00:00:00.000Z'").run();
    expect(await engine.push()).toBe(51);
    expect((b2.db.prepare('SELECT count(*) AS n FROM decisions').get() as { n: number }).n).toBe(51);
    // The local copy now has the backend's new versions.
    expect(getCaseRecord(ws.database(), ids[1]!)?.status).toBe(getCase(b2.db, ids[1]!)?.status);
    ws.close();
  }, 600_000);

  it('two workstations decide the same case: the second sees a conflict, and nothing is overwritten', async () => {
    const b = await backendWith(5);
    const a = await workstationFor(join(t.dir, 'a'), b, 'analyst-a');
    const z = await workstationFor(join(t.dir, 'b'), b, 'analyst-b');
    await a.engine.pull();
    await z.engine.pull();
    const id = (a.ws.database().prepare('SELECT id FROM cases ORDER BY id LIMIT 1').get() as { id: string }).id;
    recordDecision(a.ws.database(), { caseId: id, kind: 'accept', reasonCodes: [], analyst: 'analyst-a' });
    recordDecision(z.ws.database(), { caseId: id, kind: 'reject', reasonCodes: ['HIGH_RISK'], analyst: 'analyst-b' });
    expect(await a.engine.push()).toBe(1);
    expect(await z.engine.push()).toBe(0);
    expect(z.engine.status().conflicts).toBe(1);
    const conflict = z.ws.database().prepare('SELECT ours, theirs FROM conflicts').get() as {
      ours: string;
      theirs: string;
    };
    expect(JSON.parse(conflict.ours)).toMatchObject({ kind: 'reject', reasonCodes: ['HIGH_RISK'] });
    expect(JSON.parse(conflict.theirs)).toMatchObject({ id, status: getCase(b.db, id)?.status, version: 2 });
    // The backend kept the first decision only; B's own decision is still on record locally.
    expect(b.db.prepare('SELECT kind, analyst FROM decisions WHERE case_id = ? AND status = 201').all(id)).toEqual([
      { kind: 'accept', analyst: 'analyst-a' },
    ]);
    expect(z.ws.database().prepare('SELECT kind, sync_state FROM decisions WHERE case_id = ?').get(id)).toEqual({
      kind: 'reject',
      sync_state: 'conflict',
    });
    a.ws.close();
    z.ws.close();
  });

  it('quarantines malformed items with their reasons while the rest of their page syncs', async () => {
    const b = await backendWith(3);
    const [good] = [...generateCases(1, { seed: 91 })];
    const inject = (raw: string) =>
      fetch(`${b.url}/v1/test/inject`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${b.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ raw }),
      });
    await inject('{"id": "broken", "direction": ');
    await inject(JSON.stringify({ ...good, id: 'unknown-field', surprise: true }));
    await inject(JSON.stringify({ ...good, id: 'oversized', amount: '1'.repeat(500) }));
    await inject(JSON.stringify({ ...good, id: 'not-ivms', ivms101: { hello: 'world' } }));
    b.addCase({ ...good!, id: 'after-the-bad-ones', status: 'pending_review' });
    const { ws, engine } = await workstationFor(join(t.dir, 'ws'), b);
    const r = await engine.pull();
    expect(r).toMatchObject({ applied: 4, quarantined: 4 });
    const q = ws
      .database()
      .prepare("SELECT location, reason FROM quarantine WHERE source = 'sync' ORDER BY id")
      .all() as { location: string; reason: string }[];
    expect(q.map((x) => x.reason)).toEqual([
      expect.stringMatching(/not valid JSON/),
      expect.stringMatching(/Unrecognized key.*surprise/),
      expect.stringMatching(/amount: Too big/),
      expect.stringMatching(/ivms101: not an IVMS101 payload/),
    ]);
    expect(q[0]?.location).toMatch(/^cursor 4 /);
    expect(getCaseRecord(ws.database(), 'after-the-bad-ones')).not.toBeNull();

    // A case that moves backwards in its lifecycle is quarantined too.
    const id = (ws.database().prepare("SELECT id FROM cases WHERE id LIKE 'case-17-%' LIMIT 1").get() as { id: string })
      .id;
    const c = getCase(b.db, id)!;
    b.addCase({ ...c, status: 'completed', version: c.version + 1 });
    await engine.pull();
    b.addCase({ ...c, status: 'pending_review', version: c.version + 2 });
    const back = await engine.pull();
    expect(back.quarantined).toBe(1);
    expect(getCaseRecord(ws.database(), id)?.status).toBe('completed');
    expect(
      (ws.database().prepare('SELECT reason FROM quarantine ORDER BY id DESC LIMIT 1').get() as { reason: string })
        .reason,
    ).toMatch(/moves backwards .* from completed to pending_review/);
    ws.close();
  });
});
