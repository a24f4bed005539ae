import type { Dashboard } from '../../src-shared/contract';
import { OPEN_STATUSES } from '../../src-shared/domain';
import { AppError } from '../../src-shared/result';
import type { ReadableDB } from '../store/db';

// The supervisor's view: volumes, SLA breaches and rejection rates. Each figure is one indexed
// aggregate over a bounded window, so it stays quick at a million cases.

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
  const open = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
  const slaBreaches = db
    .prepare(
      `SELECT status, count(*) AS count FROM cases WHERE status IN (${open}) AND arrived_at < @cutoff ${mine}
       GROUP BY status ORDER BY status`,
    )
    .all({ cutoff, analyst: o.analyst ?? null }) as { status: string; count: number }[];
  const byAnalyst = analystFigures(db, { cutoff, from: fromDay, end, analyst: o.analyst ?? null });

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

/**
 * Per analyst: the open cases assigned to them, how many of those are past the SLA (from arrival), and
 * the decisions they took in the range. Unassigned open cases are one row with analyst null.
 */
function analystFigures(
  db: ReadableDB,
  p: { cutoff: string; from: string; end: string; analyst: string | null },
): Dashboard['byAnalyst'] {
  const open = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
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
  for (const r of db
    .prepare(
      `SELECT assigned_to AS analyst, count(*) AS open, sum(arrived_at < @cutoff) AS breached FROM cases
       WHERE status IN (${open}) ${only ? 'AND assigned_to = @analyst' : ''} GROUP BY assigned_to`,
    )
    .all(p) as { analyst: string | null; open: number; breached: number }[]) {
    Object.assign(get(r.analyst), { open: r.open, breached: r.breached });
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
