import { describe, expect, it } from 'vitest';
import { judgeRow, legalRowName, type LegalRow } from '../../test/support/legal';
import { defaultRulePack } from './pack';

// Issue 14 point 9, third pass (30 Nov 2026): the EEA EFTA states' TFR dates and Liechtenstein's own
// VT-transfer rule before the TFR (notes: docs/research/rules/NO.md, IS.md, LI.md). Each row is a
// judgment that changed, with the text it rests on; every one of these versions is unverified, and the
// row checks that the case says so.

const pack = defaultRulePack();

interface Row extends LegalRow {
  /** The version that decided our side (undefined: not checked; null: none decided). */
  us?: string | null;
  /** The version that decided the counterparty's side. */
  them?: string | null;
  /** The jurisdictions the case must flag as decided by an unverified rule. */
  unverified?: string[];
}

const rows: Row[] = [
  // Norway: the government's bill (Prop. 54 LS (2024–2025) ch. 3.1) says Norwegian law carried only TFR I
  // (funds) and that TFR II, incorporated by EEA JCD No 42/2025 subject to the Storting's consent, is to be
  // taken into the hvitvaskingsloven; sources give 1 July 2025 for that (commencement not read).
  {
    cite: 'Prop. 54 LS (2024–2025) ch. 3.1 + Bare Bitcoin notice "1.juli trådte TFRII i kraft i Norge" (unverified)',
    what: 'NO ↔ NO 0.01 EUR on 1 Jul 2025 (Oslo): the TFR as Norwegian law applies, no minimum',
    home: 'NO',
    cp: 'NO',
    value: '0.01',
    currency: 'EUR',
    at: '2025-06-30T22:00:00Z',
    outcome: 'applies',
    us: 'NO-TFR-2025',
    them: 'NO-TFR-2025',
    unverified: ['NO'],
  },
  {
    cite: "EEA JCD No 42/2025 of 20 Feb 2025, subject to the Storting's consent (Prop. 54 LS ch. 3.1): no text read for before 1 Jul 2025",
    what: 'NO ↔ NO on 30 Jun 2025 (Oslo): cannot evaluate',
    home: 'NO',
    cp: 'NO',
    value: '100',
    currency: 'EUR',
    at: '2025-06-30T21:59:00Z',
    outcome: 'cannot_evaluate',
    why: [/NO-TFR-EEA: .*Decision No 42\/2025 of 20 February 2025/],
  },
  {
    cite: 'Prop. 54 LS ch. 3.1: "TFR I er gjennomført i ... hvitvaskingsforskriften § 10-1" (funds only) (unverified)',
    what: 'NO ↔ NO on 29 Dec 2024 (Oslo): no crypto Travel Rule',
    home: 'NO',
    cp: 'NO',
    value: '100',
    currency: 'EUR',
    at: '2024-12-29T12:00:00Z',
    outcome: 'not_required',
    us: 'NO-pre-TFR',
    unverified: ['NO'],
  },
  {
    cite: 'TFR Art. 14(1)-(2) as taken into Norwegian law (Prop. 54 LS ch. 3.1) (unverified start)',
    what: 'DE → NO 10 EUR in Nov 2026: both sides apply; Norway is no longer "cannot evaluate"',
    home: 'DE',
    cp: 'NO',
    value: '10',
    currency: 'EUR',
    at: '2026-11-02T10:00:00Z',
    outcome: 'applies',
    us: 'EU-TFR-2023/1113',
    them: 'NO-TFR-2025',
    unverified: ['NO'],
  },
  // Liechtenstein: the SPV amendment of 23 Mar 2021 (LGBl. 2021 Nr. 122, issued 26 Mar 2021) governs "die
  // Angaben zum VT-Auftraggeber oder VT-Begünstigten bei VT-Transfers" (Art. 1 Abs. 1 Bst. dbis); start,
  // information set and the CHF 1 threshold ("exceeding") only from vendor summaries of Art. 23b SPV.
  {
    cite: 'LGBl. 2021 Nr. 122, Art. 1 Abs. 1 Bst. dbis SPV; in force by 1 Jun 2021 (Notabene); > CHF 1 (CVJ) (unverified)',
    what: 'LI ↔ LI 1.01 CHF on 1 Jun 2021 (Vaduz): the national VT-transfer rule applies',
    home: 'LI',
    cp: 'LI',
    value: '1.01',
    currency: 'CHF',
    at: '2021-05-31T22:00:00Z',
    outcome: 'applies',
    us: 'LI-SPV-2021',
    them: 'LI-SPV-2021',
    unverified: ['LI'],
  },
  {
    cite: 'Art. 23b SPV per vendor summaries: "token transfers exceeding CHF 1" — CHF 1 itself is not exceeding (unverified)',
    what: 'LI ↔ LI 1 CHF on 1 Jun 2021 (Vaduz): below the threshold',
    home: 'LI',
    cp: 'LI',
    value: '1',
    currency: 'CHF',
    at: '2021-05-31T22:00:00Z',
    outcome: 'below_threshold',
  },
  {
    cite: 'LGBl. 2021 Nr. 122 issued 26 Mar 2021; commencement clause not read: between issue and 1 Jun 2021, unknown',
    what: 'LI ↔ LI on 15 Apr 2021: cannot evaluate',
    home: 'LI',
    cp: 'LI',
    value: '100',
    currency: 'CHF',
    at: '2021-04-15T10:00:00Z',
    outcome: 'cannot_evaluate',
    why: [/LI-SPV-2021-start: .*LGBl\. 2021 Nr\. 122/],
  },
  {
    cite: 'LGBl. 2021 Nr. 122 (issued 26 Mar 2021): no VT-transfer rule before it (earlier SPV not read; unverified)',
    what: 'LI ↔ LI on 26 Mar 2021 (Vaduz): no crypto Travel Rule',
    home: 'LI',
    cp: 'LI',
    value: '100',
    currency: 'CHF',
    at: '2021-03-26T12:00:00Z',
    outcome: 'not_required',
    us: 'LI-pre-TFR',
    unverified: ['LI'],
  },
  {
    cite: 'LGBl. 2024 Nr. 25, Art. 4 Bst. a SPV: a VT-transfer is one VT service provider to another (rule still in force in 2024)',
    what: 'LI ↔ LI 5 CHF on 29 Dec 2024 (Vaduz): the national rule, not the group\'s "no rule"',
    home: 'LI',
    cp: 'LI',
    value: '5',
    currency: 'CHF',
    at: '2024-12-29T12:00:00Z',
    outcome: 'applies',
    us: 'LI-SPV-2021',
    unverified: ['LI'],
  },
  {
    cite: "EEA JCD No 42/2025: the TFR's date in Liechtenstein not found",
    what: 'LI ↔ LI on 30 Dec 2024 (Vaduz): cannot evaluate',
    home: 'LI',
    cp: 'LI',
    value: '5',
    currency: 'CHF',
    at: '2024-12-30T12:00:00Z',
    outcome: 'cannot_evaluate',
    why: [/LI-TFR-EEA: .*Decision No 42\/2025 of 20 February 2025/],
  },
  // Portugal: the Banco de Portugal's Aviso n.º 1/2023 (in force 15 Jul 2023) sets information duties on
  // virtual-asset transfers (its measures against a provider that keeps failing to supply "as informações
  // exigidas sobre o ordenante ou o beneficiário"); the operative article was not read.
  {
    cite: 'Banco de Portugal: "O Aviso n.º 1/2023 entra em vigor a 15 de julho de 2023."; Aviso 1/2023 (originator/beneficiary information)',
    what: 'PT ↔ PT on 15 Jul 2023 (Lisbon): cannot evaluate, no longer "not required"',
    home: 'PT',
    cp: 'PT',
    value: '100',
    currency: 'EUR',
    at: '2023-07-14T23:30:00Z',
    outcome: 'cannot_evaluate',
    why: [/PT-Aviso-1\/2023: .*Aviso n\.º 1\/2023/],
  },
  {
    cite: 'Banco de Portugal: Aviso n.º 1/2023 in force 15 Jul 2023 — its eve is still the pre-TFR period (unverified)',
    what: 'PT ↔ PT on 14 Jul 2023 (Lisbon): not required, unconfirmed',
    home: 'PT',
    cp: 'PT',
    value: '100',
    currency: 'EUR',
    at: '2023-07-14T22:30:00Z',
    outcome: 'not_required',
    us: 'PT-pre-TFR',
    unverified: ['PT'],
  },
  {
    cite: 'Aviso n.º 1/2023 content not read: the TFR eve (29 Dec 2024, Lisbon) cannot be evaluated',
    what: 'PT ↔ PT on 29 Dec 2024 23:30Z (Lisbon, UTC+0): cannot evaluate',
    home: 'PT',
    cp: 'PT',
    value: '0.01',
    currency: 'EUR',
    at: '2024-12-29T23:30:00Z',
    outcome: 'cannot_evaluate',
    why: [/PT-Aviso-1\/2023/],
  },
  // Iceland: no act giving Regulation (EU) 2023/1113 force was found (the MiCA bill of the 156th Althingi
  // shows the route, lögfesting by act, and that it was still a bill in 2025).
  {
    cite: 'Althingi 156th session þskj. 294 (MiCA bill, 1. gr. Lögfesting); no TFR act found',
    what: 'IS ↔ IS in Nov 2026: still cannot evaluate',
    home: 'IS',
    cp: 'IS',
    value: '10',
    currency: 'EUR',
    at: '2026-11-02T10:00:00Z',
    outcome: 'cannot_evaluate',
    why: [/IS-TFR-EEA: .*lögfesting/],
  },
];

