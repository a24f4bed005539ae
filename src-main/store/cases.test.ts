import { describe, expect, it } from 'vitest';
import { toMinorUnits } from './cases';

describe('toMinorUnits', () => {
  it.each([
    ['0', 0],
    ['1000', 100000],
    ['999.99', 99999],
    ['1000.005', 100000],
    ['0.1', 10],
    ['12345678901.23', 1234567890123],
  ])('%s → %i cents, exactly', (input, cents) => expect(toMinorUnits(input)).toBe(cents));
  it('rejects what is not a decimal', () => expect(toMinorUnits('1e3')).toBeNull());
});
