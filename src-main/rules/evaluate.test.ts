import { describe, expect, it } from 'vitest';
import { caseWith } from '../../test/support/cases';
import { evaluateCase, type EvaluationContext } from './evaluate';
import { memoryRates } from './fx';
import { defaultRulePack } from './pack';

const pack = defaultRulePack();
const NO_RATES = memoryRates([]);
const ctx = (home: string, rates = NO_RATES): EvaluationContext => ({ pack, rates, homeJurisdiction: home });

/** The status of one jurisdiction's side, for a transfer valued in that rule's own currency. */
function side(home: string, value: string, currency: string, at = '2026-11-02T10:00:00Z', cp: string | null = null) {
  const c = caseWith({ counterparty: cp, value, currency, at });
  const e = evaluateCase(c, ctx(home)).result;
  const us = e.sides.find((s) => s.party === 'us')!;
  return { status: us.status, tier: us.tier, version: us.version, e };
}

describe('thresholds and tiers at the boundaries', () => {
  it.each([
    // jurisdiction, amount, currency, expected status, expected tier
    ['US', '2999.99', 'USD', 'below_threshold', null],
    ['US', '3000', 'USD', 'applies', 'USD 3,000 and above'],
    ['US', '3000.01', 'USD', 'applies', 'USD 3,000 and above'],
    ['CA', '999.99', 'CAD', 'below_threshold', null],
    ['CA', '1000', 'CAD', 'applies', 'CAD 1,000 and above'],
    ['CA', '1000.01', 'CAD', 'applies', 'CAD 1,000 and above'],
    ['KR', '999999', 'KRW', 'below_threshold', null],
    ['KR', '1000000', 'KRW', 'applies', 'KRW 1,000,000 and above'], // "worth KRW1 million or more" (FSC, 24 Mar 2022)
    ['KR', '1000001', 'KRW', 'applies', 'KRW 1,000,000 and above'],
    ['AE', '3499.99', 'AED', 'below_threshold', null],
    ['AE', '3500', 'AED', 'below_threshold', null], // "above AED 3,500"
    ['AE', '3500.01', 'AED', 'applies', 'above AED 3,500'],
    ['SG', '0.01', 'SGD', 'applies', 'up to SGD 1,500'],
    ['SG', '1500', 'SGD', 'applies', 'up to SGD 1,500'],
    ['SG', '1500.01', 'SGD', 'applies', 'above SGD 1,500'],
    ['HK', '7999.99', 'HKD', 'applies', 'below HKD 8,000'],
    ['HK', '8000', 'HKD', 'applies', 'HKD 8,000 and above'],
    ['HK', '8000.01', 'HKD', 'applies', 'HKD 8,000 and above'],
    ['TR', '14999.99', 'TRY', 'applies', 'below TRY 15,000 (data included, not verified)'],
    ['TR', '15000', 'TRY', 'applies', 'TRY 15,000 and above (verified sender data)'],
    ['TR', '15000.01', 'TRY', 'applies', 'TRY 15,000 and above (verified sender data)'],
    ['GB', '999.99', 'EUR', 'applies', 'up to EUR 1,000'],
    ['GB', '1000', 'EUR', 'applies', 'up to EUR 1,000'],
    ['GB', '1000.01', 'EUR', 'applies', 'above EUR 1,000'],
    ['CH', '0.01', 'CHF', 'applies', 'all transfers'],
    ['DE', '0.01', 'EUR', 'applies', 'all transfers'],
    ['JP', '1', 'JPY', 'applies', 'all transfers'],
  ])('%s %s %s → %s (%s)', (j, value, currency, status, tier) => {
    // To a VASP abroad: a threshold is a VASP-to-VASP matter (KR's rule reaches nothing else, Enforcement
    // Decree Art. 10-10), and GB's domestic set would need both VASPs in GB.
    const r = side(j, value, currency, undefined, j === 'SG' ? 'JP' : 'SG');
    expect({ status: r.status, tier: r.tier }).toEqual({ status, tier });
  });
});

