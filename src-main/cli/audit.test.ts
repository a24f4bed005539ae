import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/support/shared';
import { validateCommand } from './ivms101';
import { rulesAudit } from './rules';

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

  it('--unverified lists only unverified rules, with the count line in text form', () => {
    const { o, out } = capture();
    rulesAudit(false, 'unverified', out);
    expect(o.stdout).toMatch(/why unverified: /);
    expect(o.stdout).not.toMatch(/\tVERIFIED\t/);
    expect(o.stdout).toMatch(/\d+ of \d+ jurisdictions verified against the primary text/);
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
