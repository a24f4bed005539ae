import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppStatus, AnalystEntry } from '../../src-shared/contract';
import type { Result } from '../../src-shared/result';
import { cases } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { Workstation } from '../app/workstation';
import { verifyAudit } from '../audit/chain';
import { importCasesFile } from '../cases/import';
import { silentLogger } from '../platform/log';

// Issue 15 points 1 and 2 on one workstation: every analyst has a key slot of their own and signs in
// with their own passphrase; the creator is the first supervisor; only a supervisor enrols, removes,
// changes roles and the supervisor's settings; enrolment is a one-time code the analyst redeems.

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

type Call = (method: string, input: unknown) => Promise<unknown>;
function api(ws: Workstation): Call {
  const dispatch = createDispatcher(createHandlers(ws), silentLogger);
  return async (method, input) => {
    const r = (await dispatch(method, input)) as Result<unknown>;
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value;
  };
}
const vaultFile = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'vault.json'), 'utf8')) as {
    version: number;
    slots: { analyst: string; kind: string }[];
  };
const actors = (ws: Workstation) =>
  (ws.database().prepare('SELECT DISTINCT actor FROM audit_events').all() as { actor: string }[])
    .map((r) => r.actor)
    .sort();
const actions = (ws: Workstation) =>
  (
    ws.database().prepare('SELECT actor, action, payload FROM audit_events ORDER BY seq').all() as {
      actor: string;
      action: string;
      payload: string;
    }[]
  ).map((r) => `${r.action}:${r.actor}`);

const ANA = 'ana passphrase, long enough';
const BEN = 'ben chose this one himself';

