import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScreeningCheck } from '../../src-shared/checks';
import { caseWith } from '../../test/support/cases';
import { sharedPath } from '../../test/support/shared';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { writeFileSync } from 'node:fs';
import { importCasesFile } from '../cases/import';
import { runCaseChecks } from '../checks/run';
import { getCaseRecord } from '../store/cases';
import { screeningImport } from '../cli/screening';

const t = tempDir();
afterAll(() => t.cleanup());

// Issue 16 point 3: any process may import a list; the running workstation sees it.
describe('a list imported by another process', () => {
  it('is picked up by the running workstation (data_version), which re-screens and tells the UI', async () => {
    const dataDir = join(t.dir, 'data');
    const serving = new Workstation({ dataDir, mode: 'browser', actor: 'analyst-1' });
    await serving.createVault(TEST_PASSPHRASE);
    const c = {
      ...caseWith({ counterparty: 'US', value: '900', currency: 'EUR', at: '2026-11-02T10:00:00Z' }),
      id: 'case-listed',
      network: 'bitcoin',
      beneficiaryWallet: '12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz',
    };
    writeFileSync(join(t.dir, 'cases.jsonl'), JSON.stringify(c) + '\n');
    await importCasesFile(serving.database(), join(t.dir, 'cases.jsonl'), 'analyst-1', serving.checkContext());
    const stored = () =>
      serving
        .database()
        .prepare("SELECT outcome, result FROM case_checks WHERE case_id = 'case-listed' AND check_name = 'screening'")
        .get() as { outcome: string; result: string };
    expect(stored().outcome).toBe('not_screened');

    const seen = new Promise<{ rescreened: number }>((resolve) =>
      serving.events.subscribe((name, p) => name === 'screening.changed' && resolve(p as { rescreened: number })),
    );
    // The CLI's own code path, on its own connection, as `waybill screening import` runs it.
    const cli = new Workstation({ dataDir, mode: 'cli', actor: 'cli-user' });
    await cli.unlock(TEST_PASSPHRASE);
    const out: string[] = [];
    expect(
      screeningImport(cli, 'ofac', sharedPath('fixtures', 'sanctions', 'ofac-small'), {
        stdout: (s) => out.push(s),
        stderr: (s) => out.push(s),
      }),
    ).toBe(0);
    cli.close();

    // The CLI re-screened the stored cases itself; the serving side finds them current.
    expect((await seen).rescreened).toBe(0);
    expect(stored().outcome).toBe('potential_match');
    // Before, the serving side kept its index of no list, and the next re-screen (a disposition) said
    // "Not screened: no sanctions list imported" while a list was in force.
    runCaseChecks(
      serving.database(),
      getCaseRecord(serving.database(), 'case-listed')!,
      serving.checkContext(),
      new Date(Date.now() + 1000).toISOString(),
    );
    expect(stored().outcome).toBe('potential_match');
    const r = JSON.parse(stored().result) as ScreeningCheck;
    expect(r.lists).toEqual([expect.stringMatching(/^ofac /)]);
    expect(r.hits[0]).toMatchObject({
      list: 'ofac',
      evidence: { names: expect.arrayContaining(['LIFSHITS, Artem Mikhaylovich']) },
    });
    expect(serving.screeningIndex().lists.map((l) => l.source)).toEqual(['ofac']);
    serving.close();
  });
});