describe('effective-date switches', () => {
  it.each([
    // Japan: JVCEA self-regulation (JPY 100,000) until 31 May 2023, no minimum from 1 June 2023
    // (local dates: 14:59:59Z is 23:59:59 JST on 31 May; 15:00Z is midnight JST on 1 June)
    ['JP', '99999', 'JPY', '2023-05-31T14:59:59Z', 'JP-JVCEA-2022', 'below_threshold'],
    ['JP', '99999', 'JPY', '2023-05-31T15:00:00Z', 'JP-APTCP-2023', 'applies'],
    ['JP', '100000', 'JPY', '2023-05-31T12:00:00Z', 'JP-JVCEA-2022', 'applies'],
    ['JP', '99999', 'JPY', '2023-06-01T00:00:00Z', 'JP-APTCP-2023', 'applies'],
    ['JP', '99999', 'JPY', '2022-03-31T12:00:00Z', null, 'cannot_evaluate'],
    // EU: no harmonised rule before the TFR; Germany had its own (KryptoWTransferV 2021, replaced on
    // 27 May 2023 by the KryptoWTransferV 2023)
    ['FR', '5', 'EUR', '2024-12-29T12:00:00Z', 'FR-pre-TFR', 'not_required'],
    ['FR', '5', 'EUR', '2024-12-30T00:00:00Z', 'EU-TFR-2023/1113', 'applies'],
    ['DE', '5', 'EUR', '2023-05-26T12:00:00Z', 'DE-KryptoWTransferV-2021', 'applies'],
    ['DE', '5', 'EUR', '2024-12-29T12:00:00Z', 'DE-KryptoWTransferV-2023', 'applies'],
    ['DE', '5', 'EUR', '2024-12-30T00:00:00Z', 'EU-TFR-2023/1113', 'applies'],
    // Turkey: MASAK's tiers from 25 Feb 2025
    ['TR', '20000', 'TRY', '2025-02-24T12:00:00Z', 'TR-pre-2025', 'not_required'],
    ['TR', '20000', 'TRY', '2025-02-25T00:00:00Z', 'TR-MASAK-2025', 'applies'],
  ])('%s %s %s on %s → %s %s', (j, value, currency, at, version, status) => {
    const r = side(j, value, currency, at);
    expect({ version: r.version, status: r.status }).toEqual({ version, status });
    if (status === 'cannot_evaluate') expect(r.e.outcome).toBe('cannot_evaluate');
  });

  it('explains a period the pack knows had no rule', () => {
    const r = side('FR', '5', 'EUR', '2024-06-01T12:00:00Z');
    expect(r.e.why[0]).toMatch(/^Not required — unconfirmed: .* rests on an unverified rule \(FR\)/);
    expect(r.e.why.join(' ')).toMatch(/sources present the crypto Travel Rule as arriving with the TFR/i);
    // France's own law before the TFR was not read at the source: the "not required" is flagged.
    expect(r.e.why.join(' ')).toMatch(/\[unverified rule\]/);
    expect(r.e.unverified).toEqual([
      {
        jurisdiction: 'FR',
        version: 'FR-pre-TFR',
        reason: expect.stringMatching(/Code monétaire et financier and ordonnance n° 2020-1544 were not read/),
      },
    ]);
  });
});

