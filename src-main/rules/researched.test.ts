// The reference files checked at the source for issue 14 (point 9): each case is what the cited text says
// about that jurisdiction on that (local) date, so a later edit of the data that contradicts the source fails here.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRulePack, versionStart, type RuleVersion } from './pack';

const pack = loadRulePack(DEFAULT_RULES_DIR());

function versionOn(code: string, date: string): RuleVersion | null {
  const f = pack.files.get(code);
  if (!f) throw new Error(`no rule file for ${code}`);
  return f.versions.find((v) => versionStart(v) <= date && (v.effectiveTo === null || date <= v.effectiveTo)) ?? null;
}

type Expect =
  | {
      regime: 'travel_rule';
      threshold: [amount: string, currency: string, exclusive: boolean];
      tierFrom?: [amount: string, currency: string, exclusive: boolean];
    }
  | { regime: 'none_known' | 'no_travel_rule' }
  | { regime: null };

const cases: [code: string, date: string, expected: Expect, citation: string][] = [
  [
    'ZA',
    '2025-04-29',
    { regime: null },
    'FIC Directive 9 applies from 30 Apr 2025 (FIC/FSCA Communication 44 of 2024)',
  ],
  [
    'ZA',
    '2025-04-30',
    { regime: 'travel_rule', threshold: ['0', 'ZAR', false], tierFrom: ['5000', 'ZAR', false] },
    'Directive 9 para 6.3: "a single transaction valued at less than R5 000" takes the reduced set',
  ],
  ['IN', '2023-03-09', { regime: null }, 'start unknown; FIU-IND VDA guidelines dated 10 Mar 2023'],
  [
    'IN',
    '2023-03-10',
    { regime: 'travel_rule', threshold: ['0', 'INR', false] },
    'FIU-IND VDA guidelines para 11.3: no threshold in the text',
  ],
  [
    'ID',
    '2023-05-08',
    { regime: 'travel_rule', threshold: ['0', 'USD', false], tierFrom: ['1000', 'USD', false] },
    'Bappebti Reg. 8/2021 Art. 38: "lebih dari atau sama dengan US$1.000"',
  ],
  [
    'ID',
    '2025-01-09',
    { regime: 'travel_rule', threshold: ['0', 'USD', false], tierFrom: ['1000', 'USD', false] },
    'Bappebti rule until OJK took over (PP 49/2024 Art. 3)',
  ],
  [
    'ID',
    '2025-01-10',
    { regime: 'none_known' },
    'POJK 27/2024 in force 10 Jan 2025; its Travel Rule article not found',
  ],
  [
    'AR',
    '2025-04-01',
    { regime: 'none_known' },
    'UIF Res. 49/2024: no Travel Rule article found; the reference data had USD 1,000 from this invented date',
  ],
  ['BR', '2026-02-02', { regime: 'none_known' }, 'Res. BCB 520/2025 in force 2 Feb 2026; no Travel Rule article read'],
  [
    'MX',
    '2025-07-17',
    { regime: 'none_known' },
    'LFPIORPI reform in force the day after the DOF of 16 Jul 2025; no Travel Rule provision',
  ],
  ['RU', '2025-01-01', { regime: 'none_known' }, '259-FZ / 115-FZ: no Travel Rule found'],
  [
    'SA',
    '2025-06-01',
    { regime: 'none_known' },
    'no VASP regime found; the reference data had SAR 3,750 from this date',
  ],
  ['IR', '2025-06-01', { regime: 'none_known' }, 'no Travel Rule text found'],
  ['VN', '2024-02-22', { regime: null }, 'no dated source before Decision 194/QD-TTg'],
  [
    'VN',
    '2024-02-23',
    { regime: 'no_travel_rule' },
    'Decision 194/QD-TTg action 6: "develop a legal framework to prohibit or regulate virtual assets"',
  ],
  ['VN', '2025-09-08', { regime: 'no_travel_rule' }, 'no framework until Resolution 05/2025/NQ-CP'],
  [
    'VN',
    '2025-09-09',
    { regime: 'none_known' },
    'Resolution 05/2025/NQ-CP effective 9 Sep 2025; no Travel Rule provision found',
  ],
  ['TH', '2024-01-01', { regime: null }, "the reference data's THB 50,000 from 2024-01-01 is contradicted by the SEC"],
  [
    'TH',
    '2026-03-10',
    { regime: 'no_travel_rule' },
    'SEC press release No. 54/2026: the SEC "is seeking public comments" on a Travel Rule',
  ],
  ['TH', '2026-07-10', { regime: 'no_travel_rule' }, 'draft notification open for comment until 10 Jul 2026'],
  ['TH', '2026-07-11', { regime: 'none_known' }, 'whether the notification was issued is unknown'],
  ['NZ', '2024-05-31', { regime: null }, 'virtual asset transfers are wire transfers from 1 Jun 2024'],
  [
    'NZ',
    '2024-06-01',
    { regime: 'travel_rule', threshold: ['0', 'NZD', false], tierFrom: ['1000', 'NZD', true] },
    'AML/CFT Act s. 27(1): "over the applicable threshold value"; reg. 5A: $1,000',
  ],
  ['GI', '2021-03-21', { regime: null }, 'Transfer of Virtual Assets Regulations 2021 in force 22 Mar 2021'],
  [
    'GI',
    '2021-03-22',
    { regime: 'travel_rule', threshold: ['1000', 'EUR', false] },
    '"a value equal to or in excess of €1,000"',
  ],
  ['KY', '2022-06-30', { regime: null }, 'AMLRs Part XA commenced 1 Jul 2022 (CIMA)'],
  [
    'KY',
    '2022-07-01',
    { regime: 'travel_rule', threshold: ['0', 'USD', false] },
    'AMLRs Part XA: no threshold in the summary of its text',
  ],
  [
    'MY',
    '2022-04-01',
    { regime: 'travel_rule', threshold: ['0', 'MYR', false] },
    'SC-GL/AML-2014 (R2-2021), in force 1 Apr 2022, no minimum',
  ],
  [
    'PH',
    '2023-12-31',
    { regime: 'travel_rule', threshold: ['50000', 'PHP', false] },
    'BSP Circular 1108: "amounting to P50,000.00 or more"',
  ],
  [
    'VG',
    '2022-12-01',
    { regime: 'travel_rule', threshold: ['1000', 'USD', false] },
    'AMLR/AMLTFCOP from 1 Dec 2022: "valued at US$1,000 or more"',
  ],
  ['CL', '2025-06-30', { regime: null }, 'Travel Rule applied from 1 Jul 2025'],
  [
    'CL',
    '2025-07-01',
    { regime: 'travel_rule', threshold: ['1000', 'USD', true] },
    '"transacciones superiores a 1.000 dólares"',
  ],
  [
    'BM',
    '2022-02-27',
    { regime: 'travel_rule', threshold: ['0', 'USD', false] },
    'POCR regs. 21–31A: information transmitted at any amount',
  ],
  [
    'BH',
    '2022-09-08',
    { regime: 'travel_rule', threshold: ['0', 'BHD', false] },
    'CBB Rulebook AML-2A.2.7: "all accepted crypto-asset transfer"',
  ],
  [
    'NG',
    '2024-05-08',
    { regime: 'travel_rule', threshold: ['0', 'USD', false], tierFrom: ['1000', 'USD', false] },
    'USD 1,000 threshold, names and wallets below it (boundary wording not found)',
  ],
  ['TW', '2021-07-01', { regime: 'none_known' }, 'VASP AML regulations in force 1 Jul 2021 except Art. 7, never dated'],
  [
    'GE',
    '2023-01-01',
    { regime: 'none_known' },
    'NBG: transfer-information requirements in force gradually from 1 Jan 2023; content not read',
  ],
  ['CO', '2021-12-24', { regime: 'none_known' }, 'UIAF Res. 314/2021 is reporting, not a Travel Rule'],
  ['IL', '2021-11-14', { regime: 'none_known' }, 'Order 5781-2021 in force 14 Nov 2021; transfer rules not read'],
  [
    'PY',
    '2025-06-01',
    { regime: 'none_known' },
    'SEPRELAD Res. 314/2021: Travel Rule content not read; the reference data had USD 1,000 from this date',
  ],
  [
    'VE',
    '2024-01-01',
    { regime: 'none_known' },
    'SUNACRIP under restructuring since Mar 2023, exchanges suspended; the reference data had no minimum from this date',
  ],
  [
    'JE',
    '2024-02-05',
    { regime: 'travel_rule', threshold: ['1000', 'EUR', true] },
    'JFSC guidance note 3.7.4: transfers "not exceeding EUR 1,000" are out of scope',
  ],
  [
    'GG',
    '2023-07-10',
    { regime: 'travel_rule', threshold: ['0', 'GBP', false], tierFrom: ['1000', 'GBP', true] },
    'GFSC Handbook: reduced set for transfers "of £1,000 (or equivalent value) or less"',
  ],
  ['IM', '2024-10-27', { regime: null }, 'Travel Rule Code 2024 came into operation on 28 Oct 2024'],
  [
    'PE',
    '2025-06-01',
    { regime: 'none_known' },
    'SBS Res. 02648-2024: Travel Rule content not read; the reference data had USD 1,000 from this date',
  ],
  ['UY', '2025-08-21', { regime: 'none_known' }, 'Law 20.345 awaits its BCU regulation (consultation 21 Aug 2025)'],
  [
    'IM',
    '2024-10-28',
    { regime: 'travel_rule', threshold: ['0', 'EUR', false], tierFrom: ['1000', 'EUR', false] },
    'Travel Rule Code 2024: all transfers, wider set from EUR 1,000',
  ],
];

