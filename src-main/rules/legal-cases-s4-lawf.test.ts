import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeRow, legalRowName, ruleFile as file, type LegalRow } from '../../test/support/legal';
import { DEFAULT_RULES_DIR, FATF_TABLES_FILE, defaultRulePack } from './pack';

// Issue 14 point 9, third pass (branch s4-lawf, 30 Nov 2026): FATF members outside the G20 and the FATF
// table jurisdictions, re-read at the source (notes: docs/research/rules/CC.md, "third pass, 30 Nov").
// Each row is a judgment or a fact that changed or was confirmed on the text's own words, with the
// provision it rests on.

const pack = defaultRulePack();

interface Row extends LegalRow {
  version?: string | null;
  tier?: string;
  localDate?: string;
  unhosted?: Record<string, unknown>;
}

const rows: Row[] = [
  // SFC AML/CFT Guideline (June 2023) ch. 12, restating AMLO Cap. 615 Sch. 2 s. 13A(2)-(3).
  {
    cite: 'SFC Guideline para. 12.11.6: "less than $8,000": name and account of originator and recipient',
    what: 'HK ↔ HK 7,999.99 HKD',
    home: 'HK',
    cp: 'HK',
    value: '7999.99',
    currency: 'HKD',
    at: '2026-11-02T10:00:00Z',
    outcome: 'applies',
    version: 'HK-AMLO-2023',
    tier: 'below HKD 8,000',
  },
  {
    cite: 'SFC Guideline para. 12.11.5: "not less than $8,000" is inclusive: the full set at HK$8,000',
    what: 'HK ↔ HK 8,000 HKD',
    home: 'HK',
    cp: 'HK',
    value: '8000',
    currency: 'HKD',
    at: '2026-11-02T10:00:00Z',
    outcome: 'applies',
    version: 'HK-AMLO-2023',
    tier: 'HKD 8,000 and above',
  },
  {
    cite: 'SFC Guideline para. 12.14.2: obtain and record the data before sending to an unhosted wallet, any amount',
    what: 'HK to a self-hosted wallet, 100 HKD',
    home: 'HK',
    cp: null,
    value: '100',
    currency: 'HKD',
    at: '2026-11-02T10:00:00Z',
    outcome: 'applies',
    unhosted: { duty: 'risk_based', always: expect.stringMatching(/para\. 12\.14\.2/) },
    why: [/Self-hosted wallet, at any amount: obtain and record/],
  },
  // FINMA, 26 Aug 2019: the AMLA was applied to blockchain services "bereits seit dem Aufkommen" — a
  // publication of an established practice, not a commencement: the start is unknown, in force by that day.
  {
    cite: 'FINMA press release 26 Aug 2019: established practice; no known start before the publication',
    what: 'CH ↔ CH on 25 Aug 2019 (Zurich time)',
    home: 'CH',
    cp: 'CH',
    value: '5',
    currency: 'CHF',
    at: '2019-08-25T23:30:00+02:00',
    outcome: 'cannot_evaluate',
    why: [/no known start date; a source shows it in force by 2019-08-26/],
  },
  {
    cite: 'FINMA press release 26 Aug 2019 and AMLO-FINMA Art. 10(1): in force by 26 Aug 2019, every payment order',
    what: 'CH ↔ CH on 26 Aug 2019 (Zurich time)',
    home: 'CH',
    cp: 'CH',
    value: '5',
    currency: 'CHF',
    at: '2019-08-26T00:30:00+02:00',
    outcome: 'applies',
    version: 'CH-FINMA-02/2019',
    localDate: '2019-08-26',
  },
];

describe('legal cases re-read at the source (issue 14 point 9, third pass: FATF members and table jurisdictions)', () => {
  it.each(rows.map((r) => [legalRowName(r), r] as const))('%s', (_name, r) => {
    const { e, us } = judgeRow(r, pack);
    if (r.version !== undefined) expect(us.version).toBe(r.version);
    if (r.tier !== undefined) expect(us.tier).toBe(r.tier);
    if (r.localDate !== undefined) expect(us.localDate).toBe(r.localDate);
    if (r.unhosted) expect(e.unhosted).toMatchObject(r.unhosted);
  });
});

