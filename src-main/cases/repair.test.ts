import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import type { Ivms101Check, MissingItem } from '../../src-shared/checks';
import { startBackend, type Backend } from '../../reference-backend/server';
import { getCase } from '../../reference-backend/store';
import { workstationFor } from '../../test/support/sync';
import { tempDir } from '../../test/support/temp';
import { auditForCase } from '../audit/chain';
import { verifyAudit } from '../audit/chain';
import { getCaseRecord } from '../store/cases';
import { checksForCase } from '../store/checks';
import { ivms101Versions } from '../store/repairs';
import { caseDetail } from './detail';
import { recordDecision } from './decide';
import { generateCases } from './generate';
import { importCasesFile } from './import';
import { addNote, findMentions } from './notes';
import { diffRecords, previewRepair, repairCase } from './repair';
import { enrolAnalyst } from '../team/roster';
import type { Workstation } from '../app/workstation';
import { dbRates } from '../rules/fx';

// Issue 18, 9 and 10 on a real SQLCipher database (and, for sync, the real reference backend over
// HTTP): a case Incomplete for a missing address is repaired from the counterparty's answer.

type Json = Record<string, unknown>;
let t: ReturnType<typeof tempDir>;
const backends: Backend[] = [];
beforeEach(() => (t = tempDir()));
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close().catch(() => {})));
  t.cleanup();
});

const ivmsCheck = (ws: Workstation, id: string) =>
  checksForCase(ws.database(), id).find((c) => c.name === 'ivms101')!.result as Ivms101Check;

/** The first generated case whose only gap is the originator's address (TFR Art. 14(1)(c) asks for it). */
function missingOnlyAddress(ws: Workstation, cases: CaseRecord[]): { c: CaseRecord; missing: MissingItem } {
  for (const c of cases) {
    const r = ivmsCheck(ws, c.id);
    const m = r.completeness?.missing ?? [];
    if (r.outcome === 'incomplete' && m.length === 1 && m[0]!.items.every((i) => i.item === 'address'))
      return { c, missing: m[0]! };
  }
  throw new Error('no generated case misses only an address');
}

/** Puts a full address where the missing item says it goes (its JSON Pointer into the record). */
function withAddress(ivms101: Json, path: string): Json {
  const copy = structuredClone(ivms101);
  const keys = path.split('/').slice(1);
  let at: Json = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Json;
  at[keys.at(-1)!] = [
    {
      addressType: 'HOME',
      streetName: 'Rue de la Loi',
      buildingNumber: '16',
      postCode: '1000',
      townName: 'Brussels',
      country: 'BE',
    },
  ];
  return copy;
}

async function setup(backend?: Backend) {
  const cases = [...generateCases(300, { seed: 18 })].map((c) => ({ ...c, status: 'pending_review' as const }));
  if (backend) {
    backend.db.transaction(() => cases.forEach((c) => backend.addCase(c)))();
    const { ws, engine } = await workstationFor(join(t.dir, 'ws'), backend);
    await engine.pull();
    return { ws, engine, cases };
  }
  const { ws } = await workstationFor(join(t.dir, 'ws'), { url: 'http://127.0.0.1:9', token: 'x' });
  const file = join(t.dir, 'cases.jsonl');
  writeFileSync(file, cases.map((c) => JSON.stringify(c)).join('\n'));
  await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
  return { ws, engine: null, cases };
}

