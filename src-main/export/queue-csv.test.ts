import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases, withNames, workstationWith } from '../../test/support/export';
import { tempDir } from '../../test/support/temp';
import type { Workstation } from '../app/workstation';
import { countCases, listCases } from '../store/cases';
import { queueCsv, queueCsvFileName } from './queue-csv';

// Issue 18 point 13, on a real SQLCipher database: the queue's CSV holds every case the filter matches
// (not the page on screen), in the queue's order, and a name that reads as a formula is written so that
// no spreadsheet runs it (the export's csv.ts rules).
let t: ReturnType<typeof tempDir>;
let ws: Workstation;
const ctx = { now: '2026-12-01T00:00:00.000Z', slaHours: 24 };

beforeAll(async () => {
  t = tempDir();
  const all = cases(1400, { seed: 13 });
  const deposit = all.findIndex((c) => c.direction === 'deposit' && c.ivms101 && c.walletType === 'hosted');
  all[deposit] = withNames(all[deposit]!, 'originator', ['=HYPERLINK("http://x")', '+Evil'], ['@SUM(A1)', '-1']);
  ws = await workstationWith(t.dir, all);
}, 60_000);
afterAll(() => {
  ws?.close();
  t?.cleanup();
});

/** Minimal RFC 4180 reader for the test: quoted cells with doubled quotes, CRLF rows. */
function parse(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i]!;
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && csv[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('the queue as CSV', () => {
  it('holds every matching case in the sort order, past the first page, with formula cells escaped', () => {
    const db = ws.database();
    const filter = { direction: 'deposit' as const };
    const sort = { column: 'fiatAmount' as const, direction: 'desc' as const };
    const total = countCases(db, filter, ctx);
    expect(total).toBeGreaterThan(500); // more than one page of the writer
    const rows = parse([...queueCsv(db, { filter, sort }, ctx)].join(''));
    expect(rows[0]?.slice(0, 5)).toEqual(['case_id', 'transfer_time_utc', 'arrived_utc', 'sla_due_utc', 'status']);
    const want = listCases(db, { offset: 0, limit: 500, sort, filter }, ctx)
      .concat(listCases(db, { offset: 500, limit: 500, sort, filter }, ctx))
      .map((c) => c.id);
    expect(rows.slice(1).map((r) => r[0])).toEqual(want);
    expect(want).toHaveLength(total);
    const originator = rows[0]!.indexOf('originator');
    const evil = rows.find((r) => r[originator]?.includes('HYPERLINK'));
    expect(evil?.[originator]).toBe('\'+Evil =HYPERLINK("http://x")');
    for (const r of rows.slice(1)) for (const cell of r) expect(cell).not.toMatch(/^[\s]*[=+@]/);
  });

  it('names its file by the time it was made (UTC)', () => {
    expect(queueCsvFileName(new Date('2026-11-29T21:05:09.123Z'))).toBe('waybill-queue-20261129-210509.csv');
  });
});
