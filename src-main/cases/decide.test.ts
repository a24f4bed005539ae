import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FourEyesPolicy } from '../../src-shared/contract';
import { tempDir, TEST_PASSPHRASE } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { dbRates } from '../rules/fx';
import { decide, type DecisionInput } from './decide';
import { reviewProposal } from './four-eyes';
import { enrolled } from '../../test/support/export';
import { issueApproverProof, type VerifiedApprover } from '../team/approver';
import { recordDecision } from './decide';
import { generateCases } from './generate';
import { importCasesFile } from './import';

// Issue 19 point 2: the four-eyes policy is the domain's, not the API's. Whoever calls `decide` —
// the API handler, the CLI, a script — a high-risk case gets a proposal that waits for a second
// analyst, and no decision and no outbox row exist until one approves.

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
beforeEach(async () => {
  t = tempDir();
  ws = new Workstation({ dataDir: join(t.dir, 'ws'), mode: 'cli', actor: 'analyst-a' });
  await ws.createVault(TEST_PASSPHRASE);
  const [high, low] = [...generateCases(2, { seed: 41 })];
  const file = join(t.dir, 'cases.jsonl');
  writeFileSync(
    file,
    [
      { ...high!, id: 'high-risk', status: 'pending_review', aml: { riskScore: 90, alerts: [] } },
      { ...low!, id: 'low-risk', status: 'pending_review', aml: { riskScore: 10, alerts: [] } },
    ]
      .map((c) => JSON.stringify(c))
      .join('\n'),
  );
  await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
});
afterEach(() => {
  ws.close();
  t.cleanup();
});

const policy: FourEyesPolicy = { riskScoreAtLeast: 70, onSanctionsHit: true, valueAtLeast: null };
const n = (sql: string, ...p: unknown[]) =>
  (
    ws
      .database()
      .prepare(sql)
      .get(...p) as { n: number }
  ).n;