describe('repair of a case from the counterparty answer (cases/repair.ts)', () => {
  it('makes an Incomplete case complete as a new version, keeping the original as received, audited and queued', async () => {
    const { ws, cases } = await setup();
    const db = ws.database();
    const { c, missing } = missingOnlyAddress(ws, cases);
    const received = getCaseRecord(db, c.id)!;
    const repaired = withAddress(received.ivms101, missing.items[0]!.path);

    const r = repairCase(
      db,
      { caseId: c.id, ivms101: repaired, note: 'Address from their reply of 29 Nov', analyst: ws.actor },
      ws.checkContext(),
    );
    expect(r.version).toBe(2);
    expect(r.changes.map((x) => x.path).every((p) => p.startsWith(missing.items[0]!.path))).toBe(true);

    // Checks re-ran on the repaired record: complete now.
    expect(ivmsCheck(ws, c.id).outcome).toBe('pass');
    // The original as received is untouched (the case row) and is version 1 of the history.
    expect(getCaseRecord(db, c.id)!.ivms101).toEqual(received.ivms101);
    const versions = ivms101Versions(db, c.id);
    expect(versions.map((v) => [v.n, v.kind, v.analyst, v.note])).toEqual([
      [1, 'received', 'backend', null],
      [2, 'repair', ws.actor, 'Address from their reply of 29 Nov'],
    ]);
    expect(versions[0]!.ivms101).toEqual(received.ivms101);
    expect(versions[1]!.ivms101).toEqual(repaired);
    expect(versions[1]!.syncState).toBe('pending');
    // The detail shows the repaired record and both versions.
    const d = caseDetail(db, c.id, { policy: ws.decisionPolicy().fourEyes, rates: dbRates(db) });
    expect(d.record.ivms101).toEqual(repaired);
    expect(d.ivms101Versions).toHaveLength(2);
    // Queued once for the backend, audited (paths only: values are personal data).
    const queued = db
      .prepare('SELECT kind, idempotency_key AS key, payload FROM outbox WHERE case_id = ?')
      .all(c.id) as { kind: string; key: string; payload: string }[];
    expect(queued.map((q) => [q.kind, q.key])).toEqual([['ivms101_repair', r.repairId]]);
    const ev = auditForCase(db, c.id).find((e) => e.action === 'case.repaired')!;
    expect(ev.actor).toBe(ws.actor);
    expect(ev.payload).not.toContain('Rue de la Loi');
    expect(verifyAudit(db).ok).toBe(true);
    // Never edited in place.
    expect(() => db.prepare('UPDATE ivms101_versions SET note = ? WHERE case_id = ?').run('x', c.id)).toThrow(
      /append-only/,
    );
    ws.close();
  });

  it('validates as typed with the checks own validator, and refuses a bad repair by name, storing nothing', async () => {
    const { ws, cases } = await setup();
    const db = ws.database();
    const { c, missing } = missingOnlyAddress(ws, cases);
    const good = withAddress(getCaseRecord(db, c.id)!.ivms101, missing.items[0]!.path);
    const bad = structuredClone(good);
    const addrPath = `${missing.items[0]!.path}/0/country`;
    let at: Json = bad;
    const keys = addrPath.split('/').slice(1);
    for (const k of keys.slice(0, -1)) at = at[k] as Json;
    at[keys.at(-1)!] = 'Belgium';

    const preview = previewRepair(db, c.id, bad, ws.checkContext());
    expect(preview.blocking.join('\n')).toContain(addrPath);
    expect(previewRepair(db, c.id, good, ws.checkContext())).toMatchObject({
      blocking: [],
      check: { outcome: 'pass' },
    });

    const ctx = ws.checkContext();
    expect(() => repairCase(db, { caseId: c.id, ivms101: bad, note: 'x', analyst: ws.actor }, ctx)).toThrow(addrPath);
    expect(() => repairCase(db, { caseId: c.id, ivms101: good, note: '   ', analyst: ws.actor }, ctx)).toThrow(
      /note is required/,
    );
    expect(() =>
      repairCase(db, { caseId: c.id, ivms101: getCaseRecord(db, c.id)!.ivms101, note: 'x', analyst: ws.actor }, ctx),
    ).toThrow(/Nothing changed/);
    expect(() =>
      repairCase(db, { caseId: c.id, ivms101: { ...good, x: 'y'.repeat(600) }, note: 'x', analyst: ws.actor }, ctx),
    ).toThrow(/x: is 600 characters/);
    expect(ivms101Versions(db, c.id)).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(ivmsCheck(ws, c.id).outcome).toBe('incomplete');
    ws.close();
  });

  it('diffs field by field, naming added and removed fields', () => {
    expect(diffRecords({ a: { b: 1, c: [1] } }, { a: { b: 2, c: [1, 2] }, d: 'x' })).toEqual([
      { path: '/a/b', before: 1, after: 2 },
      { path: '/a/c/1', after: 2 },
      { path: '/d', after: 'x' },
    ]);
    expect(diffRecords({}, { a: [{ street: 'Rue', town: 'B' }] })).toEqual([
      { path: '/a/0/street', after: 'Rue' },
      { path: '/a/0/town', after: 'B' },
    ]);
  });

  it('syncs over HTTP to the reference backend: offline it waits, then leaves once; a decision made after it still lands', async () => {
    const dbFile = join(t.dir, 'backend.db');
    const b1 = await startBackend({ dbFile });
    backends.push(b1);
    const { ws, engine, cases } = await setup(b1);
    const db = ws.database();
    const { c, missing } = missingOnlyAddress(ws, cases);
    const repaired = withAddress(getCaseRecord(db, c.id)!.ivms101, missing.items[0]!.path);
    const { port, token } = b1;
    await b1.close();
    backends.splice(backends.indexOf(b1), 1);

    // Offline: the repair and a decision made on the repaired record wait in the outbox.
    repairCase(
      db,
      { caseId: c.id, ivms101: repaired, note: 'Address from their reply', analyst: ws.actor },
      ws.checkContext(),
    );
    recordDecision(db, { caseId: c.id, kind: 'accept', reasonCodes: [], analyst: ws.actor });
    expect(await engine!.push()).toBe(0);
    expect(engine!.status().outboxDepth).toBe(2);
    expect(ivmsCheck(ws, c.id).outcome).toBe('pass'); // still the repaired record while it waits

    const b2 = await startBackend({ dbFile, port, token });
    backends.push(b2);
    engine!.retryNow();
    expect(await engine!.push()).toBe(2);
    const theirs = getCase(b2.db, c.id)!;
    expect(theirs.ivms101).toEqual(repaired);
    expect(theirs.version).toBe(c.version + 2); // the repair, then the decision (its If-Match moved with our repair)
    expect(theirs.status).not.toBe('pending_review');
    expect(b2.db.prepare('SELECT status FROM decisions WHERE case_id = ?').all(c.id)).toEqual([{ status: 201 }]);
    expect((b2.db.prepare('SELECT count(*) AS n FROM ivms101_repairs').get() as { n: number }).n).toBe(1);
    // Once more: nothing leaves twice.
    engine!.retryNow();
    expect(await engine!.push()).toBe(0);
    // The workstation now holds the backend's repaired version; the original stays version 1.
    expect(getCaseRecord(db, c.id)!.ivms101).toEqual(repaired);
    const versions = ivms101Versions(db, c.id);
    expect(versions.map((v) => [v.kind, v.syncState])).toEqual([
      ['received', null],
      ['repair', 'acked'],
    ]);
    expect(versions[0]!.ivms101).toEqual(c.ivms101);
    expect(ivmsCheck(ws, c.id).outcome).toBe('pass');
    ws.close();
  });

  it('a repair made on a record someone else changed meanwhile becomes a conflict, both sides kept', async () => {
    const b = await startBackend({});
    backends.push(b);
    const { ws, engine, cases } = await setup(b);
    const db = ws.database();
    const { c, missing } = missingOnlyAddress(ws, cases);
    const repaired = withAddress(getCaseRecord(db, c.id)!.ivms101, missing.items[0]!.path);
    // The exchange changes the record first (not yet pulled here).
    const other = getCase(b.db, c.id)!;
    b.db.prepare('UPDATE cases SET data = ? WHERE id = ?').run(
      JSON.stringify({
        ...other,
        ivms101: { ...other.ivms101, payloadMetadata: { transliterationMethod: ['othr'] } },
      }),
      c.id,
    );
    repairCase(db, { caseId: c.id, ivms101: repaired, note: 'Address', analyst: ws.actor }, ws.checkContext());
    await engine!.push();
    expect(ivms101Versions(db, c.id).at(-1)!.syncState).toBe('conflict');
    const d = caseDetail(db, c.id, { policy: ws.decisionPolicy().fourEyes, rates: dbRates(db) });
    expect(d.conflicts[0]!.ours).toMatchObject({ kind: 'ivms101_repair', note: 'Address' });
    ws.close();
  });
});

