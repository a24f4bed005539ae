// ISO 17442 LEI: 18 alphanumerics and 2 check digits under ISO 7064 MOD 97-10.

export const LEI_PATTERN = /^[0-9A-Z]{18}[0-9]{2}$/;

/** MOD 97-10 over digits and A-Z (A=10 … Z=35) by char codes; anything else takes the general path. */
function mod97(s: string): number {
  let rem = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return mod97General(s);
  }
  return rem;
}

function mod97General(s: string): number {
  let rem = 0;
  for (const ch of s) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem;
}

export function leiCheckDigits(base18: string): string {
  return String(98 - mod97(base18.toUpperCase() + '00')).padStart(2, '0');
}

export const withLeiCheckDigits = (base18: string): string => base18.toUpperCase() + leiCheckDigits(base18);

/**
 * LEI_PATTERN and MOD 97-10 in one pass over the char codes (issue 21: the regex call cost more
 * than the arithmetic). The remainder is reduced only when it could overflow int32 on the next
 * step: (a·k + b) mod 97 is the same whether a was reduced first or not.
 */
export function isValidLeiChecksum(lei: string): boolean {
  if (lei.length !== 20) return false;
  let rem = 0;
  for (let i = 0; i < 20; i++) {
    const c = lei.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = rem * 10 + (c - 48);
    else if (i < 18 && c >= 65 && c <= 90) rem = rem * 100 + (c - 55);
    else return false;
    if (rem >= 1000000) rem %= 97;
  }
  return rem % 97 === 1;
}
