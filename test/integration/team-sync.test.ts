import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../src-shared/contract';
import type { Result } from '../../src-shared/result';
import { Workstation } from '../../src-main/app/workstation';
import { createDispatcher } from '../../src-main/api/dispatcher';
import { createHandlers } from '../../src-main/api/handlers';
import { silentLogger } from '../../src-main/platform/log';
import { BackendClient } from '../../src-main/sync/client';
import { caseFactory } from '../../reference-backend/simulate';
import { startBackend, type Backend } from '../../reference-backend/server';
import { TEST_PASSPHRASE, tempDir } from '../support/temp';

// Issue 15 point 4: a team across workstations. Two workstations (two data folders, two vaults), one
// reference backend over real HTTP, each analyst with their own backend credential: a claim shows on
// the other workstation, Ana proposes on hers, Ben approves on his (offline first: it waits in the
// outbox), the backend refuses self-approval, the decision leaves once, both names on both timelines.

let t: ReturnType<typeof tempDir>;
let backend: Backend;
const dbFile = () => join(t.dir, 'backend.db');
const cred = { Ana: '', Ben: '', Cleo: '' };
type Api = <T>(method: string, input: unknown) => Promise<T>;
const stations: { ws: Workstation; api: Api }[] = [];
let ana: { ws: Workstation; api: Api };
let ben: { ws: Workstation; api: Api };
let caseId = '';

async function station(name: 'Ana' | 'Ben'): Promise<{ ws: Workstation; api: Api }> {
  const ws = new Workstation({ dataDir: join(t.dir, name), mode: 'browser' });
  await ws.createVault(TEST_PASSPHRASE, false, name);
  const dispatch = createDispatcher(createHandlers(ws), silentLogger);
  const api: Api = async <T>(method: string, input: unknown) => {
    const r = (await dispatch(method, input)) as Result<T>;
    if (!r.ok) throw Object.assign(new Error(r.error.message), r.error);
    return r.value;
  };
  // Every case needs four eyes here.
  await api('settings.update', { fourEyes: { riskScoreAtLeast: 0, onSanctionsHit: false, valueAtLeast: null } });
  await api('sync.configure', { url: backend.url, token: cred[name] });
  await ws.syncEngine()!.pull();
  const s = { ws, api };
  stations.push(s);
  return s;
}

const timeline = (s: { api: Api }) =>
  s.api<CaseDetail>('cases.get', { id: caseId }).then((d) => d.timeline.map((e) => `${e.action}:${e.actor}`));
const backendDecisions = () =>
  backend.db.prepare('SELECT analyst, approved_by AS approvedBy FROM decisions WHERE case_id = ?').all(caseId);

beforeAll(async () => {
  t = tempDir();
  const makeCase = caseFactory(15);
  backend = await startBackend({ makeCase, rates: [], dbFile: dbFile() });
  backend.db.transaction(() => {
    for (let i = 0; i < 5; i++) backend.addCase({ ...makeCase(), status: 'pending_review' });
  })();
  cred.Ana = backend.enrolAnalyst('Ana', 'supervisor');
  cred.Ben = backend.enrolAnalyst('Ben');
  cred.Cleo = backend.enrolAnalyst('Cleo');
  ana = await station('Ana');
  ben = await station('Ben');
  caseId = (backend.db.prepare('SELECT id FROM cases ORDER BY seq LIMIT 1').get() as { id: string }).id;
}, 120_000);
afterAll(async () => {
  for (const s of stations) s.ws.close();
  await backend?.close().catch(() => {});
  t.cleanup();
});