// Facts of the pack that a judgment does not show but an analyst relies on; each quoted source carries the
// paragraph and the words read.
const facts: { cite: string; j: string; check: () => void }[] = [
  {
    cite: 'SFC Guideline para. 12.9.2: "for a period of at least five years after the completion of the transfer"',
    j: 'HK',
    check: () => {
      expect(file('HK').retentionYears).toBe(5);
      expect(file('HK').retentionSource).toMatchObject({
        article: expect.stringMatching(/^para\. 12\.9\.2/),
        quote: expect.stringMatching(/at least five years/),
      });
    },
  },
  {
    cite: 'SFC Guideline paras. 12.11.5-12.11.6, 12.14, 12.9.2: four fields read, the start not (unverified, says why)',
    j: 'HK',
    check: () => {
      const v = file('HK').versions[0]!;
      const f = v.verification?.fields ?? {};
      expect(Object.keys(f).sort()).toEqual(['retention', 'selfHosted', 'threshold', 'tiers']);
      expect(v.verification?.verified).toBe(false);
      expect(v.verification?.reason).toMatch(/Not read: the start/);
      expect(v.regime === 'travel_rule' && v.tiers[1]?.from).toMatchObject({ amount: '8000', exclusive: false });
    },
  },
  {
    cite: 'FINMA press release 26 Aug 2019: an established practice — start unknown, in force by 26 Aug 2019',
    j: 'CH',
    check: () => {
      const v = file('CH').versions[0]!;
      expect(v.effectiveFrom).toBeNull();
      expect(v.inForceBy).toBe('2019-08-26');
      expect(v.verification?.fields?.effectiveFrom?.[0]?.quote).toMatch(/bereits seit dem Aufkommen/);
    },
  },
];

// Texts read this pass that keep a jurisdiction at "cannot evaluate": the words that show why are quoted.
facts.push(
  {
    cite: 'FSC Regulations (2021) as held by the Banking Bureau: Art. 7 "由金融監督管理委員會另定施行日期" (no start set)',
    j: 'TW',
    check: () => {
      const v = file('TW').versions[0]!;
      expect(v.regime).toBe('none_known');
      expect(v.sources.some((s) => s.article === 'Art. 7 and status line' && /另定施行日期/.test(s.quote ?? ''))).toBe(
        true,
      );
    },
  },
  {
    cite: 'AIFC AML 11-1.1(3) "equal to or more than USD1,000"; ch. 11-1 starts 12 months after the DAA Rules commence (unknown)',
    j: 'KZ',
    check: () => {
      const v = file('KZ').versions[0]!;
      expect(v.regime).toBe('none_known');
      expect(v.sources.some((s) => /equal to or more than USD1,000/.test(s.quote ?? ''))).toBe(true);
      expect(v.sources.some((s) => /comes into operation 12 months after/.test(s.quote ?? ''))).toBe(true);
    },
  },
  {
    cite: 'SL 73 of 2020 reg. 1(2): Part XA commences by Cabinet Order (the Order not read)',
    j: 'KY',
    check: () => {
      const v = file('KY').versions[0]!;
      expect(v.sources.some((s) => s.article === 'reg. 1(2)' && /Order made by the Cabinet/.test(s.quote ?? ''))).toBe(
        true,
      );
    },
  },
);

// Every file this pass re-searched says so in each version's reason (what was read, what failed).
const THIRD_PASS = [
  'AE',
  'BM',
  'BS',
  'CL',
  'CO',
  'GE',
  'GI',
  'IL',
  'KY',
  'KZ',
  'MU',
  'MY',
  'NG',
  'NZ',
  'PA',
  'PE',
  'PH',
  'PY',
  'SC',
  'SV',
  'TH',
  'TW',
  'UA',
  'VG',
];
describe('third-pass records (s4-lawf): each re-searched file says what was read', () => {
  it.each(THIRD_PASS)('%s', (j) => {
    const f = file(j);
    expect(f.verification.checkedOn).toBe('2026-11-30');
    for (const v of f.versions)
      expect(v.verification?.reason, `${j} ${v.version}`).toMatch(/Third pass \(30 Nov 2026\):/);
  });
});

describe('rule-pack facts re-read at the source (third pass, s4-lawf)', () => {
  it.each(facts.map((f) => [`${f.j}: ${f.cite}`, f] as const))('%s', (_name, f) => f.check());
});

// The FATF tables file records where each listed jurisdiction's table membership comes from; a
// jurisdiction listed for a table must name the source that puts it there (never only the earlier pass).
describe('FATF table jurisdictions: each table listing names its source', () => {
  const t = JSON.parse(readFileSync(join(DEFAULT_RULES_DIR(), FATF_TABLES_FILE), 'utf8')) as {
    jurisdictions: Record<string, { basis: string[]; tables: string[]; source: string; tableSource?: string }>;
  };
  it('a non-member listed in a table cites a source other than docs/rule-pack.md', () => {
    for (const [c, j] of Object.entries(t.jurisdictions)) {
      if (j.basis.includes('fatf_member') || j.tables.length === 0) continue;
      expect(j.source, c).toMatch(/^https?:\/\//);
    }
  });
});
