import { createHash } from 'node:crypto';
import { AppError } from '../../src-shared/result';
import { canonicalJson } from '../audit/canonical-json';
import { appendAudit } from '../audit/chain';
import { retentionYears, type RulePack } from '../rules/pack';
import type { ReadableDB, WritableDB } from '../store/db';

// Personal data leaves when its retention period ends. A case's period runs from its record date
// (the later of the transfer, the backend's last change and our last decision) for the longest
// period of the jurisdictions involved: ours and the counterparty's (the stricter side wins, as for
// thresholds). Open cases, cases on legal hold and cases with a decision not yet synced stay.
// What remains is a tombstone and an audit event carrying the SHA-256 of what was removed.

export const DEFAULT_RETENTION_YEARS = 5;
/** States in which nothing more will happen to a case. */
export const CLOSED_STATUSES = [
  'accepted',
  'rejected',
  'counterparty_rejected',
  'completed',
  'expired',
  'canceled',
] as const;

export interface RetentionContext {
  pack: RulePack;
  homeJurisdiction: string;
  /** YYYY-MM-DD */
  today: string;
}

export interface RetentionItem {
  caseId: string;
  status: string;
  counterpartyJurisdiction: string | null;
  transferTime: string;
  recordDate: string;
  retentionYears: number;
  expiresOn: string;
}

export interface RetentionPlan {
  today: string;
  /** Expired and free to purge. */
  expired: RetentionItem[];
  /** Expired but on legal hold: kept. */
  held: RetentionItem[];
  /** Expired but a decision has not reached the backend yet: kept until it has. */
  unsynced: RetentionItem[];
}

export interface PurgeReport extends Omit<RetentionPlan, 'expired'> {
  purged: { caseId: string; removedDigest: string; auditSeq: number }[];
  dryRun: boolean;
}

export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // 29 February + n years lands on 28 February when that year has no 29th.
  const t = new Date(Date.UTC(y + years, m - 1, d));
  if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
  return t.toISOString().slice(0, 10);
}

export function yearsFor(ctx: RetentionContext, counterpartyJurisdiction: string | null): number {
  const of = (cc: string) => retentionYears(ctx.pack, cc) ?? DEFAULT_RETENTION_YEARS;
  return Math.max(of(ctx.homeJurisdiction), counterpartyJurisdiction ? of(counterpartyJurisdiction) : 0);
}

export function planRetention(db: ReadableDB, ctx: RetentionContext): RetentionPlan {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ctx.today))
    throw new AppError('invalid_input', `Retention: today must be YYYY-MM-DD, got ${ctx.today}.`);
  // No period is shorter than the shortest in the pack: anything newer cannot have expired.
  const shortest = Math.min(DEFAULT_RETENTION_YEARS, ...[...ctx.pack.files.values()].map((f) => f.retentionYears));
  const cutoff = addYears(ctx.today, -shortest);
  // Every time on the cutoff day sorts below `${cutoff}T99`.
  const rows = db
    .prepare(
      `SELECT c.id, c.status, c.counterparty_jurisdiction AS cj, c.transfer_time AS tt, c.updated_at AS ua,
              (SELECT max(decided_at) FROM decisions d WHERE d.case_id = c.id) AS da,
              EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = c.id) AS held,
              EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.id AND o.state = 'pending') AS unsynced
       FROM cases c
       WHERE c.status IN (${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')}) AND c.transfer_time < @cutoff
       ORDER BY c.transfer_time, c.id`,
    )
    .iterate({ cutoff: `${cutoff}T99` }) as IterableIterator<{
    id: string;
    status: string;
    cj: string | null;
    tt: string;
    ua: string;
    da: string | null;
    held: number;
    unsynced: number;
  }>;
  const plan: RetentionPlan = { today: ctx.today, expired: [], held: [], unsynced: [] };
  for (const r of rows) {
    const recordDate = [r.tt, r.ua, r.da ?? ''].reduce((a, b) => (b > a ? b : a)).slice(0, 10);
    const years = yearsFor(ctx, r.cj);
    const expiresOn = addYears(recordDate, years);
    if (expiresOn > ctx.today) continue;
    const item: RetentionItem = {
      caseId: r.id,
      status: r.status,
      counterpartyJurisdiction: r.cj,
      transferTime: r.tt,
      recordDate,
      retentionYears: years,
      expiresOn,
    };
    (r.held ? plan.held : r.unsynced ? plan.unsynced : plan.expired).push(item);
  }
  return plan;
}

