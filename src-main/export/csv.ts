// RFC 4180 CSV that a spreadsheet cannot execute. A cell that starts with = + - @ (or a tab or
// carriage return, which some spreadsheets strip before looking) is prefixed with an apostrophe:
// OWASP's advice for CSV injection. The apostrophe shows; the formula never runs.
// Spreadsheets also skip leading spaces (and other whitespace) before looking, and some read the
// full-width forms ＝ ＋ － ＠ as the ASCII ones, so those starts are neutralised too.

const FORMULA_START = /^[\s\u200b\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

export type CsvValue = string | number | boolean | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'string' ? value : String(value);
  // Numbers we write ourselves are data, not formulas: "-5" from a number stays a number.
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}