describe('reference files checked at the source (issue 14, point 9)', () => {
  it.each(cases)('%s on %s', (code, date, expected, citation) => {
    const v = versionOn(code, date);
    if (expected.regime === null) {
      expect(v, citation).toBeNull();
      return;
    }
    expect(v?.regime, citation).toBe(expected.regime);
    if (expected.regime !== 'travel_rule' || v?.regime !== 'travel_rule') return;
    const [amount, currency, exclusive] = expected.threshold;
    expect(v.threshold, citation).toMatchObject({ amount, currency, exclusive });
    if (expected.tierFrom) {
      const [a, c, x] = expected.tierFrom;
      expect(v.tiers.at(-1)?.from, citation).toMatchObject({ amount: a, currency: c, exclusive: x });
    }
  });

  const checked = [
    'ZA',
    'AR',
    'BR',
    'IN',
    'ID',
    'MX',
    'RU',
    'SA',
    'VN',
    'IR',
    'TH',
    'PH',
    'MY',
    'KY',
    'GI',
    'BH',
    'BS',
    'NZ',
    'SC',
    'VG',
    'IL',
    'NG',
    'CL',
    'CO',
    'PA',
    'SV',
    'TW',
    'UA',
    'KZ',
    'PK',
    'MU',
    'GE',
    'BM',
    'PY',
    'VE',
    'JE',
    'GG',
    'IM',
    'PE',
    'UY',
  ];

  it.each(checked)('%s says why it is not verified, and no version starts on a date without a source', (code) => {
    const f = pack.files.get(code)!;
    expect(f.verified).toBe(false);
    // Checked on 29 Nov 2026 or re-checked since (a later pass moves the date forward, never back).
    expect(f.verification.checkedOn >= '2026-11-29', f.verification.checkedOn).toBe(true);
    expect(f.verification.reason?.length ?? 0).toBeGreaterThan(80);
    // The reference data's invented start dates (2024-01-01, 2025-01-01, 2025-06-01) have no source.
    for (const v of f.versions)
      expect(['2024-01-01', '2025-01-01', '2025-06-01'], `${code} ${v.version}`).not.toContain(v.effectiveFrom);
  });
});
