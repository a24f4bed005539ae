import { ListFormatError } from '../types';

/** RFC 4180 records with the line each starts on. Quoted cells may hold commas, quotes and newlines. */
export function parseCsv(text: string, file: string): { line: number; cells: string[] }[] {
  const out: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let cellStart = 1;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '')) out.push({ line: start, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        // A closing quote is followed by a delimiter, a line break or the end; anything else means the
        // cell was never properly closed where it began.
        const next = text[i + 1];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new ListFormatError(`${file}:${cellStart}`, 'a quoted cell is never closed');
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"') {
      if (cell.trim() !== '') throw new ListFormatError(`${file}:${line}`, 'a quote in the middle of an unquoted cell');
      cell = '';
      quoted = true;
      cellStart = line;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else cell += ch;
    i++;
  }
  if (quoted) throw new ListFormatError(`${file}:${start}`, 'a quoted cell is never closed');
  if (cell !== '' || cells.length) endRecord();
  return out;
}
