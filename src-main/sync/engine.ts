import { caseRecordSchema, type CaseRecord } from '../../src-shared/case';
import type { EventBus } from '../platform/events';
import type { Logger } from '../platform/log';
import { appendAudit } from '../audit/chain';
import { describeIssues } from '../cases/import';
import { recheckAll, runCaseChecks, type CheckContext } from '../checks/run';
import { saveRates, type FxRate } from '../rules/fx';
import { readIvms101 } from '../ivms101/engine';
import { quarantine, upsertCase } from '../store/cases';
import type { WritableDB } from '../store/db';
import { BackendError, type BackendClient, type FeedItem } from './client';

// The workstation's working copy follows the backend: pull the changes feed by cursor in pages
// (each page, with its cursor, in one transaction), push the outbox with backoff until each entry is
// acknowledged, and follow live events with polling as the fallback. Bad items are quarantined with
// their reason; the rest of their page syncs.

export interface SyncStatus {
  configured: boolean;
  online: boolean;
  lastSyncAt: string | null;
  lastError: string | null;
  cursor: number;
  outboxDepth: number;
  conflicts: number;
  quarantined: number;
}

/** Strictly the contract's case: an unknown field is a sign of a backend we do not understand. */
const strictCase = caseRecordSchema.strict();

// Where a status sits in the lifecycle; a change to a lower rank is a case moving backwards.
const RANK: Record<string, number> = {
  pending_review: 1, escalated: 2, needs_information: 2, accepted: 3, rejected: 3, awaiting_counterparty: 4, awaiting_email_reply: 4,
  counterparty_approved: 5, counterparty_rejected: 5, awaiting_tx_hash: 6, completed: 7, expired: 7, canceled: 7,
};
/** The one way back that is part of the flow: a repaired deposit returns to review. */
const ALLOWED_BACK = new Set(['needs_information>pending_review', 'escalated>pending_review']);

export function getSetting(db: WritableDB, key: string): string | null {
  return (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null;
}
export function setSetting(db: WritableDB, key: string, value: string): void {
  db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, value);
}

export interface PullReport {
  pages: number;
  received: number;
  applied: number;
  quarantined: number;
}

export class SyncEngine {
  private stopped = true;
  private events: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pulling: Promise<PullReport> | null = null;
  private pullAgain = false;
  private pushing: Promise<number> | null = null;
  private state = { online: false, lastSyncAt: null as string | null, lastError: null as string | null };

  constructor(
    private readonly db: () => WritableDB,
    private readonly client: BackendClient,
    private readonly checks: () => CheckContext,
    private readonly bus: EventBus | null,
    private readonly log: Logger,
    private readonly pollMs = 5000,
  ) {}

