import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_TOKEN_HEADER } from '../../src-shared/channels';
import type { CaseDetail } from '../../src-shared/contract';
import { tempDir, TEST_PASSPHRASE } from '../../test/support/temp';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { Workstation } from '../app/workstation';
import { startBridge, type Bridge } from '../bridge/server';
import { generateCases } from '../cases/generate';
import { importCasesFile } from '../cases/import';
import { silentLogger } from '../platform/log';

// Issue 15 points 2 and 3 through the entry point the browser uses: real HTTP to `waybill serve`'s
// bridge. The rules are the domain's, so this is the same refusal the direct call gets.

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let bridge: Bridge;

async function invoke<T>(
  method: string,
  input: unknown,
): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }> {
  const r = await fetch(`http://127.0.0.1:${bridge.port}/api/invoke/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [BRIDGE_TOKEN_HEADER]: bridge.token },
    body: JSON.stringify(input),
  });
  return (await r.json()) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
}
async function value<T>(method: string, input: unknown): Promise<T> {
  const r = await invoke<T>(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  t = tempDir();
  mkdirSync(join(t.dir, 'static'));
  writeFileSync(join(t.dir, 'static', 'index.html'), '<!doctype html><title>Waybill</title>');
  ws = new Workstation({ dataDir: join(t.dir, 'data'), mode: 'browser' });
  bridge = await startBridge({
    dispatch: createDispatcher(createHandlers(ws), silentLogger),
    events: ws.events,
    staticDir: join(t.dir, 'static'),
    logger: silentLogger,
  });
});
afterAll(async () => {
  await bridge.close();
  ws.close();
  t.cleanup();
});

describe('four eyes over the browser bridge', () => {
  it('an analyst cannot enrol, and cannot approve their own proposal; a different, earlier-enrolled analyst can', async () => {
    await value('vault.create', { passphrase: TEST_PASSPHRASE, analyst: 'Ana' });
    const [c] = [...generateCases(1, { seed: 16 })];
    const file = join(t.dir, 'case.jsonl');
    writeFileSync(
      file,
      JSON.stringify({ ...c!, id: 'bridge-case', status: 'pending_review', aml: { riskScore: 99, alerts: [] } }) + '\n',
    );
    await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());

    const { code } = await value<{ code: string }>('analysts.enrol', { name: 'Ben', role: 'analyst' });
    await value('vault.lock', {});
    await value('analysts.redeem', { name: 'Ben', code, passphrase: 'ben types this himself' });
    expect(await invoke('analysts.enrol', { name: 'Mallory', role: 'analyst' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });

    const proposed = await value<CaseDetail>('cases.decide', {
      caseId: 'bridge-case',
      kind: 'accept',
      reasonCodes: [],
    });
    const proposalId = proposed.proposals[0]!.id;
    expect(proposed.proposals[0]).toMatchObject({ proposedBy: 'Ben', state: 'awaiting_approval' });
    const self = await invoke('cases.review', {
      proposalId,
      approver: 'Ben',
      passphrase: 'ben types this himself',
      approve: true,
    });
    expect(self).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/proposed a decision cannot approve it/) },
    });
    const approved = await value<CaseDetail>('cases.review', {
      proposalId,
      approver: 'Ana',
      passphrase: TEST_PASSPHRASE,
      approve: true,
    });
    expect(approved.decisions).toMatchObject([{ kind: 'accept', analyst: 'Ben', approvedBy: 'Ana' }]);
  });
});
