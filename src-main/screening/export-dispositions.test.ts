import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseWith } from '../../test/support/cases';
import { readZip, workstationWith } from '../../test/support/export';
import { sharedPath } from '../../test/support/shared';
import { tempDir } from '../../test/support/temp';
import { recheckAll, runCaseChecks } from '../checks/run';
import { getCaseRecord } from '../store/cases';
import { screenCase } from './case';
import { entryBy, importList, recordDisposition } from './store';

const t = tempDir();
afterAll(() => t.cleanup());

// Issue 16 point 5: exports include dispositions — every verdict, proposal and confirmation, with
// who, when, why and the list version, beside the hit in evaluations.jsonl.
describe('an export', () => {
  it('carries each hit with its whole disposition history', async () => {
    const c = {
      ...caseWith({ counterparty: 'US', value: '900', currency: 'EUR', at: '2026-11-02T10:00:00Z' }),
      id: 'case-listed',
      network: 'bitcoin',
      beneficiaryWallet: '12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz',
    };
    const ws = await workstationWith(t.dir, [c]);
    const db = ws.database();
    const v = importList(db, 'ofac', sharedPath('fixtures', 'sanctions', 'ofac-small'));
    ws.invalidateScreening();
    recheckAll(db, ws.checkContext());
    const hit = screenCase(db, getCaseRecord(db, 'case-listed')!, ws.screeningIndex()).hits.find(
      (h) => h.party.kind === 'wallet',
    )!;
    const base = {
      partyDigest: hit.party.digest,
      source: 'ofac',
      entryId: hit.entryId,
      entryDigest: hit.entryDigest,
      listVersion: v.label,
      entry: entryBy(db, 'ofac', hit.entryId),
      caseId: 'case-listed',
      disposition: 'true_match' as const,
      reasonCode: null,
    };
    const proposal = recordDisposition(db, {
      ...base,
      state: 'proposed',
      note: 'the listed XBT address',
      analyst: 'analyst-a',
      decidedAt: '2026-11-29T10:00:00.000Z',
    });
    recordDisposition(db, {
      ...base,
      state: 'in_force',
      note: 'the listed XBT address',
      analyst: 'analyst-a',
      secondAnalyst: 'analyst-b',
      refersTo: proposal,
      decidedAt: '2026-11-29T10:05:00.000Z',
    });
    runCaseChecks(db, getCaseRecord(db, 'case-listed')!, ws.checkContext(), '2026-11-29T10:06:00.000Z');
    const bundle = join(t.dir, 'export.zip');
    await ws.createExport(
      { from: '2026-11-01', to: '2026-11-30', jurisdiction: null, direction: null, status: null },
      bundle,
    );
    const lines = (await readZip(bundle))
      .find((e) => e.name === 'evaluations.jsonl')!
      .data.toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { check: string; result: { hits: Record<string, unknown>[] } });
    const exported = lines.find((l) => l.check === 'screening')!.result.hits.find((h) => h.entryId === hit.entryId)!;
    expect(exported.disposition).toMatchObject({
      disposition: 'true_match',
      analyst: 'analyst-a',
      secondAnalyst: 'analyst-b',
      listVersion: v.label,
    });
    expect(exported.dispositionHistory).toEqual([
      expect.objectContaining({
        id: proposal,
        state: 'proposed',
        analyst: 'analyst-a',
        note: 'the listed XBT address',
        listVersion: v.label,
        caseId: 'case-listed',
      }),
      expect.objectContaining({
        state: 'in_force',
        secondAnalyst: 'analyst-b',
        refersTo: proposal,
        decidedAt: '2026-11-29T10:05:00.000Z',
      }),
    ]);
    expect(exported.evidence).toMatchObject({
      walletAddresses: expect.arrayContaining([{ chain: 'XBT', address: '12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz' }]),
    });
    ws.close();
  });
});
