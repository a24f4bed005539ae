import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/support/db';
import { tempDir } from '../../test/support/temp';
import type { WritableDB } from '../store/db';
import { GENESIS_HASH, appendAudit, verifyAudit } from './chain';

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
