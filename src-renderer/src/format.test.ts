import { describe, expect, it } from 'vitest';
import { LOCALE, money } from './format';

// money() keeps one Intl.NumberFormat per currency (building one per cell was most of a queue render):
// what it writes must be what a formatter made for that very currency writes, whatever came before.
describe('money', () => {
  const fresh = (amount: string, currency: string) =>
    new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).format(Number(amount));

  it('writes each currency as its own formatter does, in any order of calls', () => {
    const calls: [string, string][] = [
      ['12345.5', 'EUR'],
      ['0.01', 'USD'],
      ['12345.5', 'JPY'],
      ['99.999', 'EUR'],
      ['1000000', 'GBP'],
      ['7', 'USD'],
    ];
    for (const [amount, currency] of [...calls, ...calls.reverse()])
      expect(money(amount, currency), `${amount} ${currency}`).toBe(fresh(amount, currency));
  });

  it('writes a missing value as a dash and a value without a well-formed code as a plain decimal', () => {
    expect(money(null, 'EUR')).toBe('—');
    expect(money('', 'EUR')).toBe('—');
    expect(money('1234.5', null)).toBe(money('1234.5', undefined));
    expect(money('1234.5', 'eur')).not.toMatch(/eur|€/i);
    expect(money('1234.5', 'EURO')).not.toMatch(/EURO|€/);
  });
});
