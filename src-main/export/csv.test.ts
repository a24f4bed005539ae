import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv';

describe('CSV cells', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ["+1+cmd|' /C calc'!A0", `'+1+cmd|' /C calc'!A0`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `"'\r=1+1"`],
    [' =1+1', `' =1+1`],
    ['   @SUM(A1)', `'   @SUM(A1)`],
    ['\n-2+3', `"'\n-2+3"`],
    ['\u00a0+1', `'\u00a0+1`],
    ['\u3000=1', `'\u3000=1`],
    ['＝HYPERLINK("http://evil.example")', `"'＝HYPERLINK(""http://evil.example"")"`],
    ['＋1', `'＋1`],
    ['－2', `'－2`],
    ['＠SUM(A1)', `'＠SUM(A1)`],
    [' ＝1', `' ＝1`],
  ])('neutralises the formula %j', (input, expected) => {
    const cell = csvCell(input);
    expect(cell).toBe(expected);
    // Whatever the quoting, the value a spreadsheet sees never starts with a formula character.
    const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
    expect(unquoted[0]).toBe("'");
  });

  it('leaves ordinary text, numbers and inner formula characters alone', () => {
    expect(csvCell('Müller, Anna')).toBe('"Müller, Anna"');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('ООО "Ромашка"')).toBe('"ООО ""Ромашка"""');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell(' leading space')).toBe('" leading space"');
    expect(csvCell('ＡＢＣ＝')).toBe('ＡＢＣ＝');
  });

  it('ends rows with CRLF as RFC 4180 says', () => {
    expect(csvRow(['a', 1, null, '=x'])).toBe("a,1,,'=x\r\n");
  });
});