describe('case notes (cases/notes.ts)', () => {
  it('are internal, mention enrolled analysts, are audited and append-only (an edit is a new revision)', async () => {
    const { ws, cases } = await setup();
    const db = ws.database();
    enrolAnalyst(db, ws.actor, 'Maria Lopez', 'analyst');
    const id = cases[0]!.id;
    const first = addNote(db, {
      caseId: id,
      body: 'Asked ops@vasp.example; @Maria Lopez please check the address',
      author: ws.actor,
    });
    expect(first.mentions).toEqual(['Maria Lopez']);
    const second = addNote(db, {
      caseId: id,
      body: 'Corrected: @maria lopez to check the name',
      author: ws.actor,
      revises: first.id,
    });
    expect(second.revises).toBe(first.id);
    expect(() => addNote(db, { caseId: id, body: 'again', author: ws.actor, revises: first.id })).toThrow(
      /revised already/,
    );
    expect(() => addNote(db, { caseId: id, body: ' ', author: ws.actor })).toThrow(/empty/);
    const d = caseDetail(db, id, { policy: ws.decisionPolicy().fourEyes, rates: dbRates(db) });
    expect(d.notes.map((n) => n.body)).toEqual([first.body, second.body]);
    expect(d.timeline.filter((e) => e.action.startsWith('note.')).map((e) => e.action)).toEqual([
      'note.added',
      'note.revised',
    ]);
    // Never sent: no outbox entry, no mail.
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM mail_messages').get()).toEqual({ n: 0 });
    expect(() => db.prepare('UPDATE case_notes SET body = ?').run('x')).toThrow(/append-only/);
    expect(findMentions('mail a@Maria Lopez or @Nobody', ['Maria Lopez'])).toEqual([]);
    ws.close();
  });
});
