import { MAX_QUEUE_CSV_ROWS } from '../../src-shared/contract';
import { OPEN_STATUSES, type CaseSummary, type QueueFilter, type QueueSortColumn } from '../../src-shared/domain';
import { AppError } from '../../src-shared/result';
import { countCases, listCases, type FilterContext } from '../store/cases';
import type { ReadableDB } from '../store/db';
import { csvRow } from './csv';

// The queue as CSV (issue 18 point 13): every case the analyst's filter matches, in their sort order,
// not only the page on screen. Rows are read a page at a time and written as they come, through the
// same formula-safe cells as the export bundles (csv.ts): a name like "=HYPERLINK(…)" never runs.

const PAGE = 500;

const COLUMNS: [string, (c: CaseSummary, slaDue: string | null) => string | number | null][] = [
  ['case_id', (c) => c.id],
  ['transfer_time_utc', (c) => c.transferTime],
  ['arrived_utc', (c) => c.arrivedAt],
  ['sla_due_utc', (_c, due) => due],
  ['status', (c) => c.status],
  ['direction', (c) => c.direction],
  ['asset', (c) => c.asset],
  ['network', (c) => c.network],
  ['amount', (c) => c.amount],
  ['value', (c) => c.fiatAmount],
  ['value_currency', (c) => c.fiatCurrency],
  ['originator', (c) => c.originatorName],
  ['beneficiary', (c) => c.beneficiaryName],
  ['counterparty', (c) => c.counterpartyName],
  ['counterparty_jurisdiction', (c) => c.counterpartyJurisdiction],
  ['travel_rule', (c) => c.travelRuleOutcome],
  ['ivms101', (c) => c.ivms101Outcome],
  ['sanctions', (c) => c.screeningOutcome],
  ['risk_score', (c) => c.riskScore],
  ['analyst', (c) => c.assignedTo],
];

export interface QueueCsvQuery {
  filter: QueueFilter;
  sort: { column: QueueSortColumn; direction: 'asc' | 'desc' };
}

/** The CSV's lines, header first, a page of cases at a time. Refuses, before writing, a selection over the row cap. */
export function* queueCsv(db: ReadableDB, q: QueueCsvQuery, ctx: FilterContext): Generator<string> {
  const total = countCases(db, q.filter, ctx);
  if (total > MAX_QUEUE_CSV_ROWS)
    throw new AppError(
      'invalid_input',
      `The filter matches ${total} cases; a queue CSV holds at most ${MAX_QUEUE_CSV_ROWS}. Narrow the filter, or use a signed export.`,
    );
  yield csvRow(COLUMNS.map(([name]) => name));
  const slaMs = ctx.slaHours * 3600_000;
  const open = new Set<string>(OPEN_STATUSES);
  for (let offset = 0; offset < total; offset += PAGE) {
    const rows = listCases(db, { offset, limit: PAGE, sort: q.sort, filter: q.filter }, ctx, total);
    for (const c of rows) {
      // The SLA binds open cases only; a decided one has no deadline left.
      const due = open.has(c.status) ? new Date(Date.parse(c.arrivedAt) + slaMs).toISOString() : null;
      yield csvRow(COLUMNS.map(([, value]) => value(c, due)));
    }
    if (rows.length < PAGE) break;
  }
}

/** A file name for the queue's CSV at `now`: waybill-queue-YYYYMMDD-HHMMSS.csv (UTC). */
export function queueCsvFileName(now: Date): string {
  return `waybill-queue-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}.csv`;
}