/** Tables holding a case's data, each with the column naming the case. Add new ones here. */
const CASE_TABLES: readonly { table: string; column: string }[] = [
  { table: 'ivms101_versions', column: 'case_id' }, // the record as received and its repairs
  { table: 'case_notes', column: 'case_id' },
  { table: 'decision_proposals', column: 'case_id' },
  { table: 'mail_messages', column: 'case_id' }, // attachments go with their message (ON DELETE CASCADE)
  { table: 'legal_holds', column: 'case_id' },
  { table: 'conflicts', column: 'case_id' },
  { table: 'outbox', column: 'case_id' },
  { table: 'decisions', column: 'case_id' },
  { table: 'case_check_versions', column: 'case_id' }, // superseded check results
  { table: 'case_checks', column: 'case_id' },
];

/**
 * Removes the personal data of every expired case (or, dry, only says which). Each case goes in its
 * own transaction: a failure stops the run but leaves every purged case complete and every other
 * case untouched.
 */
export function purgeExpired(
  db: WritableDB,
  ctx: RetentionContext,
  o: { actor: string; dryRun: boolean; now?: string },
): PurgeReport {
  const plan = planRetention(db, ctx);
  const report: PurgeReport = {
    today: plan.today,
    held: plan.held,
    unsynced: plan.unsynced,
    purged: [],
    dryRun: o.dryRun,
  };
  if (o.dryRun) {
    report.purged = plan.expired.map((i) => ({ caseId: i.caseId, removedDigest: '', auditSeq: 0 }));
    return report;
  }
  const now = o.now ?? new Date().toISOString();
  // Deleted pages are overwritten, not just unlinked (the database is encrypted, but whoever holds the key should not find them either).
  db.pragma('secure_delete = ON');
  for (const item of plan.expired) {
    const done = db.transaction(() => {
      const removed: Record<string, unknown> = {
        case: db.prepare('SELECT * FROM cases WHERE id = ?').get(item.caseId),
      };
      if (!removed.case) return null; // gone meanwhile
      for (const t of CASE_TABLES)
        removed[t.table] = db.prepare(`SELECT * FROM ${t.table} WHERE ${t.column} = ? ORDER BY rowid`).all(item.caseId);
      const removedDigest = createHash('sha256').update(canonicalJson(removed), 'utf8').digest('hex');
      const last = db
        .prepare(
          'SELECT kind, decided_at FROM decisions WHERE case_id = ? ORDER BY decided_at DESC, rowid DESC LIMIT 1',
        )
        .get(item.caseId) as { kind: string; decided_at: string } | undefined;
      for (const t of CASE_TABLES) db.prepare(`DELETE FROM ${t.table} WHERE ${t.column} = ?`).run(item.caseId);
      db.prepare('DELETE FROM cases WHERE id = ?').run(item.caseId);
      const event = appendAudit(db, {
        actor: o.actor,
        action: 'retention.purged',
        caseId: item.caseId,
        payload: {
          removedDigest,
          recordDate: item.recordDate,
          retentionYears: item.retentionYears,
          expiredOn: item.expiresOn,
        },
        at: now,
      });
      db.prepare(
        `INSERT INTO retention_tombstones (case_id, direction, status, counterparty_jurisdiction, transfer_time, record_date, retention_years, expired_on, decision_kind, decided_at, removed_digest, purged_at, audit_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        item.caseId,
        (removed.case as { direction: string }).direction,
        item.status,
        item.counterpartyJurisdiction,
        item.transferTime,
        item.recordDate,
        item.retentionYears,
        item.expiresOn,
        last?.kind ?? null,
        last?.decided_at ?? null,
        removedDigest,
        now,
        event.seq,
      );
      return { caseId: item.caseId, removedDigest, auditSeq: event.seq };
    })();
    if (done) report.purged.push(done);
  }
  if (report.purged.length) {
    db.transaction(() =>
      appendAudit(db, {
        actor: o.actor,
        action: 'retention.purge_run',
        payload: {
          purged: report.purged.length,
          held: plan.held.length,
          unsynced: plan.unsynced.length,
          today: ctx.today,
        },
        at: now,
      }),
    )();
    // Old page images in the write-ahead log go too.
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return report;
}
