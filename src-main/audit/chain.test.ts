import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/support/db';
import { tempDir } from '../../test/support/temp';
import type { WritableDB } from '../store/db';
import { GENESIS_HASH, appendAudit, auditBatch, verifyAudit } from './chain';

let t: ReturnType<typeof tempDir>;
let db: WritableDB;

beforeEach(() => {
  t = tempDir();
  db = openTestDb(t.dir).db;
  for (let i = 1; i <= 5; i++)
    appendAudit(db, { actor: 'analyst-a', action: 'case.received', caseId: `c${i}`, payload: { n: i } });
});
afterEach(() => {
  db.close();
  t.cleanup();
});

/** Simulates someone with the key editing the file directly: drop the guard, change a row. */
function tamper(sql: string, ...params: unknown[]) {
  db.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
  db.prepare(sql).run(...params);
}

describe('audit chain', () => {
  it('links each event to the previous one from the genesis hash', () => {
    const rows = db.prepare('SELECT seq, prev_hash, hash FROM audit_events ORDER BY seq').all() as {
      seq: number;
      prev_hash: string;
      hash: string;
    }[];
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(verifyAudit(db)).toEqual({ ok: true, events: 5, firstBroken: null });
  });

  it('refuses UPDATE and DELETE through SQL', () => {
    expect(() => db.prepare("UPDATE audit_events SET actor = 'x' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_events WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it.each([
    ['actor', "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3", 3, /content does not match/],
    ['time', "UPDATE audit_events SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 2", 2, /content does not match/],
    ['payload', 'UPDATE audit_events SET payload = \'{"n":99}\' WHERE seq = 4', 4, /payload does not match/],
    ['deleted row', 'DELETE FROM audit_events WHERE seq = 3', 4, /sequence gap/],
  ])('names the first broken event when the %s is edited', (_what, sql, seq, reason) => {
    tamper(sql);
    const v = verifyAudit(db);
    expect(v.ok).toBe(false);
    expect(v.firstBroken?.seq).toBe(seq);
    expect(v.firstBroken?.reason).toMatch(reason);
  });

  it('detects a rewritten hash through the next link', () => {
    tamper('UPDATE audit_events SET hash = ? WHERE seq = 2', 'f'.repeat(64));
    expect(verifyAudit(db).firstBroken?.seq).toBe(2);
  });

  it('stays verifiable when a payload is removed but its digest kept (retention)', () => {
    tamper('UPDATE audit_events SET payload = NULL WHERE seq = 2');
    expect(verifyAudit(db).ok).toBe(true);
  });
});

describe('audit events appended in a batch (bulk intake)', () => {
  const ROWS =
    'SELECT seq, at, actor, action, case_id, payload, payload_digest, prev_hash, hash FROM audit_events ORDER BY seq';
  const events = (n: number, from = 6) =>
    Array.from({ length: n }, (_, i) => ({
      actor: i % 2 ? 'backend' : 'analyst-b',
      action: 'case.received',
      caseId: i % 3 ? `c${from + i}` : null,
      payload: { n: from + i, names: ['Зоя', 'Ł', '😀'], nested: { b: [1, null], a: 'x' } },
      at: `2026-11-30T00:00:${String(i % 60).padStart(2, '0')}.000Z`,
    }));

  it('writes exactly the rows single appends write, in order, continuing the chain', () => {
    // Two fresh databases with the same first events: one appends the rest one at a time, the other in a batch.
    const dirs = [tempDir(), tempDir()];
    const [single, batch] = dirs.map((d) => openTestDb(d.dir).db) as [WritableDB, WritableDB];
    for (const d of [single, batch])
      for (let i = 1; i <= 5; i++)
        appendAudit(d, {
          actor: 'analyst-a',
          action: 'case.received',
          caseId: `c${i}`,
          at: '2026-11-29T00:00:00.000Z',
        });
    single.transaction(() => events(40).forEach((e) => appendAudit(single, e)))();
    const returned = batch.transaction(() => auditBatch(batch, () => events(40).map((e) => appendAudit(batch, e))))();
    const batched = batch.prepare(ROWS).all() as { hash: string }[];
    // 'at' is given, so both chains are bit for bit the same.
    expect(batched).toEqual(single.prepare(ROWS).all());
    expect(returned.map((e) => e.hash)).toEqual(batched.slice(5).map((r) => r.hash));
    expect(verifyAudit(batch)).toEqual({ ok: true, events: 45, firstBroken: null });
    // A single append after the batch links to the batch's last event.
    appendAudit(batch, { actor: 'analyst-a', action: 'case.updated', caseId: 'c6' });
    expect(verifyAudit(batch)).toEqual({ ok: true, events: 46, firstBroken: null });
    single.close();
    batch.close();
    dirs.forEach((d) => d.cleanup());
  });

  it('writes nothing when the work throws, and the chain goes on from where it was', () => {
    expect(() =>
      db.transaction(() =>
        auditBatch(db, () => {
          events(3).forEach((e) => appendAudit(db, e));
          throw new Error('a case in the batch broke');
        }),
      )(),
    ).toThrow(/broke/);
    expect(verifyAudit(db)).toEqual({ ok: true, events: 5, firstBroken: null });
    appendAudit(db, { actor: 'analyst-a', action: 'case.updated', caseId: 'c1' });
    expect(verifyAudit(db)).toEqual({ ok: true, events: 6, firstBroken: null });
  });

  it('a batch inside a batch joins the outer one', () => {
    db.transaction(() =>
      auditBatch(db, () => {
        appendAudit(db, events(1)[0]!);
        auditBatch(db, () => appendAudit(db, events(1, 7)[0]!));
        appendAudit(db, events(1, 8)[0]!);
      }),
    )();
    expect(verifyAudit(db)).toEqual({ ok: true, events: 8, firstBroken: null });
    expect(
      (db.prepare('SELECT payload FROM audit_events WHERE seq > 5 ORDER BY seq').all() as { payload: string }[]).map(
        (r) => (JSON.parse(r.payload) as { n: number }).n,
      ),
    ).toEqual([6, 7, 8]);
  });
});
