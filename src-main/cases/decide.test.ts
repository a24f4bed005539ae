import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FourEyesPolicy } from '../../src-shared/contract';
import { tempDir, TEST_PASSPHRASE } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { dbRates } from '../rules/fx';
import { decide, type DecisionInput } from './decide';
import { addAnalyst, reviewProposal } from './four-eyes';
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
const n = (sql: string, ...p: unknown[]) => (ws.database().prepare(sql).get(...p) as { n: number }).n;

describe('decide (cases/decide.ts) applies the four-eyes policy itself', () => {
  it('called directly on a high-risk case, yields a proposal: no decision, nothing in the outbox', () => {
    const db = ws.database();
    const out = decide(db, { caseId: 'high-risk', kind: 'accept', reasonCodes: [], analyst: 'analyst-a' }, { fourEyes: policy, rates: dbRates(db) });
    expect(out.kind).toBe('proposal');
    if (out.kind !== 'proposal') return;
    expect(out.why).toEqual(['risk score 90 ≥ 70']);
    expect(out.proposal).toMatchObject({ caseId: 'high-risk', state: 'awaiting_approval', proposedBy: 'analyst-a' });
    expect(n('SELECT count(*) AS n FROM decisions WHERE case_id = ?', 'high-risk')).toBe(0);
    expect(n('SELECT count(*) AS n FROM outbox WHERE case_id = ?', 'high-risk')).toBe(0);
  });

  it('cannot be talked past the policy: an approver named by the caller is ignored', () => {
    const db = ws.database();
    const sneaky = { caseId: 'high-risk', kind: 'accept', reasonCodes: [], analyst: 'analyst-a', approvedBy: 'analyst-b', skipFourEyesCheck: true } as DecisionInput;
    expect(decide(db, sneaky, { fourEyes: policy, rates: dbRates(db) }).kind).toBe('proposal');
    expect(n('SELECT count(*) AS n FROM outbox')).toBe(0);
  });

  it('on a low-risk case records the decision and queues it in one go', () => {
    const db = ws.database();
    const out = decide(db, { caseId: 'low-risk', kind: 'reject', reasonCodes: ['HIGH_RISK'], analyst: 'analyst-a' }, { fourEyes: policy, rates: dbRates(db) });
    expect(out.kind).toBe('decision');
    expect(n("SELECT count(*) AS n FROM decisions WHERE case_id = 'low-risk' AND sync_state = 'pending'")).toBe(1);
    expect(n("SELECT count(*) AS n FROM outbox WHERE case_id = 'low-risk' AND kind = 'decision'")).toBe(1);
  });

  it('the proposal becomes a decision only when a different analyst approves it', async () => {
    const db = ws.database();
    await addAnalyst(db, 'analyst-b', 'a second long passphrase', 'analyst-a');
    const out = decide(db, { caseId: 'high-risk', kind: 'accept', reasonCodes: [], analyst: 'analyst-a' }, { fourEyes: policy, rates: dbRates(db) });
    if (out.kind !== 'proposal') throw new Error('expected a proposal');
    const d = reviewProposal(db, { proposalId: out.proposal.id, approver: 'analyst-b', approve: true });
    expect(d).toMatchObject({ caseId: 'high-risk', kind: 'accept' });
    expect((db.prepare('SELECT approved_by AS b FROM decisions WHERE case_id = ?').get('high-risk') as { b: string }).b).toBe('analyst-b');
    expect(n("SELECT count(*) AS n FROM outbox WHERE case_id = 'high-risk'")).toBe(1);
  });
});