describe("EEA TFR dates and Liechtenstein's VT-transfer rule (issue 14 point 9, third pass)", () => {
  it.each(rows.map((r) => [legalRowName(r), r] as const))('%s', (_name, r) => {
    const { e, us, them } = judgeRow(r, pack);
    if (r.us !== undefined) expect(us.version).toBe(r.us);
    if (r.them !== undefined) expect(them?.version).toBe(r.them);
    for (const j of r.unverified ?? []) expect(e.unverified?.map((u) => u.jurisdiction) ?? []).toContain(j);
  });
});

describe('the EEA files record what was read for every version', () => {
  it.each(['NO', 'IS', 'LI'])('%s: every version says what was read and why it is not verified', (j) => {
    const f = pack.files.get(j)!;
    for (const v of f.versions) {
      expect(v.verification?.checkedOn, v.version).toBe('2026-11-30');
      expect(v.verification?.verified, v.version).toBe(false);
      expect(v.verification?.reason?.length ?? 0, v.version).toBeGreaterThan(80);
    }
  });
});

// The members checked on this pass: each pre-TFR version says what national text was read and what was not.
describe('EU members before the TFR: what this pass read', () => {
  const checked = [
    'BE',
    'BG',
    'HR',
    'CY',
    'CZ',
    'DK',
    'FI',
    'GR',
    'HU',
    'IT',
    'LV',
    'MT',
    'PL',
    'PT',
    'RO',
    'SK',
    'SI',
    'ES',
    'SE',
  ];
  it.each(checked)('%s-pre-TFR records the third pass and stays unverified', (j) => {
    const v = pack.files.get(j)!.versions.find((x) => x.version === `${j}-pre-TFR`)!;
    expect(v.verification?.checkedOn).toBe('2026-11-30');
    expect(v.verification?.verified).toBe(false);
    expect(v.verification?.reason ?? '').toMatch(/not read|not reached|was not read/);
  });
});
