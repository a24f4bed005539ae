import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseWith } from '../../test/support/cases';
import { ROOT } from '../../test/support/cli';
import { sharedPath } from '../../test/support/shared';
import { tempDir } from '../../test/support/temp';
import { validateCommand } from './ivms101';
import { main } from './main';
import { EVALUATE_EXIT, rulesAudit, rulesEvaluate } from './rules';

// The audit and `ivms101 validate --date`, called as the CLI calls them (the CLI spawn itself is
// covered by rules.test.ts and ivms101.test.ts).
function capture() {
  const o = { stdout: '', stderr: '' };
  return { o, out: { stdout: (s: string) => (o.stdout += s), stderr: (s: string) => (o.stderr += s) } };
}

describe('waybill rules audit', () => {
  it('reports every jurisdiction: verified or not and why, sources, and the quoted threshold wording (--json)', () => {
    const { o, out } = capture();
    expect(rulesAudit(true, null, out)).toBe(0);
    const r = JSON.parse(o.stdout) as {
      summary: { jurisdictions: number; verified: number; unverified: number };
      jurisdictions: {
        jurisdiction: string;
        verified: boolean;
        reason: string | null;
        sources: unknown[];
        versions: { version: string; thresholdText: string | null; quotes: { quote: string }[] }[];
      }[];
    };
    expect(r.summary.verified + r.summary.unverified).toBe(r.summary.jurisdictions);
    for (const j of r.jurisdictions) {
      expect(j.sources.length, j.jurisdiction).toBeGreaterThan(0);
      if (!j.verified) expect(j.reason, j.jurisdiction).toBeTruthy();
    }
    const kr = r.jurisdictions.find((j) => j.jurisdiction === 'KR')!;
    // Enforcement Decree Art. 10-10 in the FSC's notice (24 Mar 2022): "1백만원 상당 이상" ("or more").
    expect(kr.versions[0]).toMatchObject({
      version: 'KR-SFTI-2022',
      thresholdText: expect.stringMatching(/^1백만원 상당 이상 .*"or more"/),
    });
    expect(kr.versions[0]!.quotes[0]!.quote).toMatch(/KRW1 million or more/);
  });

  it('reports each version: verified or not, why, and its per-field citations with the quotes that decide', () => {
    const { o, out } = capture();
    rulesAudit(true, null, out, '2026-11-29');
    type V = {
      version: string;
      verified: boolean;
      verificationReason: string | null;
      fields: Record<string, { article: string; quote?: string }[]>;
    };
    const r = JSON.parse(o.stdout) as { jurisdictions: { jurisdiction: string; versions: V[] }[] };
    const eu = r.jurisdictions.find((j) => j.jurisdiction === 'EU')!;
    const tfr = eu.versions.find((v) => v.version === 'EU-TFR-2023/1113')!;
    expect(tfr).toMatchObject({ verified: true, verificationReason: null });
    expect(Object.keys(tfr.fields).sort()).toEqual(['effectiveFrom', 'retention', 'selfHosted', 'threshold', 'tiers']);
    // Art. 40: the date; Art. 26(1): five years; Art. 16(2): "exceeding EUR 1 000" for ownership only.
    expect(tfr.fields.effectiveFrom!.map((c) => c.quote)).toContain('It shall apply from 30 December 2024.');
    expect(tfr.fields.retention![0]).toMatchObject({
      article: 'Art. 26(1)',
      quote: expect.stringMatching(/five years/),
    });
    expect(tfr.fields.selfHosted!.map((c) => c.article)).toContain('Art. 16(2), first and second subparagraphs');
    const fr = r.jurisdictions.find((j) => j.jurisdiction === 'FR')!.versions[0]!;
    expect(fr).toMatchObject({
      version: 'FR-pre-TFR',
      verified: false,
      verificationReason: expect.stringMatching(/not read/),
    });
  });

  it('CC ... narrows the report to the jurisdictions named, with the fields not read; an unknown code is refused by name', () => {
    const { o, out } = capture();
    expect(rulesAudit(false, null, out, undefined, ['GB', 'KR'])).toBe(0);
    const heads = o.stdout.split('\n').filter((l) => /^[A-Z]{2}\t/.test(l));
    expect(heads.map((l) => l.slice(0, 2))).toEqual(['GB', 'KR']);
    expect(o.stdout).toMatch(/^ {4}not read in the primary text: /m);
    const bad = capture();
    expect(rulesAudit(false, null, bad.out, undefined, ['XX'])).toBe(2);
    expect(bad.o.stderr).toMatch(/No rule file for XX/);
    expect(bad.o.stdout).toBe('');
  });

  it('--unverified lists only unverified rules, with the count line in text form', () => {
    const { o, out } = capture();
    rulesAudit(false, 'unverified', out);
    expect(o.stdout).toMatch(/why unverified: /);
    expect(o.stdout).not.toMatch(/\tVERIFIED\t/);
    expect(o.stdout).toMatch(/\d+ of \d+ jurisdictions verified against the primary text/);
  });
});

