import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../src-shared/case';
import type { Ivms101Check, TravelRuleEvaluation } from '../../src-shared/checks';
import type { CaseDetail } from '../../src-shared/contract';
import { insertStubCase, openTestDb } from '../../test/support/db';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { silentLogger } from '../platform/log';
import { Workstation } from '../app/workstation';
import { generateCases } from '../cases/generate';
import { importCasesFile } from '../cases/import';
import { checksForCase, supersededChecks } from '../store/checks';
import type { WritableDB } from '../store/db';
import { rulesDigest, runCaseChecks, TRAVEL_RULE_ENGINE, type CheckContext } from './run';
import { memoryRates, parseRatesCsv } from '../rules/fx';
import { defaultRulePack } from '../rules/pack';
import { ROOT } from '../../test/support/cli';

const DEMO_RATES = memoryRates(
  parseRatesCsv(readFileSync(join(ROOT, 'resources', 'demo', 'fx-rates.csv'), 'utf8')).rates,
);
const CTX: CheckContext = { homeJurisdiction: 'DE', today: '2026-11-22', pack: defaultRulePack(), rates: DEMO_RATES };
let t: ReturnType<typeof tempDir>;
let db: WritableDB;
beforeEach(() => {
  t = tempDir();
  db = openTestDb(t.dir).db;
});
afterEach(() => {
  db.close();
  t.cleanup();
});

const insertStub = (id: string) => insertStubCase(db, id);