  status(): SyncStatus & { configured: true } {
    const db = this.db();
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      configured: true,
      online: this.state.online,
      lastSyncAt: this.state.lastSyncAt,
      lastError: this.state.lastError,
      cursor: Number(getSetting(db, 'sync.cursor') ?? 0),
      outboxDepth: n("SELECT count(*) AS n FROM outbox WHERE state = 'pending'"),
      conflicts: n('SELECT count(*) AS n FROM conflicts WHERE resolved_at IS NULL'),
      quarantined: n("SELECT count(*) AS n FROM quarantine WHERE source = 'sync'"),
    };
  }

  /** Tells the UI the counts changed (a conflict resolved, say) without a round trip. */
  announce(): void {
    this.bus?.emit('sync.status', this.status());
  }

  private report(online: boolean, error: string | null = null) {
    const changed = online !== this.state.online || error !== this.state.lastError;
    this.state.online = online;
    this.state.lastError = error;
    if (online) this.state.lastSyncAt = new Date().toISOString();
    if (changed || online) this.bus?.emit('sync.status', this.status());
  }

  /** Judges one feed item: the case to apply, or why it is quarantined. */
  private judge(item: FeedItem, db: WritableDB): { ok: true; record: CaseRecord } | { ok: false; reason: string } {
    if (item.error) return { ok: false, reason: item.error };
    const parsed = strictCase.safeParse(item.value);
    if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error) };
    const c = parsed.data;
    const read = readIvms101(c.ivms101);
    if (!read.ok) return { ok: false, reason: `ivms101: ${read.reason}` };
    const local = db.prepare('SELECT status, version FROM cases WHERE id = ?').get(c.id) as { status: string; version: number } | undefined;
    if (local && c.version > local.version && (RANK[c.status] ?? 0) < (RANK[local.status] ?? 0) && !ALLOWED_BACK.has(`${local.status}>${c.status}`)) {
      return { ok: false, reason: `the case moves backwards in its lifecycle, from ${local.status} to ${c.status}` };
    }
    return { ok: true, record: c };
  }

  /** Pulls every page after the stored cursor. Safe to call at any time; concurrent calls share one run. */
  pull(): Promise<PullReport> {
    // A notification during a pull may concern a change that pull has already read past:
    // remember it, and go round once more when the current pull ends.
    if (this.pulling) {
      this.pullAgain = true;
      return this.pulling;
    }
    this.pulling = (async () => {
      let r: PullReport;
      do {
        this.pullAgain = false;
        r = await this.pullAll();
      } while (this.pullAgain && !this.stopped);
      return r;
    })().finally(() => {
      this.pulling = null;
    });
    return this.pulling;
  }

  private async pullAll(): Promise<PullReport> {
    const report: PullReport = { pages: 0, received: 0, applied: 0, quarantined: 0 };
    for (;;) {
      const db = this.db();
      const cursor = Number(getSetting(db, 'sync.cursor') ?? 0);
      const page = await this.client.changes(cursor);
      const at = new Date().toISOString();
      const ctx = this.checks();
      const touched: string[] = [];
      this.db().transaction(() => {
        for (const item of page.items) {
          const verdict = this.judge(item, db);
          if (!verdict.ok) {
            quarantine(db, { source: 'sync', location: `cursor ${item.cursor ?? '?'} (page after ${cursor}, line ${item.line})`, reason: verdict.reason, raw: item.raw.slice(0, 100_000), at });
            report.quarantined++;
            continue;
          }
          const outcome = upsertCase(db, verdict.record, at);
          if (outcome === 'inserted' || outcome === 'updated') {
            runCaseChecks(db, verdict.record, ctx, at);
            // Every transition is an audit event: the case's timeline starts with its arrival.
            appendAudit(db, { actor: 'backend', action: `case.${outcome === 'inserted' ? 'received' : 'updated'}`, caseId: verdict.record.id, payload: { source: 'sync', version: verdict.record.version, status: verdict.record.status }, at });
            touched.push(verdict.record.id);
            report.applied++;
          }
        }
        setSetting(db, 'sync.cursor', String(page.next));
      })();
      report.pages++;
      report.received += page.items.length;
      if (touched.length) this.bus?.emit('cases.changed', { count: touched.length });
      if (!page.hasMore) break;
    }
    if (report.quarantined) this.log.warn('sync.quarantined', { count: report.quarantined });
    await this.pullRates();
    this.report(true);
    return report;
  }

  /** Reference data: FX rates observed since the newest we hold. New rates re-evaluate the cases. */
  private async pullRates(): Promise<void> {
    const db = this.db();
    const newest = (db.prepare('SELECT max(as_of) AS t FROM fx_rates').get() as { t: string | null }).t ?? '';
    let body: unknown;
    try {
      body = await this.client.get(`/v1/reference/fx-rates${newest ? `?since=${encodeURIComponent(newest)}` : ''}`);
    } catch {
      return; // reference data is optional: the cases still sync
    }
    const rates = ((body as { rates?: unknown[] }).rates ?? []).filter(
      (r): r is FxRate =>
        typeof r === 'object' && r !== null && ['base', 'quote', 'rate', 'asOf', 'source'].every((k) => typeof (r as Record<string, unknown>)[k] === 'string') && /^\d+(\.\d+)?$/.test((r as FxRate).rate),
    );
    if (rates.length === 0) return;
    saveRates(db, rates, new Date().toISOString());
    recheckAll(db, this.checks());
  }

  /** Pushes every due outbox entry, oldest first. Returns how many were acknowledged. */
  push(): Promise<number> {
    this.pushing ??= this.pushAll().finally(() => {
      this.pushing = null;
      // The outbox changed whatever happened: a push while already known to be offline reports no
      // change of state, and the status bar would keep showing the depth from before the decision.
      try {
        this.announce();
      } catch {
        // locked meanwhile: the next unlock reports afresh
      }
    });
    return this.pushing;
  }

  private async pushAll(): Promise<number> {
    let acked = 0;
    for (;;) {
      const db = this.db();
      const row = db
        .prepare("SELECT id, kind, case_id AS caseId, idempotency_key AS key, base_version AS base, payload, attempts FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT 1")
        .get(new Date().toISOString()) as { id: number; kind: string; caseId: string; key: string; base: number; payload: string; attempts: number } | undefined;
      if (!row) break;
      const path = row.kind === 'decision' ? `/v1/cases/${row.caseId}/decisions` : `/v1/cases/${row.caseId}/counterparty-responses`;
      let res: { status: number; body: unknown };
      try {
        res = await this.client.post(path, row.key, JSON.parse(row.payload), row.kind === 'decision' ? row.base : undefined);
      } catch (e) {
        this.backoff(row, e instanceof Error ? e.message : 'network error');
        this.report(false, 'backend unreachable');
        break;
      }
      if (res.status >= 500) {
        this.backoff(row, `backend answered ${res.status}`);
        this.report(false, `backend answered ${res.status}`);
        break;
      }
      const now = new Date().toISOString();
      const theirs = (res.body as { case?: unknown } | null)?.case;
      const serverCase = caseRecordSchema.safeParse(theirs);
      db.transaction(() => {
        if (res.status === 200 || res.status === 201) {
          db.prepare("UPDATE outbox SET state = 'acked', acked_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?").run(now, row.id);
          if (row.kind === 'decision') db.prepare("UPDATE decisions SET sync_state = 'acked' WHERE id = ?").run(row.key);
        } else if (res.status === 409) {
          db.prepare("UPDATE outbox SET state = 'conflict', attempts = attempts + 1, last_error = ? WHERE id = ?").run('someone else decided first', row.id);
          if (row.kind === 'decision') db.prepare("UPDATE decisions SET sync_state = 'conflict' WHERE id = ?").run(row.key);
          db.prepare('INSERT INTO conflicts (case_id, outbox_id, ours, theirs, detected_at) VALUES (?, ?, ?, ?, ?)').run(row.caseId, row.id, row.payload, JSON.stringify(theirs ?? null), now);
        } else {
          const msg = (res.body as { error?: { message?: string } } | null)?.error?.message ?? `backend answered ${res.status}`;
          db.prepare("UPDATE outbox SET state = 'rejected', attempts = attempts + 1, last_error = ? WHERE id = ?").run(msg.slice(0, 500), row.id);
          if (row.kind === 'decision') db.prepare("UPDATE decisions SET sync_state = 'rejected' WHERE id = ?").run(row.key);
        }
        // The backend's case is the shared truth: take its newer version (our decision stays recorded).
        if (serverCase.success) {
          const outcome = upsertCase(db, serverCase.data, now);
          if (outcome === 'inserted' || outcome === 'updated') {
            runCaseChecks(db, serverCase.data, this.checks(), now);
            appendAudit(db, { actor: 'backend', action: `case.${outcome === 'inserted' ? 'received' : 'updated'}`, caseId: serverCase.data.id, payload: { source: 'sync', version: serverCase.data.version, status: serverCase.data.status }, at: now });
          }
        }
      })();
      if (res.status === 200 || res.status === 201) acked++;
      this.report(true);
      this.bus?.emit('cases.changed', { count: 1 });
    }
    return acked;
  }

  private backoff(row: { id: number; attempts: number }, error: string) {
    // Exponential with jitter, capped at five minutes.
    const delay = Math.min(300_000, 1000 * 2 ** Math.min(row.attempts, 9)) * (0.75 + Math.random() * 0.5);
    this.db()
      .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(error.slice(0, 200), new Date(Date.now() + delay).toISOString(), row.id);
  }

  /** Everything pending is due now (after an explicit "retry" or coming back online). */
  retryNow(): void {
    this.db().prepare("UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending'").run(new Date(0).toISOString());
  }

  /** Follow the backend: live events, polling as the fallback, and the outbox on a timer. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.pull();
        await this.push();
      } catch (e) {
        this.report(false, e instanceof BackendError ? e.message : 'backend unreachable');
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.pollMs).unref();
    };
    void tick();
    const follow = async () => {
      while (!this.stopped) {
        this.events = new AbortController();
        try {
          await this.client.events(() => void this.pull().then(() => this.push()).catch(() => {}), this.events.signal);
        } catch {
          // Offline or refused: the polling tick carries on; try the stream again shortly.
        }
        if (!this.stopped) await new Promise((r) => setTimeout(r, 2000).unref());
      }
    };
    void follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.events?.abort();
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([this.pulling, this.pushing]);
  }
}
