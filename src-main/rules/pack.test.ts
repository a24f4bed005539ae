import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseWith } from '../../test/support/cases';
import { tempDir } from '../../test/support/temp';
import { evaluateCase } from './evaluate';
import { memoryRates } from './fx';
import { DEFAULT_RULES_DIR, loadRulePack } from './pack';

const t = tempDir();
afterAll(() => t.cleanup());

describe('the rule pack', () => {
  const dir = DEFAULT_RULES_DIR();
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('loads every file without an error', () => {
    const pack = loadRulePack(dir);
    expect(pack.errors).toEqual([]);
    expect(pack.files.size).toBe(files.length);
  });

  it('covers all EU/EEA states and the named jurisdictions', () => {
    const pack = loadRulePack(dir);
    const eu = pack.files.get('EU');
    expect(eu?.members).toHaveLength(30);
    for (const m of eu?.members ?? []) expect(pack.files.get(m)?.group, m).toBe('EU');
    for (const c of ['US', 'GB', 'CH', 'SG', 'JP', 'CA', 'TR', 'KR', 'HK', 'AE', 'AU']) expect(pack.files.get(c)?.provenance, c).toBe('curated');
  });

  it.each(files)('%s cites its sources, for the file and for every rule version', (file) => {
    const f = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { sources?: unknown[]; versions?: { sources?: unknown[] }[] };
    expect(f.sources?.length ?? 0).toBeGreaterThan(0);
    for (const v of f.versions ?? []) expect(v.sources?.length ?? 0).toBeGreaterThan(0);
  });

  it('records retention periods: 5 years by default, Turkey 8', () => {
    const pack = loadRulePack(dir);
    expect(pack.files.get('TR')?.retentionYears).toBe(8);
    expect(pack.files.get('FR')?.retentionYears).toBe(5);
  });

  it('a broken file is an error naming the file and field, and every other jurisdiction still evaluates', () => {
    const broken = join(t.dir, 'rules');
    cpSync(dir, broken, { recursive: true });
    const sg = JSON.parse(readFileSync(join(broken, 'SG.json'), 'utf8'));
    sg.versions[0].threshold.amount = 'fifteen hundred';
    writeFileSync(join(broken, 'SG.json'), JSON.stringify(sg));
    writeFileSync(join(broken, 'CA.json'), '{ not json');
    const nosrc = JSON.parse(readFileSync(join(broken, 'KR.json'), 'utf8'));
    nosrc.versions[0].sources = [];
    writeFileSync(join(broken, 'KR.json'), JSON.stringify(nosrc));

    const pack = loadRulePack(broken);
    expect(pack.errors).toEqual([
      { file: 'CA.json', field: '(file)', message: 'is not valid JSON' },
      { file: 'KR.json', field: 'versions.0.sources', message: 'every rule must cite at least one source' },
      { file: 'SG.json', field: 'versions.0.threshold.amount', message: 'must be a decimal number written as a string' },
    ]);
    expect([...pack.broken.keys()].sort()).toEqual(['CA', 'KR', 'SG']);

    const rates = memoryRates([{ base: 'EUR', quote: 'USD', rate: '1.1', asOf: '2026-11-01T00:00:00Z', source: 'test' }]);
    const toSg = evaluateCase(caseWith({ counterparty: 'SG', value: '10', currency: 'EUR', at: '2026-11-02T00:00:00Z' }), { pack, rates, homeJurisdiction: 'US' }).result;
    expect(toSg.outcome).toBe('cannot_evaluate');
    expect(toSg.why.join(' ')).toMatch(/the rule file SG\.json is broken \(versions\.0\.threshold\.amount: must be a decimal number/);
    const toUs = evaluateCase(caseWith({ counterparty: 'US', value: '5000', currency: 'EUR', at: '2026-11-02T00:00:00Z' }), { pack, rates, homeJurisdiction: 'DE' }).result;
    expect(toUs.outcome).toBe('applies');
    expect(toUs.sides.map((s) => s.status)).toEqual(['applies', 'applies']);
  });

  it('refuses overlapping versions', () => {
    const odd = join(t.dir, 'overlap');
    cpSync(dir, odd, { recursive: true });
    const jp = JSON.parse(readFileSync(join(odd, 'JP.json'), 'utf8'));
    jp.versions[1].effectiveTo = '2023-06-15';
    writeFileSync(join(odd, 'JP.json'), JSON.stringify(jp));
    expect(loadRulePack(odd).errors).toEqual([{ file: 'JP.json', field: 'versions.1.effectiveTo', message: 'overlaps version JP-APTCP-2023, which starts 2023-06-01' }]);
  });
});