describe('a team across workstations, through the reference backend', () => {
  it("keeps each analyst's own credential, encrypted, and refuses someone else's", async () => {
    await expect(ana.ws.verifyCredential(backend.url, cred.Ben)).rejects.toMatchObject({
      code: 'forbidden',
      message: "This backend credential is Ben's; Ana must use their own.",
    });
    await expect(ana.ws.verifyCredential(backend.url, 'not-a-credential-at-all')).rejects.toMatchObject({
      code: 'invalid_input',
    });
    // Nowhere in the data folder in clear (the database is SQLCipher; vault.json holds wrapped keys).
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    for (const f of files(join(t.dir, 'Ana'))) expect(readFileSync(f).includes(cred.Ana), f).toBe(false);
  });

  it("a claim made on Ana's workstation shows on Ben's, and Ben is warned before deciding over it", async () => {
    await ana.api('cases.assign', { caseId, analyst: 'Ana' });
    await ben.ws.syncEngine()!.pull();
    const seen = await ben.api<CaseDetail>('cases.get', { id: caseId });
    expect(seen.assignedTo).toBe('Ana');
    expect(await timeline(ben)).toContain('case.assigned:Ana');
    await expect(ben.api('cases.decide', { caseId, kind: 'accept', reasonCodes: [] })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/is claimed by Ana/) as unknown,
      details: { claimedBy: 'Ana' },
    });
  });

  it('Ana proposes; the proposal reaches the backend and Ben sees it', async () => {
    const d = await ana.api<CaseDetail>('cases.decide', { caseId, kind: 'reject', reasonCodes: ['HIGH_RISK'] });
    expect(d.proposals).toMatchObject([{ proposedBy: 'Ana', state: 'awaiting_approval' }]);
    expect(backend.db.prepare('SELECT count(*) AS n FROM proposals WHERE case_id = ?').get(caseId)).toEqual({ n: 1 });
    await ben.ws.syncEngine()!.pull();
    const b = await ben.api<CaseDetail>('cases.get', { id: caseId });
    expect(b.proposals).toMatchObject([{ id: d.proposals[0]!.id, proposedBy: 'Ana', state: 'awaiting_approval' }]);
    // The backend itself refuses Ana approving her own proposal with her own credential.
    const self = await new BackendClient(backend.url, cred.Ana, 'Ana').post(
      `/v1/cases/${caseId}/decisions`,
      'self-approval-0001',
      {
        kind: 'reject',
        reasonCodes: ['HIGH_RISK'],
        decidedAt: new Date().toISOString(),
        analyst: 'Ana',
        approvedBy: 'Ana',
        proposalId: d.proposals[0]!.id,
      },
      seen(b),
    );
    expect(self).toMatchObject({ status: 403, body: { error: { code: 'self_approval' } } });
    expect(backendDecisions()).toEqual([]);
  });

  it('Ben approves from his own workstation while offline: it waits in the outbox, then leaves once', async () => {
    const { port, token } = backend;
    await backend.close();
    const proposalId = (await ben.api<CaseDetail>('cases.get', { id: caseId })).proposals[0]!.id;
    const d = await ben.api<CaseDetail>('cases.review', {
      proposalId,
      approver: 'Ben',
      passphrase: TEST_PASSPHRASE,
      approve: true,
    });
    expect(d.decisions).toMatchObject([{ analyst: 'Ana', approvedBy: 'Ben', syncState: 'pending' }]);
    expect(ben.ws.syncEngine()!.status().outboxDepth).toBeGreaterThanOrEqual(1);

    backend = await startBackend({ dbFile: dbFile(), port, token, rates: [] });
    await ben.api('sync.now', {});
    await ben.api('sync.now', {}); // a second push must not send it again
    expect(backendDecisions()).toEqual([{ analyst: 'Ana', approvedBy: 'Ben' }]);
    expect((await ben.api<CaseDetail>('cases.get', { id: caseId })).decisions).toMatchObject([
      { analyst: 'Ana', approvedBy: 'Ben', syncState: 'acked' },
    ]);
  });

  it("both names are on both workstations' timelines", async () => {
    await ana.api('sync.now', {});
    const a = await ana.api<CaseDetail>('cases.get', { id: caseId });
    expect(a.proposals).toMatchObject([{ state: 'approved', proposedBy: 'Ana', reviewedBy: 'Ben' }]);
    expect(a.decisions).toMatchObject([{ kind: 'reject', analyst: 'Ana', approvedBy: 'Ben' }]);
    for (const s of [ana, ben])
      expect(await timeline(s)).toEqual(
        expect.arrayContaining(['decision.proposed:Ana', 'decision.approved:Ben', 'decision.reject:Ana']),
      );
    expect(backendDecisions()).toHaveLength(1);
  });

  it("removing an analyst in connected mode revokes their backend credential and their slot's passphrase", async () => {
    const cleo = new BackendClient(backend.url, cred.Cleo, 'Cleo');
    await expect(cleo.get('/v1/team/me')).resolves.toMatchObject({ kind: 'analyst', name: 'Cleo' });
    await ana.api('analysts.enrol', { name: 'Cleo', role: 'analyst' });
    await ana.api('analysts.remove', { name: 'Cleo' });
    await ana.api('sync.now', {});
    await expect(cleo.get('/v1/team/me')).rejects.toMatchObject({ status: 401 });
    expect(backend.db.prepare("SELECT state, removed_by AS by FROM analysts WHERE name = 'Cleo'").get()).toEqual({
      state: 'removed',
      by: 'Ana',
    });
  });
});

/** The case version a workstation saw. */
function seen(d: CaseDetail): number {
  return d.record.version;
}
