import type { Dashboard } from '../../src-shared/contract';
import { OPEN_STATUSES } from '../../src-shared/domain';
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

export function dashboard(db: ReadableDB, o: { now: Date; slaHours: number }): Dashboard {
  const today = new Date(Date.UTC(o.now.getUTCFullYear(), o.now.getUTCMonth(), o.now.getUTCDate()));
  const from = new Date(today.getTime() - 29 * DAY);
  const days = Array.from({ length: 30 }, (_, i) => new Date(from.getTime() + i * DAY).toISOString().slice(0, 10));
  const vol = new Map(days.map((d) => [d, { day: d, withdrawals: 0, deposits: 0 }]));
  for (const r of db
    .prepare(
      `SELECT substr(transfer_time, 1, 10) AS day, direction, count(*) AS n FROM cases WHERE transfer_time >= ? GROUP BY day, direction`,
    )
    .all(from.toISOString().slice(0, 10)) as { day: string; direction: string; n: number }[]) {
    const v = vol.get(r.day);
    if (v) v[r.direction === 'withdrawal' ? 'withdrawals' : 'deposits'] += r.n;
  }
  const cutoff = new Date(o.now.getTime() - o.slaHours * 3600_000).toISOString();
  const open = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');
  const slaBreaches = db
    .prepare(
      `SELECT status, count(*) AS count FROM cases WHERE status IN (${open}) AND created_at < ? GROUP BY status ORDER BY status`,
    )
    .all(cutoff) as { status: string; count: number }[];

  const firstWeek = new Date(Date.parse(weekStart(o.now)) - 11 * 7 * DAY);
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
    .prepare('SELECT decided_at, kind FROM decisions WHERE decided_at >= ?')
    .iterate(firstWeek.toISOString()) as IterableIterator<{ decided_at: string; kind: string }>) {
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
    byStatus: db.prepare('SELECT status, count(*) AS count FROM cases GROUP BY status ORDER BY count DESC').all() as {
      status: string;
      count: number;
    }[],
    // Answered from the travel-rule index (migration 0012): one entry per outcome.
    byTravelRule: db
      .prepare(
        'SELECT travel_rule_outcome AS outcome, count(*) AS count FROM cases GROUP BY travel_rule_outcome ORDER BY count DESC',
      )
      .all() as { outcome: string | null; count: number }[],
    volume: [...vol.values()],
    slaBreaches,
    slaBreachTotal: slaBreaches.reduce((a, b) => a + b.count, 0),
    decisions: [...dec.values()],
  };
}