describe('case checks', () => {
  it('runs IVMS101 validation and completeness on import and stores them with the case', async () => {
    const file = join(t.dir, 'cases.jsonl');
    writeFileSync(file, [...generateCases(500, { seed: 3 })].map((c) => JSON.stringify(c)).join('\n'));
    await importCasesFile(db, file, 'analyst', CTX);
    const outcomes = db
      .prepare("SELECT outcome, count(*) AS n FROM case_checks WHERE check_name = 'ivms101' GROUP BY outcome")
      .all() as { outcome: string; n: number }[];
    const by = Object.fromEntries(outcomes.map((o) => [o.outcome, o.n]));
    expect((by.pass ?? 0) + (by.incomplete ?? 0) + (by.invalid ?? 0)).toBe(500);
    // The generator breaks about a fifth of the payloads; most of those break a rule of the spec.
    expect(by.invalid).toBeGreaterThan(25);
    expect(by.pass).toBeGreaterThan(150);
    // With the demo FX table every generated jurisdiction can be evaluated.
    const travel = db
      .prepare("SELECT outcome, count(*) AS n FROM case_checks WHERE check_name = 'travel_rule' GROUP BY outcome")
      .all() as { outcome: string; n: number }[];
    expect(Object.fromEntries(travel.map((o) => [o.outcome, o.n]))).toEqual({ applies: 500 }); // DE: no minimum since the TFR

    const invalid = db.prepare("SELECT case_id AS id FROM case_checks WHERE outcome = 'invalid' LIMIT 1").get() as {
      id: string;
    };
    const [stored] = checksForCase(db, invalid.id);
    const result = stored?.result as Ivms101Check;
    expect(result.errors.length).toBeGreaterThan(0);
    for (const e of result.errors) expect(e.path).toMatch(/^\/(originator|beneficiary)/);
    expect(result.completeness?.evaluated.map((x) => x.jurisdiction)).toContain('DE');
  });

  it('a jurisdiction the rule pack does not cover is never a silent pass', () => {
    const [c] = [...generateCases(1, { seed: 12 })];
    if (!c?.counterparty) throw new Error('expected a hosted case');
    const sn = { ...c, walletType: 'hosted' as const, counterparty: { ...c.counterparty, jurisdiction: 'SN' } };
    insertStub(sn.id);
    runCaseChecks(db, sn, CTX);
    const [ivms, screening, travel] = checksForCase(db, sn.id);
    expect(screening?.outcome).toBe('not_screened'); // no list imported in this test: never "clear"
    expect(ivms?.summary).toMatch(/not judged for SN/);
    expect(ivms?.outcome).not.toBe('pass');
    const t = travel?.result as TravelRuleEvaluation;
    expect(t.sides.find((s) => s.party === 'counterparty')).toMatchObject({
      jurisdiction: 'SN',
      status: 'cannot_evaluate',
    });
    expect(t.warnings.join(' ')).toMatch(/SN could not be evaluated/);
  });

  it('re-runs a check only when what it read has changed', () => {
    const [c] = [...generateCases(1, { seed: 8 })];
    if (!c) throw new Error('no case');
    insertStub(c.id);
    expect(runCaseChecks(db, c, CTX)).toEqual(['travel_rule', 'ivms101', 'screening']);
    expect(runCaseChecks(db, c, CTX)).toEqual([]);
    const changed = structuredClone(c);
    (
      changed.ivms101.originator as { originatorPersons: { naturalPerson: { countryOfResidence?: string } }[] }
    ).originatorPersons[0]!.naturalPerson.countryOfResidence = 'ZZ';
    expect(runCaseChecks(db, changed, CTX)).toEqual(['ivms101']);
    expect((checksForCase(db, c.id)[0]?.result as Ivms101Check).errors.map((e) => e.code)).toContain('C3_COUNTRY');
    // A different home jurisdiction changes which rules apply, so both checks run again.
    expect(runCaseChecks(db, changed, { ...CTX, homeJurisdiction: 'SG' })).toEqual(['travel_rule', 'ivms101']);
  });

  it('keeps the result a new one replaces, as it was, and nobody can edit a kept one', () => {
    const [c] = [...generateCases(1, { seed: 8 })];
    if (!c) throw new Error('no case');
    insertStub(c.id);
    runCaseChecks(db, c, CTX, '2026-11-22T10:00:00.000Z');
    const first = checksForCase(db, c.id).find((k) => k.name === 'ivms101')!;
    expect(supersededChecks(db, c.id)).toEqual([]);
    const changed = structuredClone(c);
    (
      changed.ivms101.originator as { originatorPersons: { naturalPerson: { countryOfResidence?: string } }[] }
    ).originatorPersons[0]!.naturalPerson.countryOfResidence = 'ZZ';
    expect(runCaseChecks(db, changed, CTX, '2026-11-23T09:00:00.000Z')).toEqual(['ivms101']);
    // The analyst who decided on the first result can still be shown it, byte for byte.
    expect(supersededChecks(db, c.id)).toEqual([{ ...first, n: 1, supersededAt: '2026-11-23T09:00:00.000Z' }]);
    expect(
      (checksForCase(db, c.id).find((k) => k.name === 'ivms101')!.result as Ivms101Check).errors.map((e) => e.code),
    ).toContain('C3_COUNTRY');
    // A different home jurisdiction: both checks change, each keeps what it replaced; ivms101 now twice.
    runCaseChecks(db, changed, { ...CTX, homeJurisdiction: 'SG' }, '2026-11-24T09:00:00.000Z');
    expect(supersededChecks(db, c.id).map((k) => `${k.name} ${k.n} ${k.computedAt} → ${k.supersededAt}`)).toEqual([
      'ivms101 1 2026-11-22T10:00:00.000Z → 2026-11-23T09:00:00.000Z',
      'ivms101 2 2026-11-23T09:00:00.000Z → 2026-11-24T09:00:00.000Z',
      'travel_rule 1 2026-11-22T10:00:00.000Z → 2026-11-24T09:00:00.000Z',
    ]);
    expect(() => db.prepare("UPDATE case_check_versions SET outcome = 'pass'").run()).toThrow(/append-only/);
    // Unchanged inputs write nothing, so keep nothing.
    runCaseChecks(db, changed, { ...CTX, homeJurisdiction: 'SG' }, '2026-11-25T09:00:00.000Z');
    expect(supersededChecks(db, c.id)).toHaveLength(3);
  });

  it('names a rule that applies on both sides once in the summary', () => {
    const c = [...generateCases(300, { seed: 5 })].find(
      (x) => x.counterparty?.jurisdiction === 'DE' && x.walletType === 'hosted',
    );
    if (!c) throw new Error('no case with a German counterparty');
    insertStub(c.id);
    runCaseChecks(db, c, CTX);
    const travel = checksForCase(db, c.id).find((k) => k.name === 'travel_rule')!;
    const result = travel.result as TravelRuleEvaluation;
    // Both sides are decided by the TFR (our home is DE, so is the counterparty).
    expect(result.sides.map((s) => `${s.jurisdiction} ${s.version} ${s.status}`)).toEqual([
      'DE EU-TFR-2023/1113 applies',
      'DE EU-TFR-2023/1113 applies',
    ]);
    expect(travel.summary).toMatch(/^Applies: DE EU-TFR-2023\/1113( —|$)/);
  });

  it('serves a case with its checks, and the queue shows each outcome, through the API', async () => {
    const ws = new Workstation({ dataDir: join(t.dir, 'ws'), mode: 'cli' });
    await ws.createVault(TEST_PASSPHRASE);
    const file = join(t.dir, 'few.jsonl');
    writeFileSync(file, [...generateCases(20, { seed: 4 })].map((c) => JSON.stringify(c)).join('\n'));
    await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
    const dispatch = createDispatcher(createHandlers(ws), silentLogger);
    const list = (await dispatch('cases.list', { limit: 20 })) as {
      ok: true;
      value: { rows: { id: string; ivms101Outcome: string }[] };
    };
    expect(list.value.rows.every((r) => ['pass', 'incomplete', 'invalid'].includes(r.ivms101Outcome))).toBe(true);
    const id = list.value.rows[0]!.id;
    const detail = (await dispatch('cases.get', { id })) as {
      ok: true;
      value: { record: { id: string }; checks: { name: string; summary: string; computedAt: string }[] };
    };
    expect(detail.value.record.id).toBe(id);
    expect(detail.value.checks.map((c) => c.name)).toEqual(['ivms101', 'screening', 'travel_rule']);
    expect(await dispatch('cases.get', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Re-evaluated from another home jurisdiction: the case shows what it showed before, and since when.
    const before = detail.value.checks.find((c) => c.name === 'travel_rule')!;
    const record = (await dispatch('cases.get', { id })) as { ok: true; value: { record: CaseRecord } };
    runCaseChecks(
      ws.database(),
      record.value.record,
      { ...ws.checkContext(), homeJurisdiction: 'SG' },
      '2030-01-01T00:00:00.000Z',
    );
    const after = (await dispatch('cases.get', { id })) as { ok: true; value: CaseDetail };
    expect(after.value.supersededChecks.find((k) => k.name === 'travel_rule')).toEqual({
      name: 'travel_rule',
      n: 1,
      outcome: expect.any(String),
      summary: before.summary,
      engineVersion: TRAVEL_RULE_ENGINE,
      computedAt: before.computedAt,
      supersededAt: '2030-01-01T00:00:00.000Z',
    });
    ws.close();
  });

  it('re-evaluates every case when the engine changes with the same rule pack (an update of Waybill)', async () => {
    const ws = new Workstation({ dataDir: join(t.dir, 'ws3'), mode: 'cli' });
    await ws.createVault(TEST_PASSPHRASE);
    const file = join(t.dir, 'engine.jsonl');
    writeFileSync(file, [...generateCases(30, { seed: 7 })].map((c) => JSON.stringify(c)).join('\n'));
    await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
    const db = ws.database();
    const count = () =>
      (db.prepare("SELECT count(*) AS n FROM case_checks WHERE check_name = 'travel_rule'").get() as { n: number }).n;
    // Results stored by the previous engine over this very pack, which recorded the pack's digest alone:
    // what an update of Waybill finds.
    db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('rules.digest', ?)").run(defaultRulePack().digest);
    db.prepare(
      "UPDATE case_checks SET engine_version = 'travel-rule-evaluation/2' WHERE check_name = 'travel_rule'",
    ).run();
    const before = count();
    ws.lock();
    await ws.unlock(TEST_PASSPHRASE);
    await ws.recheckDone;
    const again = ws.database();
    expect(
      again.prepare("SELECT DISTINCT engine_version AS v FROM case_checks WHERE check_name = 'travel_rule'").all(),
    ).toEqual([{ v: TRAVEL_RULE_ENGINE }]);
    expect(again.prepare("SELECT value FROM settings WHERE key = 'rules.digest'").get()).toEqual({
      value: rulesDigest(),
    });
    ws.close();
    expect(before).toBe(30);
  });

  it('re-evaluates every case in the background when the rule pack changes', async () => {
    const ws = new Workstation({ dataDir: join(t.dir, 'ws2'), mode: 'cli' });
    await ws.createVault(TEST_PASSPHRASE);
    const file = join(t.dir, 'some.jsonl');
    writeFileSync(file, [...generateCases(450, { seed: 6 })].map((c) => JSON.stringify(c)).join('\n'));
    await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
    const db = ws.database();
    // Pretend the stored results came from an older rule pack, with different contents.
    db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('rules.digest', 'an-older-pack')").run();
    db.prepare("UPDATE case_checks SET inputs_digest = 'stale' WHERE check_name = 'travel_rule'").run();
    ws.lock();
    await ws.unlock(TEST_PASSPHRASE);
    await ws.recheckDone;
    const again = ws.database();
    expect(again.prepare("SELECT value FROM settings WHERE key = 'rules.digest'").get()).toEqual({
      value: `${TRAVEL_RULE_ENGINE} ${defaultRulePack().digest}`,
    });
    expect(again.prepare("SELECT count(*) AS n FROM case_checks WHERE inputs_digest = 'stale'").get()).toEqual({
      n: 0,
    });
    ws.close();
  });
});