describe("README's count of verified jurisdictions", () => {
  it('is what the rule pack says (every version verified; decided on the stated date by a verified version)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const m =
      /\*\*(\d+) of (\d+) jurisdictions\*\* are verified for every version; on \*\*(\d{4}-\d{2}-\d{2}), (\d+)\*\* were decided by a verified version/.exec(
        readme,
      );
    expect(m, 'README states the counts').not.toBeNull();
    const [, verified, total, date, today] = m!;
    const { o, out } = capture();
    rulesAudit(true, null, out, date);
    const { summary } = JSON.parse(o.stdout) as {
      summary: { jurisdictions: number; verified: number; verifiedToday: number };
    };
    expect({ verified: Number(verified), total: Number(total), today: Number(today) }).toEqual({
      verified: summary.verified,
      total: summary.jurisdictions,
      today: summary.verifiedToday,
    });
  });
});

describe('waybill ivms101 validate --date', () => {
  const file = sharedPath('fixtures', 'ivms101', 'trisa', 'identity_payload.json');
  const profile = (date: string) => {
    const { o, out } = capture();
    validateCommand(file, { json: true, jurisdictions: ['JP'], date }, out);
    return JSON.parse(o.stdout) as { date: string; completeness: { evaluated: { profile: string }[] } };
  };
  it("uses the rule version in force on that day, not today's (JP: JVCEA until 31 May 2023, the Act from 1 June 2023)", () => {
    expect(profile('2023-05-15')).toMatchObject({
      date: '2023-05-15',
      completeness: { evaluated: [{ profile: expect.stringMatching(/JP-JVCEA-2022/) }] },
    });
    expect(profile('2023-06-15').completeness.evaluated[0]!.profile).toMatch(/JP-APTCP-2023/);
  });
});

describe('waybill rules evaluate: exit codes', () => {
  const t = tempDir();
  afterAll(() => t.cleanup());
  const evaluate = (counterparty: string, value: string, home = 'DE') => {
    const file = join(t.dir, `${home}-${counterparty}-${value}.json`);
    writeFileSync(file, JSON.stringify(caseWith({ counterparty, value, currency: 'EUR', at: '2026-11-02T10:00:00Z' })));
    const { o, out } = capture();
    const code = rulesEvaluate(file, { json: false, home, rates: null }, out);
    return { code, stdout: o.stdout };
  };

  it('0 applies, 1 cannot evaluate, 3 a red flag (CN prohibits VASP activity: PBoC notice of 24 Sep 2021)', () => {
    expect(evaluate('SE', '10')).toMatchObject({ code: 0, stdout: expect.stringMatching(/: APPLIES\n/) });
    // US ↔ US 10 EUR with no EUR/USD rate: the USD 3,000 threshold cannot be checked.
    expect(evaluate('US', '10', 'US')).toMatchObject({ code: 1, stdout: expect.stringMatching(/: CANNOT EVALUATE\n/) });
    const cn = evaluate('CN', '10');
    expect(cn.code).toBe(3);
    expect(cn.stdout).toMatch(/: PROHIBITED\n/);
    expect(EVALUATE_EXIT).toEqual({
      applies: 0,
      below_threshold: 0,
      not_required: 0,
      cannot_evaluate: 1,
      prohibited: 3,
    });
  });

  it('--help documents the table', async () => {
    const { o, out } = capture();
    expect(await main(['rules', 'evaluate', '--help'], out)).toBe(0);
    expect(o.stdout).toMatch(
      /exit 0 evaluated \(applies,\s+below threshold, not required\), 1 cannot evaluate, 2 usage or input error,\s+3 red flag/,
    );
  });
});