describe('both sides, and the stricter wins', () => {
  const rates = memoryRates([
    { base: 'EUR', quote: 'USD', rate: '1.25', asOf: '2026-11-01T16:00:00Z', source: 'test' },
    { base: 'EUR', quote: 'SGD', rate: '1.5', asOf: '2026-11-01T16:00:00Z', source: 'test' },
    { base: 'EUR', quote: 'CHF', rate: '1', asOf: '2026-11-01T16:00:00Z', source: 'test' },
  ]);

  it('US below its threshold, Switzerland applies: the Travel Rule applies, with a warning', () => {
    const c = caseWith({ counterparty: 'CH', value: '100', currency: 'USD', at: '2026-11-02T10:00:00Z' });
    const e = evaluateCase(c, ctx('US', rates)).result;
    expect(e.outcome).toBe('applies');
    expect(e.warnings.join(' ')).toMatch(/Below our threshold, but above the counterparty's \(CH, CH-FINMA-02\/2019\)/);
  });

  it('both below: the Travel Rule does not apply, and the why shows each conversion', () => {
    const c = caseWith({
      counterparty: 'US',
      value: '2000',
      currency: 'EUR',
      at: '2026-11-02T10:00:00Z',
      direction: 'deposit',
    });
    const e = evaluateCase(
      c,
      ctx(
        'CA',
        memoryRates([
          ...[{ base: 'EUR', quote: 'USD', rate: '1.25', asOf: '2026-11-01T16:00:00Z', source: 'test' }],
          { base: 'EUR', quote: 'CAD', rate: '0.4', asOf: '2026-11-01T16:00:00Z', source: 'test' },
        ]),
      ),
    ).result;
    // 2000 EUR = 2500 USD (< 3000) and = 800 CAD (< 1000)
    expect(e.outcome).toBe('below_threshold');
    expect(e.sides.map((s) => s.converted?.amount)).toEqual(['2500', '800']);
    expect(e.why.join('\n')).toMatch(/2000\.00 EUR = 2500\.00 USD at EUR\/USD 1\.25 \(test, 2026-11-01T16:00:00Z\)/);
  });

  it('a missing rate is "cannot evaluate", never a silent pass', () => {
    const c = caseWith({ counterparty: 'US', value: '2000', currency: 'EUR', at: '2026-11-02T10:00:00Z' });
    const e = evaluateCase(c, ctx('CA')).result;
    expect(e.outcome).toBe('cannot_evaluate');
    expect(e.why.join(' ')).toMatch(/no EUR→USD exchange rate observed on or before 2026-11-02T10:00:00Z/);
  });

  it('no FX is needed when a side applies to every transfer', () => {
    const c = caseWith({ counterparty: 'CH', value: '2000', currency: 'EUR', at: '2026-11-02T10:00:00Z' });
    expect(evaluateCase(c, ctx('DE')).result.outcome).toBe('applies');
  });

  it('the counterparty speaks no protocol: the data goes by e-mail', () => {
    const c = caseWith({
      counterparty: 'SG',
      protocol: 'email',
      value: '2000',
      currency: 'EUR',
      at: '2026-11-02T10:00:00Z',
    });
    const e = evaluateCase(c, ctx('DE', rates)).result;
    expect(e.counterparty).toMatchObject({ capability: 'email' });
    expect(e.counterparty.note).toMatch(/by e-mail/);
  });
});

describe('self-hosted wallet duties', () => {
  const rates = memoryRates([{ base: 'EUR', quote: 'CHF', rate: '1', asOf: '2026-11-01T16:00:00Z', source: 'test' }]);
  it.each([
    ['DE', '1000', 'EUR', false], // EU: above EUR 1,000
    ['DE', '1000.01', 'EUR', true],
    ['CH', '0.01', 'CHF', true], // CH: any amount (FINMA, 26 Aug 2019: only the customer's own identified wallets)
    ['CH', '999.99', 'CHF', true],
  ])('%s %s %s → verify ownership: %s', (home, value, currency, applies) => {
    const c = caseWith({ counterparty: null, value, currency, at: '2026-11-02T10:00:00Z' });
    const e = evaluateCase(c, ctx(home, rates)).result;
    expect(e.unhosted).toMatchObject({ duty: 'verify_ownership', applies });
    expect(e.counterparty.capability).toBe('self-hosted');
    expect(e.sides.find((s) => s.party === 'counterparty')?.status).toBe('no_counterparty_vasp');
  });
});

// Issue 14 point 3: before the TFR (Reg. (EU) 2023/1113 Art. 40: from 30 Dec 2024) only national law can
// say whether a member had a crypto Travel Rule. No member's pre-TFR period is verified, so wherever it
// says "not required" the answer is flagged as unconfirmed, naming the member and what was not read.
describe('EU/EEA members before the TFR', () => {
  const members = pack.files.get('EU')!.members!;
  // LI's national rule is set in CHF (SPV as amended in 2021): a EUR amount needs a rate of the day.
  const rates = memoryRates([
    { base: 'EUR', quote: 'CHF', rate: '0.97', asOf: '2024-05-31T16:00:00Z', source: 'test' },
  ]);
  it.each(members)('%s on 1 Jun 2024: no confident "not required"', (m) => {
    const e = evaluateCase(
      caseWith({ counterparty: m, value: '5', currency: 'EUR', at: '2024-06-01T12:00:00Z' }),
      ctx(m, rates),
    ).result;
    if (e.outcome === 'not_required') {
      expect(e.why[0]).toMatch(new RegExp(`^Not required — unconfirmed: .*unverified rule \\(${m}\\)`));
      expect(e.unverified).toEqual([
        { jurisdiction: m, version: `${m}-pre-TFR`, reason: expect.stringMatching(/not (read|checked)/) },
      ]);
    } else if (m === 'PT') {
      // PT: Aviso do Banco de Portugal n.º 1/2023 (from 15 Jul 2023) set an information duty for
      // virtual-asset transfers whose content was not read: cannot evaluate, never "not required".
      expect(e.outcome).toBe('cannot_evaluate');
      expect(e.why.join('\n')).toMatch(/PT-Aviso-1\/2023/);
    } else {
      // DE, EE, LT, LI had national rules (recorded, read only through summaries): applies, unverified.
      expect(e.outcome).toBe('applies');
      expect(['DE', 'EE', 'LT', 'LI']).toContain(m);
      expect(e.unverified?.map((u) => u.jurisdiction)).toEqual([m]);
    }
  });
});
