import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../../test/support/cli';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { caseWith } from '../../test/support/cases';

const t = tempDir();
const dataDir = join(t.dir, 'data');
const env = { WAYBILL_PASSPHRASE: TEST_PASSPHRASE };
const DEMO_RATES = join(ROOT, 'resources', 'demo', 'fx-rates.csv');
beforeAll(async () => {
  expect((await runCli(['vault', 'init', '--data-dir', dataDir], env)).code).toBe(0);
});
afterAll(() => t.cleanup());

describe('waybill rules and fx', () => {
  it('rules list: every jurisdiction with the version in force on a date', async () => {
    const r = await runCli(['rules', 'list', '--json', '--date', '2023-05-15']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    const jp = out.jurisdictions.find((j: { jurisdiction: string }) => j.jurisdiction === 'JP');
    expect(jp).toMatchObject({ version: 'JP-JVCEA-2022', threshold: { amount: '100000', currency: 'JPY' } });
    const fr = out.jurisdictions.find((j: { jurisdiction: string }) => j.jurisdiction === 'FR');
    expect(fr.version).toBeNull();
    expect(out.errors).toEqual([]);
  });

  it('rules evaluate: a case as the contract carries it, with its why', async () => {
    const file = join(t.dir, 'case.json');
    writeFileSync(file, JSON.stringify(caseWith({ counterparty: 'SG', value: '2000', currency: 'EUR', at: '2026-11-02T10:00:00Z' })));
    const r = await runCli(['rules', 'evaluate', file, '--json', '--home', 'US', '--rates', DEMO_RATES]);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.outcome).toBe('applies');
    expect(e.sides.map((s: { jurisdiction: string; status: string }) => [s.jurisdiction, s.status])).toEqual([
      ['US', 'below_threshold'],
      ['SG', 'applies'],
    ]);
    expect(e.sides[1].tier).toBe('above SGD 1,500');
    expect(e.sides[1].converted.rates[0]).toMatchObject({ base: 'EUR', quote: 'SGD', source: 'demo-synthetic' });
    // Without rates the US threshold cannot be checked: exit 1, and it says why.
    const none = await runCli(['rules', 'evaluate', file, '--home', 'US']);
    expect(none.code).toBe(0); // Singapore applies to every transfer, so the outcome is known without a rate
    expect(none.stdout).toMatch(/Cannot evaluate US: the EUR→USD exchange rate is missing \(no EUR→USD exchange rate observed/);
    expect(none.stdout).toMatch(/SG: SG-PSN02-2020 \(local date 2026-11-02, Asia\/Singapore\) applies to every transfer; .* the strictest \(above SGD 1,500\) is assumed/);
    const bad = join(t.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ id: 'x' }));
    const b = await runCli(['rules', 'evaluate', bad]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/not a case as the backend contract carries it: direction/);
  });

  it('fx import: stores the rates, names bad lines, and re-evaluates the cases that depend on them', async () => {
    const cases = join(t.dir, 'cases.jsonl');
    const c = caseWith({ counterparty: 'US', value: '5000', currency: 'EUR', at: '2026-11-02T10:00:00Z', direction: 'deposit' });
    writeFileSync(cases, JSON.stringify({ ...c, id: 'case-us-5000' }) + '\n');
    await runCli(['cases', 'import', '--data-dir', dataDir, cases], env);
    const before = JSON.parse((await runCli(['rules', 'evaluate', cases.replace('cases.jsonl', 'case.json'), '--json', '--data-dir', dataDir], env)).stdout);
    expect(before.outcome).toBe('applies'); // DE (home) applies to everything

    const csv = join(t.dir, 'rates.csv');
    writeFileSync(csv, readFileSync(DEMO_RATES, 'utf8') + 'EUR/USD,not-a-rate,2026-11-20T16:00:00Z,broken\n');
    const r = await runCli(['fx', 'import', csv, '--data-dir', dataDir], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rates\.csv:\d+: rate "not-a-rate" is not a positive decimal number/);
    expect(r.stdout).toMatch(/Imported 1120 rates \(1 rejected\)\. Re-evaluated 1 cases: 2 check results changed/);
    // Importing the same rates again changes no result.
    const again = await runCli(['fx', 'import', DEMO_RATES, '--data-dir', dataDir], env);
    expect(again.stdout).toMatch(/Re-evaluated 1 cases: 0 check results changed/);
  });
});