describe('analysts as people on one workstation', () => {
  it('the creator is the first supervisor; a supervisor enrols with a one-time code the analyst redeems with their own passphrase', async () => {
    const ws = new Workstation({ dataDir: t.dir, mode: 'cli' });
    const call = api(ws);
    const created = (await call('vault.create', { passphrase: ANA, analyst: 'Ana' })) as AppStatus;
    expect(created.analyst).toEqual({ name: 'Ana', role: 'supervisor' });
    const file = join(t.dir, 'import.jsonl');
    writeFileSync(
      file,
      cases(6, { seed: 15 })
        .map((c) => JSON.stringify(c))
        .join('\n') + '\n',
    );
    await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());

    const enrolment = (await call('analysts.enrol', { name: 'Ben', role: 'analyst' })) as {
      code: string;
      expiresAt: string;
    };
    expect(enrolment.code).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);
    expect(readFileSync(join(t.dir, 'vault.json'), 'utf8')).not.toContain(enrolment.code);
    expect(vaultFile(t.dir).slots.map((s) => `${s.analyst}:${s.kind}`)).toEqual(['Ana:passphrase', 'Ben:enrolment']);
    // Invited is not enrolled: Ben cannot sign in until he has chosen a passphrase.
    expect(
      (ws.database().prepare("SELECT state FROM analysts WHERE name = 'Ben'").get() as { state: string }).state,
    ).toBe('invited');
    await call('vault.lock', {});

    // Ben redeems the code at the lock screen; the supervisor never learns his passphrase.
    await expect(
      call('analysts.redeem', { name: 'Ben', code: 'AAAAA-AAAAA-AAAAA-AAAAA', passphrase: BEN }),
    ).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const ben = (await call('analysts.redeem', {
      name: 'Ben',
      code: enrolment.code.toLowerCase(),
      passphrase: BEN,
    })) as AppStatus;
    expect(ben.analyst).toEqual({ name: 'Ben', role: 'analyst' });
    expect(vaultFile(t.dir).slots.map((s) => `${s.analyst}:${s.kind}`)).toEqual(['Ana:passphrase', 'Ben:passphrase']);
    await call('vault.lock', {});
    await expect(
      call('analysts.redeem', { name: 'Ben', code: enrolment.code, passphrase: 'another one, also long' }),
    ).rejects.toMatchObject({ code: 'wrong_passphrase' }); // one-time

    // Two analysts now: signing in needs a name, and each passphrase opens only its own slot.
    await expect(call('vault.unlock', { passphrase: BEN })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(call('vault.unlock', { passphrase: ANA, analyst: 'Ben' })).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    rmSync(join(t.dir, 'unlock-attempts.json')); // the deliberate wrong tries above have waited their delay (the test does not sleep)
    expect(((await call('vault.unlock', { passphrase: BEN, analyst: 'Ben' })) as AppStatus).analyst).toEqual({
      name: 'Ben',
      role: 'analyst',
    });

    // Ben's actions are his: a decision (or, on a high-risk case, a proposal) names him.
    const caseId = (
      ws.database().prepare("SELECT id FROM cases WHERE status = 'pending_review' ORDER BY id").get() as { id: string }
    ).id;
    const decided = (await call('cases.decide', { caseId, kind: 'accept', reasonCodes: [] })) as {
      decisions: { analyst: string }[];
      proposals: { proposedBy: string }[];
    };
    expect([...decided.decisions.map((d) => d.analyst), ...decided.proposals.map((p) => p.proposedBy)]).toEqual([
      'Ben',
    ]);
    await call('settings.update', { idleLockMinutes: 30 }); // an analyst's own preference

    // What only a supervisor may do is refused to Ben, by name, and changes nothing.
    const forbidden = { code: 'forbidden' };
    await expect(call('analysts.enrol', { name: 'Mallory', role: 'supervisor' })).rejects.toMatchObject(forbidden);
    await expect(call('analysts.setRole', { name: 'Ben', role: 'supervisor' })).rejects.toMatchObject(forbidden);
    await expect(call('analysts.remove', { name: 'Ana' })).rejects.toMatchObject(forbidden);
    await expect(
      call('settings.update', { fourEyes: { riskScoreAtLeast: null, onSanctionsHit: false, valueAtLeast: null } }),
    ).rejects.toMatchObject(forbidden);
    await expect(call('settings.update', { retentionSchedule: 'off' })).rejects.toMatchObject(forbidden);
    await expect(call('sync.configure', { url: 'http://127.0.0.1:9/', token: 'a token of ben' })).rejects.toMatchObject(
      forbidden,
    );
    expect(ws.preferences.fourEyes.riskScoreAtLeast).toBe(70);
    expect(ws.preferences.retentionSchedule).toBe('daily');
    expect(ws.preferences.backendUrl).toBeNull();
    expect(vaultFile(t.dir).slots).toHaveLength(2);

    // Ana (supervisor) changes roles and removes Ben: his slot goes, his passphrase stops working.
    await call('vault.unlock', { passphrase: ANA, analyst: 'Ana' });
    expect(
      ((await call('analysts.setRole', { name: 'Ben', role: 'supervisor' })) as AnalystEntry[]).find(
        (a) => a.name === 'Ben',
      )!.role,
    ).toBe('supervisor');
    await call('analysts.setRole', { name: 'Ben', role: 'analyst' });
    await call('settings.update', { retentionSchedule: 'off' });
    const after = (await call('analysts.remove', { name: 'Ben' })) as AnalystEntry[];
    expect(after.find((a) => a.name === 'Ben')).toMatchObject({ state: 'removed', removedBy: 'Ana' });
    expect(vaultFile(t.dir).slots.map((s) => s.analyst)).toEqual(['Ana']);
    await expect(call('analysts.enrol', { name: 'Ben', role: 'analyst' })).rejects.toMatchObject({ code: 'conflict' }); // names are not reused
    await expect(call('analysts.remove', { name: 'Ana' })).rejects.toMatchObject({ code: 'conflict' }); // the last supervisor stays
    await call('vault.lock', {});
    await expect(call('vault.unlock', { passphrase: BEN, analyst: 'Ben' })).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });

    await call('vault.unlock', { passphrase: ANA });
    expect(actions(ws)).toEqual(
      expect.arrayContaining([
        'analyst.enrolled:Ana', // the first supervisor, at creation
        'vault.created:Ana',
        'analyst.activated:Ben',
        'vault.unlocked:Ben',
        'settings.changed:Ben',
        'analyst.role_changed:Ana',
        'settings.changed:Ana',
        'analyst.removed:Ana',
      ]),
    );
    const enrolled = ws
      .database()
      .prepare("SELECT payload FROM audit_events WHERE action = 'analyst.enrolled' ORDER BY seq")
      .all() as { payload: string }[];
    expect(enrolled.map((r) => JSON.parse(r.payload) as unknown)).toEqual([
      expect.objectContaining({ name: 'Ana', role: 'supervisor' }),
      { name: 'Ben', role: 'analyst' },
    ]);
    // Nobody acts as the operating system's user any more.
    expect(actors(ws).filter((a) => a.startsWith('os:'))).toEqual([]);
    expect(actors(ws).every((a) => ['Ana', 'Ben', 'system', 'backend'].includes(a))).toBe(true);
    expect(verifyAudit(ws.database()).ok).toBe(true);
    ws.close();
  });

  it('an enrolment code expires after a day', async () => {
    const ws = new Workstation({ dataDir: t.dir, mode: 'cli' });
    await ws.createVault(ANA, false, 'Ana');
    const { code } = await ws.enrolAnalyst('Ben', 'analyst');
    ws.close();
    const later = new Workstation({ dataDir: t.dir, mode: 'cli', now: () => Date.now() + 25 * 3600_000 });
    await expect(later.redeemEnrolment('Ben', code, BEN)).rejects.toMatchObject({
      code: 'forbidden',
      message: /expired/,
    });
    expect(later.status().vault).toBe('locked');
  });

  it('migrates a vault made by the single-passphrase Waybill: its passphrase becomes the first supervisor, nothing lost', async () => {
    cpSync(resolve(import.meta.dirname, '../../test/fixtures/vault-v1'), t.dir, {
      recursive: true,
      filter: (src) => !src.endsWith('.md'),
    });
    const before = readFileSync(join(t.dir, 'vault.json'), 'utf8');
    expect(JSON.parse(before)).toMatchObject({ version: 1 });
    const ws = new Workstation({ dataDir: t.dir, mode: 'cli' });
    const call = api(ws);
    await expect(call('vault.unlock', { passphrase: 'not the old passphrase' })).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    expect(readFileSync(join(t.dir, 'vault.json'), 'utf8')).toBe(before); // a failed sign-in changes nothing
    const status = (await call('vault.unlock', { passphrase: 'the passphrase of version one' })) as AppStatus;
    expect(status.analyst).toEqual({ name: 'supervisor', role: 'supervisor' });
    expect(vaultFile(t.dir)).toMatchObject({ version: 2, slots: [{ analyst: 'supervisor', kind: 'passphrase' }] });

    // Nothing lost: the three cases, the decision and its outbox row, the old audit trail (still valid).
    const db = ws.database();
    expect((db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n).toBe(3);
    expect(db.prepare('SELECT case_id, kind, note, analyst FROM decisions').all()).toEqual([
      { case_id: 'case-15-0000002', kind: 'accept', note: 'decided before key slots', analyst: 'os:root' },
    ]);
    expect((db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n).toBe(1);
    expect(verifyAudit(db).ok).toBe(true);
    expect(actions(ws)).toEqual(
      expect.arrayContaining(['analyst.enrolled:supervisor', 'vault.migrated:supervisor', 'vault.unlocked:supervisor']),
    );
    const roster = (await call('analysts.roster', {})) as AnalystEntry[];
    expect(roster.map((a) => `${a.name}:${a.role}:${a.state}`)).toEqual([
      'bob:analyst:active',
      'supervisor:supervisor:active',
    ]);

    // Bob, a second analyst from before, proves himself with his old verifier once and gets a slot.
    await expect(ws.checkApprover('bob', 'not bobs passphrase')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    await ws.checkApprover('bob', 'bob has a long passphrase');
    expect(vaultFile(t.dir).slots.map((s) => s.analyst)).toEqual(['supervisor', 'bob']);
    await call('vault.lock', {});
    expect(
      ((await call('vault.unlock', { passphrase: 'bob has a long passphrase', analyst: 'bob' })) as AppStatus).analyst,
    ).toEqual({ name: 'bob', role: 'analyst' });
    await call('vault.lock', {});
    expect(
      (
        (await call('vault.unlock', {
          passphrase: 'the passphrase of version one',
          analyst: 'supervisor',
        })) as AppStatus
      ).analyst?.name,
    ).toBe('supervisor');
    expect(verifyAudit(ws.database()).ok).toBe(true);
    ws.close();
  });
});