describe('decide (cases/decide.ts) applies the four-eyes policy itself', () => {
  it('called directly on a high-risk case, yields a proposal: no decision; only the proposal is queued', () => {
    const db = ws.database();
    const out = decide(
      db,
      { caseId: 'high-risk', kind: 'accept', reasonCodes: [], analyst: 'analyst-a' },
      { fourEyes: policy, rates: dbRates(db) },
    );
    expect(out.kind).toBe('proposal');
    if (out.kind !== 'proposal') return;
    expect(out.why).toEqual(['risk score 90 ≥ 70']);
    expect(out.proposal).toMatchObject({ caseId: 'high-risk', state: 'awaiting_approval', proposedBy: 'analyst-a' });
    expect(n('SELECT count(*) AS n FROM decisions WHERE case_id = ?', 'high-risk')).toBe(0);
    // The proposal goes to the backend for a second analyst (issue 15 point 4); no decision leaves.
    expect(n("SELECT count(*) AS n FROM outbox WHERE case_id = ? AND kind = 'decision'", 'high-risk')).toBe(0);
    expect(n("SELECT count(*) AS n FROM outbox WHERE case_id = ? AND kind = 'proposal'", 'high-risk')).toBe(1);
  });

  it('cannot be talked past the policy: an approver named by the caller is ignored', () => {
    const db = ws.database();
    const sneaky = {
      caseId: 'high-risk',
      kind: 'accept',
      reasonCodes: [],
      analyst: 'analyst-a',
      approvedBy: 'analyst-b',
      skipFourEyesCheck: true,
    } as DecisionInput;
    expect(decide(db, sneaky, { fourEyes: policy, rates: dbRates(db) }).kind).toBe('proposal');
    expect(n("SELECT count(*) AS n FROM outbox WHERE kind = 'decision'")).toBe(0);
  });

  it('on a low-risk case records the decision and queues it in one go', () => {
    const db = ws.database();
    const out = decide(
      db,
      { caseId: 'low-risk', kind: 'reject', reasonCodes: ['HIGH_RISK'], analyst: 'analyst-a' },
      { fourEyes: policy, rates: dbRates(db) },
    );
    expect(out.kind).toBe('decision');
    expect(n("SELECT count(*) AS n FROM decisions WHERE case_id = 'low-risk' AND sync_state = 'pending'")).toBe(1);
    expect(n("SELECT count(*) AS n FROM outbox WHERE case_id = 'low-risk' AND kind = 'decision'")).toBe(1);
  });

  it('the proposal becomes a decision only when a different analyst approves it with their own passphrase', async () => {
    const db = ws.database();
    await enrolled(ws, 'analyst-b', 'a second long passphrase');
    const out = decide(
      db,
      { caseId: 'high-risk', kind: 'accept', reasonCodes: [], analyst: 'analyst-b' },
      { fourEyes: policy, rates: dbRates(db) },
    );
    if (out.kind !== 'proposal') throw new Error('expected a proposal');
    const d = reviewProposal(db, {
      proposalId: out.proposal.id,
      approver: await ws.checkApprover('analyst-a', TEST_PASSPHRASE),
      approve: true,
    });
    expect(d).toMatchObject({ caseId: 'high-risk', kind: 'accept' });
    expect(
      (
        db.prepare('SELECT analyst, approved_by AS b FROM decisions WHERE case_id = ?').get('high-risk') as {
          b: string;
        }
      ).b,
    ).toBe('analyst-a');
    expect(n("SELECT count(*) AS n FROM outbox WHERE case_id = 'high-risk' AND kind = 'decision'")).toBe(1);
  });

  // Issue 15 point 3, called directly in the domain (the API test and the CLI go through the same function).
  it('one person cannot satisfy four eyes: self-approval, a made-up or reused proof, a late or proposer-enrolled approver are refused', async () => {
    const db = ws.database();
    await enrolled(ws, 'analyst-b', 'a second long passphrase'); // enrolled by analyst-a
    const propose = (analyst: string, caseId = 'high-risk') => {
      const out = decide(
        db,
        { caseId, kind: 'reject', reasonCodes: ['HIGH_RISK'], analyst },
        { fourEyes: policy, rates: dbRates(db) },
      );
      if (out.kind !== 'proposal') throw new Error('expected a proposal');
      return out.proposal.id;
    };
    const forbidden = { code: 'forbidden' };
    const byA = propose('analyst-a');
    // The proposer approving their own proposal, with their own real passphrase.
    expect(() =>
      reviewProposal(db, { proposalId: byA, approver: issueApproverProof('analyst-a'), approve: true }),
    ).toThrow(/proposed a decision cannot approve it/);
    // A caller naming an approver without their passphrase: an object that was never issued.
    const forged = { name: 'analyst-b', verifiedAt: new Date().toISOString() } as VerifiedApprover;
    expect(() => reviewProposal(db, { proposalId: byA, approver: forged, approve: true })).toThrow(
      expect.objectContaining(forbidden),
    );
    // analyst-b was enrolled by analyst-a, the proposer: a second identity of the proposer cannot approve.
    const proofB = await ws.checkApprover('analyst-b', 'a second long passphrase');
    expect(() => reviewProposal(db, { proposalId: byA, approver: proofB, approve: true })).toThrow(
      /enrolled by analyst-a, who proposed/,
    );
    expect(() => reviewProposal(db, { proposalId: byA, approver: proofB, approve: true })).toThrow(/own passphrase/); // spent
    // Naming an approver on the way to the outbox is refused too.
    expect(() =>
      recordDecision(db, {
        caseId: 'low-risk',
        kind: 'accept',
        reasonCodes: [],
        analyst: 'analyst-a',
        approvedBy: 'analyst-b',
      }),
    ).toThrow(expect.objectContaining(forbidden));
    expect(n('SELECT count(*) AS n FROM decisions')).toBe(0);

    // An analyst enrolled after the proposal cannot approve it, even one enrolled by someone else.
    const more = join(t.dir, 'more.jsonl');
    writeFileSync(
      more,
      JSON.stringify({
        ...[...generateCases(3, { seed: 41 })][2]!,
        id: 'high-risk-2',
        status: 'pending_review',
        aml: { riskScore: 95, alerts: [] },
      }),
    );
    await importCasesFile(db, more, ws.actor, ws.checkContext());
    const byB = propose('analyst-b', 'high-risk-2');
    await enrolled(ws, 'analyst-c', 'a third long passphrase');
    const proofC = await ws.checkApprover('analyst-c', 'a third long passphrase');
    expect(() => reviewProposal(db, { proposalId: byB, approver: proofC, approve: true })).toThrow(
      /enrolled after the proposal was made/,
    );
    expect(n("SELECT count(*) AS n FROM outbox WHERE kind = 'decision'")).toBe(0);
    // analyst-a (enrolled at creation, by nobody but the vault) approves analyst-b's proposal.
    reviewProposal(db, {
      proposalId: byB,
      approver: await ws.checkApprover('analyst-a', TEST_PASSPHRASE),
      approve: true,
    });
    expect(db.prepare('SELECT analyst, approved_by FROM decisions').all()).toEqual([
      { analyst: 'analyst-b', approved_by: 'analyst-a' },
    ]);
  });
});
