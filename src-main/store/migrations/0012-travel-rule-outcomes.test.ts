import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caseWith } from '../../../test/support/cases';
import { TEST_PASSPHRASE, tempDir } from '../../../test/support/temp';
import { Workstation } from '../../app/workstation';
import { importCasesFile } from '../../cases/import';
import { TRAVEL_RULE_ENGINE } from '../../checks/run';
import { dashboard } from '../../dashboard/summary';
import { countCases } from '../cases';
import { migration0012 } from './0012-travel-rule-outcomes';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe('migration 0012: the new Travel Rule outcomes reach stored cases', () => {
  it('re-evaluates a case the old engine stored as "cannot evaluate" (GB before MLR Part 7A) into "not required", and the queue filter and dashboard see it', async () => {
    const ws = new Workstation({ dataDir: join(t.dir, 'ws'), mode: 'cli' });
    await ws.createVault(TEST_PASSPHRASE);
    ws.updatePreferences({ homeJurisdiction: 'GB' });
    const file = join(t.dir, 'cases.jsonl');
    // Home GB, counterparty GB, June 2023: S.I. 2022/860 reg. 1(3) brought Part 7A into force on 1 Sep 2023.
    writeFileSync(
      file,
      JSON.stringify({
        ...caseWith({ counterparty: 'GB', value: '50', currency: 'GBP', at: '2023-06-01T12:00:00Z' }),
        id: 'case-gb-2023',
      }) + '\n',
    );
    await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
    const db = ws.database();
    // What an older Waybill stored (engine 1: no "not_required"), with the current pack's digest recorded.
    db.prepare(
      "UPDATE case_checks SET outcome = 'cannot_evaluate', engine_version = 'travel-rule-evaluation/1' WHERE check_name = 'travel_rule'",
    ).run();
    db.prepare("UPDATE cases SET travel_rule_outcome = 'cannot_evaluate'").run();
    expect(db.prepare("SELECT value FROM settings WHERE key = 'rules.digest'").get()).toBeTruthy();
    db.transaction(() => migration0012.up(db as never))();
    expect(db.prepare("SELECT value FROM settings WHERE key = 'rules.digest'").get()).toBeUndefined();
    expect(
      (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'cases_queue'").get() as { sql: string }).sql,
    ).toMatch(/screening_outcome, travel_rule_outcome/);

    ws.lock();
    await ws.unlock(TEST_PASSPHRASE);
    await ws.recheckDone;
    const again = ws.database();
    expect(
      again.prepare("SELECT outcome, engine_version AS engine FROM case_checks WHERE check_name = 'travel_rule'").get(),
    ).toEqual({ outcome: 'not_required', engine: TRAVEL_RULE_ENGINE });
    const ctx = { now: new Date().toISOString(), slaHours: 24 };
    expect(countCases(again, { travelRule: ['not_required'] }, ctx)).toBe(1);
    expect(countCases(again, { travelRule: ['cannot_evaluate'] }, ctx)).toBe(0);
    expect(countCases(again, { travelRule: ['not_required'], direction: 'withdrawal' }, ctx)).toBe(1);
    expect(dashboard(again, { now: new Date(), slaHours: 24 }).byTravelRule).toEqual([
      { outcome: 'not_required', count: 1 },
    ]);
    ws.close();
  });
});
