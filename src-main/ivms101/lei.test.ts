import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidLeiChecksum, LEI_PATTERN, leiCheckDigits, withLeiCheckDigits } from './lei';

// ISO 17442 check digits (ISO 7064 MOD 97-10); the char-code fast path must agree with the digit-string
// definition the standard gives (letters become two digits, A=10 … Z=35).
const reference = (s: string) => {
  const digits = [...s].map((c) => (c >= 'A' && c <= 'Z' ? String(c.charCodeAt(0) - 55) : c)).join('');
  return Number(BigInt(digits) % 97n);
};

describe('LEI check digits (ISO 17442, ISO 7064 MOD 97-10)', () => {
  it("accepts GLEIF's own LEI and refuses it with one character changed", () => {
    expect(isValidLeiChecksum('506700GE1G29325QX363')).toBe(true);
    expect(isValidLeiChecksum('506700GE1G29325QX364')).toBe(false);
    expect(isValidLeiChecksum('506700GE1G29325QY363')).toBe(false);
  });

  it('computes check digits that satisfy the standard, for bases mixing letters and digits', () => {
    for (const base of ['506700GE1G29325QX3', 'ZZZZZZZZZZZZZZZZZZ', '000000000000000000', 'A1B2C3D4E5F6G7H8I9']) {
      const lei = withLeiCheckDigits(base);
      expect(reference(lei)).toBe(1);
      expect(isValidLeiChecksum(lei)).toBe(true);
      expect(leiCheckDigits(base.toLowerCase())).toBe(lei.slice(18));
    }
  });

  it('answers as the pattern and the digit-string definition do, on near-LEIs and valid ones', () => {
    const near = fc.stringMatching(/^[0-9A-Za-z_ -]{18,22}$/);
    const valid = fc.stringMatching(/^[0-9A-Z]{18}$/).map(withLeiCheckDigits);
    const oneOff = valid.chain((lei) =>
      fc
        .tuple(fc.nat(19), fc.constantFrom(...'0123456789AZaz-'))
        .map(([i, c]) => lei.slice(0, i) + c + lei.slice(i + 1)),
    );
    fc.assert(
      fc.property(fc.oneof(near, valid, oneOff), (s) => {
        expect(isValidLeiChecksum(s)).toBe(LEI_PATTERN.test(s) && reference(s) === 1);
      }),
      { numRuns: 3000 },
    );
  });
});
