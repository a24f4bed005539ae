import type { Dashboard } from '../../src-shared/contract';
import { OPEN_STATUSES } from '../../src-shared/domain';
import { AppError } from '../../src-shared/result';
import type { ReadableDB } from '../store/db';

// The supervisor's view: volumes, SLA breaches and rejection rates. Each figure is an indexed aggregate
// over a bounded window or a sum over queue_counts, so it stays quick at a million cases (bench/dashboard.ts:
// 23 ms, against 592 when the SLA figures counted every open case, 1 Dec 2026).

const DAY = 86_400_000;

/** Monday of the ISO week containing `t`, as YYYY-MM-DD. */
export function weekStart(t: Date): string {
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** The longest date range the dashboard draws day by day. */
export const MAX_RANGE_DAYS = 366;

export interface DashboardOptions {
  now: Date;
  slaHours: number;
  /** First and last day (UTC, YYYY-MM-DD) of the volume and decision figures; the last 30 days by default. */
  from?: string;
  to?: string;
  /** Only this analyst's cases (assigned to them) and decisions (taken by them). */
  analyst?: string;
}

export function dashboard(db: ReadableDB, o: DashboardOptions): Dashboard {
  const today = new Date(Date.UTC(o.now.getUTCFullYear(), o.now.getUTCMonth(), o.now.getUTCDate()));
  const to = o.to ? new Date(`${o.to}T00:00:00.000Z`) : today;
  const from = o.from ? new Date(`${o.from}T00:00:00.000Z`) : new Date(to.getTime() - 29 * DAY);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
    throw new AppError('invalid_input', 'The dashboard range needs two dates as YYYY-MM-DD.');
  const length = Math.round((to.getTime() - from.getTime()) / DAY) + 1;
  if (length < 1) throw new AppError('invalid_input', `The range ends (${o.to}) before it starts (${o.from}).`);
  if (length > MAX_RANGE_DAYS)
    throw new AppError('invalid_input', `The range is ${length} days; the dashboard shows at most ${MAX_RANGE_DAYS}.`);
  const fromDay = from.toISOString().slice(0, 10);
  const toDay = to.toISOString().slice(0, 10);
  const end = new Date(to.getTime() + DAY).toISOString();
  const days = Array.from({ length }, (_, i) => new Date(from.getTime() + i * DAY).toISOString().slice(0, 10));
  const vol = new Map(days.map((d) => [d, { day: d, withdrawals: 0, deposits: 0 }]));
  const mine = o.analyst ? 'AND assigned_to = @analyst' : '';
  const params = { from: fromDay, end, analyst: o.analyst ?? null };
  for (const r of db
    .prepare(
      `SELECT substr(transfer_time, 1, 10) AS day, direction, count(*) AS n FROM cases
       WHERE transfer_time >= @from AND transfer_time < @end ${mine} GROUP BY day, direction`,
    )
    .all(params) as { day: string; direction: string; n: number }[]) {
    const v = vol.get(r.day);
    if (v) v[r.direction === 'withdrawal' ? 'withdrawals' : 'deposits'] += r.n;
  }
  // The SLA runs from arrival in the workstation (migration 0015), not from the transfer's creation.
  const cutoff = new Date(o.now.getTime() - o.slaHours * 3600_000).toISOString();
  const open = openWithinSla(db, cutoff, o.analyst ?? null);
  const breachedBy = new Map<string, number>();
  for (const r of open) breachedBy.set(r.status, (breachedBy.get(r.status) ?? 0) + r.breached);
  const slaBreaches = [...breachedBy]
    .filter(([, count]) => count > 0)
    .map(([status, count]) => ({ status, count }))
    .sort((a, b) => (a.status < b.status ? -1 : 1));
  const byAnalyst = analystFigures(db, open, { from: fromDay, end, analyst: o.analyst ?? null });

  const firstWeek = new Date(Date.parse(weekStart(to)) - 11 * 7 * DAY);
  const weeks = Array.from({ length: 12 }, (_, i) =>
    new Date(firstWeek.getTime() + i * 7 * DAY).toISOString().slice(0, 10),
  );
  const dec = new Map(
    weeks.map((w) => [
      w,
      { week: w, accept: 0, reject: 0, requestInformation: 0, rejectionRate: null as number | null },
    ]),
  );
  for (const r of db
    .prepare(
      `SELECT decided_at, kind FROM decisions WHERE decided_at >= @start ${o.analyst ? 'AND analyst = @analyst' : ''}`,
    )
    .iterate({ start: firstWeek.toISOString(), analyst: o.analyst ?? null }) as IterableIterator<{
    decided_at: string;
    kind: string;
  }>) {
    const w = dec.get(weekStart(new Date(r.decided_at)));
    if (!w) continue;
    if (r.kind === 'accept') w.accept++;
    else if (r.kind === 'reject') w.reject++;
    else w.requestInformation++;
  }
  for (const w of dec.values()) {
    const total = w.accept + w.reject + w.requestInformation;
    w.rejectionRate = total ? w.reject / total : null;
  }
  return {
    asOf: o.now.toISOString(),
    slaHours: o.slaHours,
    range: { from: fromDay, to: toDay },
    analyst: o.analyst ?? null,
    // Totals from queue_counts (cases per combination of values, kept by triggers in each write's
    // transaction, migration 0018): a sum over its rows, not a count over every case (migration 0021).
    byStatus: db
      .prepare(`SELECT status, sum(n) AS count FROM queue_counts WHERE 1 ${mine} GROUP BY status ORDER BY count DESC`)
      .all({ analyst: o.analyst ?? null }) as {
      status: string;
      count: number;
    }[],
    byAnalyst,
    byTravelRule: db
      .prepare(
        'SELECT travel_rule_outcome AS outcome, sum(n) AS count FROM queue_counts GROUP BY travel_rule_outcome ORDER BY count DESC',
      )
      .all() as { outcome: string | null; count: number }[],
    volume: [...vol.values()],
    slaBreaches,
    slaBreachTotal: slaBreaches.reduce((a, b) => a + b.count, 0),
    decisions: [...dec.values()],
  };
}

/** Open cases and those past the SLA, per status and analyst (see openWithinSla). */
interface OpenCases {
  status: string;
  analyst: string | null;
  open: number;
  breached: number;
}

/**
 * The open cases per status and analyst, and how many of them arrived before `cutoff` (past the SLA).
 * The open ones are summed from queue_counts (kept by triggers in each write's transaction, migration
 * 0018). Those past the SLA are counted on the arrival index from whichever side of the cutoff is the
 * smaller, so the count walks about a day's arrivals, not every open case (245 ms at a million cases,
 * and as many again for the per-analyst figures, 1 Dec 2026): the arrivals before it, or all open cases
 * less those that arrived since (or have no arrival time: `arrived_at < cutoff` is not true for them).
 * Rowids follow arrival (a case arrives when it is first inserted), so where the cutoff falls among them
 * says which side is smaller; a wrong guess costs time, never a wrong figure.
 */
function openWithinSla(db: ReadableDB, cutoff: string, analyst: string | null): OpenCases[] {
  const statuses = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
  const mine = analyst !== null ? 'AND assigned_to = @analyst' : '';
  const key = (status: string, who: string | null) => JSON.stringify([status, who]);
  const rows = new Map<string, OpenCases>();
  for (const r of db
    .prepare(
      `SELECT status, assigned_to AS analyst, sum(n) AS n FROM queue_counts WHERE status IN (${statuses}) ${mine}
       GROUP BY status, assigned_to`,
    )
    .all({ analyst }) as { status: string; analyst: string | null; n: number }[])
    if (r.n > 0) rows.set(key(r.status, r.analyst), { status: r.status, analyst: r.analyst, open: r.n, breached: 0 });
  const at = (
    db.prepare('SELECT rowid AS r FROM cases WHERE arrived_at >= ? ORDER BY arrived_at LIMIT 1').get(cutoff) as
      { r: number } | undefined
  )?.r;
  const last = (db.prepare('SELECT max(rowid) AS r FROM cases').get() as { r: number | null }).r ?? 0;
  const fewerBefore = at !== undefined && at < last - at;
  if (!fewerBefore) for (const row of rows.values()) row.breached = row.open;
  for (const r of db
    .prepare(
      // The arrival index by name: left to itself SQLite walked every open case by status (no statistics
      // tell it how few arrivals lie on one side of the cutoff), 223-325 ms at a million cases.
      `SELECT status, assigned_to AS analyst, count(*) AS n FROM cases INDEXED BY cases_page_by_arrived_at
       WHERE ${fewerBefore ? 'arrived_at < @cutoff' : '(arrived_at >= @cutoff OR arrived_at IS NULL)'}
         AND status IN (${statuses}) ${mine}
       GROUP BY status, assigned_to`,
    )
    .all({ cutoff, analyst }) as { status: string; analyst: string | null; n: number }[]) {
    const row = rows.get(key(r.status, r.analyst));
    if (!row) throw new Error(`queue_counts holds no open ${r.status} cases that the cases table has`);
    row.breached = fewerBefore ? r.n : row.breached - r.n;
  }
  return [...rows.values()];
}

/**
 * Per analyst: the open cases assigned to them, how many of those are past the SLA (from arrival), and
 * the decisions they took in the range. Unassigned open cases are one row with analyst null.
 */
function analystFigures(
  db: ReadableDB,
  open: OpenCases[],
  p: { from: string; end: string; analyst: string | null },
): Dashboard['byAnalyst'] {
  const rows = new Map<string | null, Dashboard['byAnalyst'][number]>();
  const get = (analyst: string | null) => {
    let r = rows.get(analyst);
    if (!r) {
      r = { analyst, open: 0, breached: 0, accepted: 0, rejected: 0, requestedInformation: 0 };
      rows.set(analyst, r);
    }
    return r;
  };
  const only = p.analyst !== null;
  for (const r of open) {
    const a = get(r.analyst);
    a.open += r.open;
    a.breached += r.breached;
  }
  for (const r of db
    .prepare(
      `SELECT analyst, kind, count(*) AS n FROM decisions WHERE decided_at >= @from AND decided_at < @end
       ${only ? 'AND analyst = @analyst' : ''} GROUP BY analyst, kind`,
    )
    .all(p) as { analyst: string; kind: string; n: number }[]) {
    const a = get(r.analyst);
    if (r.kind === 'accept') a.accepted += r.n;
    else if (r.kind === 'reject') a.rejected += r.n;
    else a.requestedInformation += r.n;
  }
  return [...rows.values()].sort((a, b) => (a.analyst ?? '\uffff').localeCompare(b.analyst ?? '\uffff'));
}
