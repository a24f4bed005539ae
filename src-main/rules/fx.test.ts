import { describe, expect, it } from 'vitest';
import { convert, display, memoryRates, parseRatesCsv, type FxRate } from './fx';

const r = (pair: string, rate: string, asOf: string, source = 'test'): FxRate => {
  const [base = '', quote = ''] = pair.split('/');
  return { base, quote, rate, asOf, source };
};

describe('FX conversion', () => {
  it('is exact decimal arithmetic, rounded only for display (half-up, two places)', () => {
    const rates = memoryRates([r('EUR/USD', '1.1', '2026-11-01T00:00:00Z')]);
    const c = convert('0.3', 'EUR', 'USD', '2026-11-02T00:00:00Z', rates);
    expect(c).toMatchObject({ ok: true, amount: '0.33' }); // not 0.33000000000000007
    const d = convert('1000.005', 'EUR', 'USD', '2026-11-02T00:00:00Z', rates);
    expect(d.ok && d.amount).toBe('1100.0055');
    expect(display('1100.005', 'USD')).toBe('1100.01 USD');
    expect(display('2.675', 'EUR')).toBe('2.68 EUR'); // a binary float would give 2.67
  });

  it('uses the rate in force at the transfer time, never a later one', () => {
    const rates = memoryRates([
      r('EUR/USD', '1.10', '2026-11-01T16:00:00Z'),
      r('EUR/USD', '1.20', '2026-11-03T16:00:00Z'),
    ]);
    expect(convert('100', 'EUR', 'USD', '2026-11-02T09:00:00Z', rates)).toMatchObject({ amount: '110' });
    expect(convert('100', 'EUR', 'USD', '2026-11-03T16:00:00Z', rates)).toMatchObject({ amount: '120' });
    expect(convert('100', 'EUR', 'USD', '2026-10-31T09:00:00Z', rates)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no EUR→USD exchange rate/),
    });
  });

  it('flags a rate older than the limit as stale, with its age', () => {
    const rates = memoryRates([r('EUR/USD', '1.10', '2026-11-01T00:00:00Z')]);
    const fresh = convert('100', 'EUR', 'USD', '2026-11-03T23:00:00Z', rates, 72);
    const stale = convert('100', 'EUR', 'USD', '2026-11-04T01:00:00Z', rates, 72);
    expect(fresh).toMatchObject({ ok: true, stale: false });
    expect(stale).toMatchObject({ ok: true, stale: true });
    expect(stale.ok && stale.rates[0]?.ageHours).toBe(73);
  });

  it('inverts a quotation and bridges through USD or EUR, recording every rate', () => {
    const rates = memoryRates([
      r('USD/EUR', '0.8', '2026-11-01T00:00:00Z'),
      r('EUR/SGD', '1.5', '2026-11-01T00:00:00Z'),
    ]);
    expect(convert('80', 'EUR', 'USD', '2026-11-02T00:00:00Z', rates)).toMatchObject({
      amount: '100',
      rates: [{ direction: 'inverse' }],
    });
    const bridged = convert('100', 'USD', 'SGD', '2026-11-02T00:00:00Z', rates);
    expect(bridged).toMatchObject({ ok: true, amount: '120' });
    expect(bridged.ok && bridged.rates.map((x) => `${x.base}/${x.quote}`)).toEqual(['USD/EUR', 'EUR/SGD']);
  });

  it('needs no rate within one currency', () => {
    expect(convert('12.5', 'CHF', 'CHF', '2026-11-02T00:00:00Z', memoryRates([]))).toMatchObject({
      ok: true,
      amount: '12.5',
      rates: [],
    });
  });
});

describe('rates CSV', () => {
  it('keeps good lines and names each bad one with its line number', () => {
    const r2 = parseRatesCsv(
      [
        'pair,rate,as_of,source',
        'EUR/USD,1.0845,2026-11-20T16:00:00Z,ECB',
        'EURUSD,1.08,2026-11-20,ECB',
        'EUR/USD,-1,2026-11-20,ECB',
        'EUR/USD,1.08,yesterday,ECB',
        'EUR/GBP,0.85,2026-11-20,',
        'EUR/CHF,0.94,2026-11-20',
      ].join('\n'),
    );
    expect(r2.rates).toEqual([
      { base: 'EUR', quote: 'USD', rate: '1.0845', asOf: '2026-11-20T16:00:00.000Z', source: 'ECB' },
    ]);
    expect(r2.rejected.map((x) => x.line)).toEqual([3, 4, 5, 6, 7]);
    expect(r2.rejected[0]?.reason).toMatch(/not BASE\/QUOTE/);
    expect(r2.rejected[3]?.reason).toMatch(/source is empty/);
  });

  it('reads quoted cells that hold commas and quotes, CRLF line ends, and # notes (RFC 4180)', () => {
    const r = parseRatesCsv(
      [
        '# rates for the audit, fixing of 20 Nov',
        'pair,rate,as_of,source',
        '"EUR/USD","1.0845",2026-11-20T16:00:00Z,"ECB, euro foreign exchange reference rates"',
        'GBP/USD,1.27,2026-11-20,"Bank of England ""spot"" #3"',
        '',
      ].join('\r\n'),
    );
    expect(r.rejected).toEqual([]);
    expect(r.rates.map((x) => x.source)).toEqual([
      'ECB, euro foreign exchange reference rates',
      'Bank of England "spot" #3',
    ]);
  });

  it('names the line where a quote is never closed, and keeps the records before it', () => {
    const r = parseRatesCsv(
      ['EUR/USD,1.08,2026-11-20,ECB', 'EUR/GBP,0.85,2026-11-20,"ECB', 'EUR/CHF,0.94,2026-11-20,ECB'].join('\n'),
    );
    expect(r.rates.map((x) => x.quote)).toEqual(['USD']);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]?.reason).toMatch(/not readable as CSV/);
    expect(r.rejected[0]?.line).toBeGreaterThanOrEqual(2);
  });
});
