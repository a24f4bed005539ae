import type { EventBus } from '../platform/events';
import type { Logger } from '../platform/log';
import { appendAudit } from '../audit/chain';
import { admit } from '../cases/intake';
import { recheckAll, type CheckContext } from '../checks/run';
import { saveRates, type FxRate } from '../rules/fx';
import type { WritableDB } from '../store/db';
import * as outbox from '../store/outbox';
import { readSetting, writeSetting } from '../store/settings';
import { BackendError, type BackendClient } from './client';
import { backoffDelay, OUTBOX_BACKOFF } from '../platform/backoff';

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
  /** Said once the backend's identity changed: the feed started again from its beginning (issue 18 point 3). */
  notice: string | null;
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
  private state = {
    online: false,
    lastSyncAt: null as string | null,
    lastError: null as string | null,
    notice: null as string | null,
  };

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
      cursor: readSetting(db, 'sync.cursor') ?? 0,
      outboxDepth: outbox.depth(db),
      conflicts: n('SELECT count(*) AS n FROM conflicts WHERE resolved_at IS NULL'),
      quarantined: n("SELECT count(*) AS n FROM quarantine WHERE source = 'sync'"),
      notice: this.state.notice,
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
    if (!(changed || online)) return;
    try {
      this.bus?.emit('sync.status', this.status());
    } catch {
      // Locked while a pull was on its way (the vault closed under it): the next unlock reports afresh.
      // Throwing here, from the polling tick's own catch, would end the process.
    }
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

  /**
   * The cursor counts in one backend's case store. Before each pull, ask which store answers: a
   * different one than the cursor came from (another URL, or a new deployment at the same one) starts
   * the feed again from 0, says so, and keeps every case already here (each labelled by the backend
   * it came from, in its `case.received` audit event). A cursor from before identities were recorded
   * is taken to belong to the backend that answers now.
   */
  private async checkIdentity(): Promise<string> {
    const id = await this.client.identity();
    const db = this.db();
    const known = readSetting(db, 'sync.backend_id');
    if (known === id) return id;
    const previousCursor = readSetting(db, 'sync.cursor') ?? 0;
    const host = new URL(this.client.url).host;
    db.transaction(() => {
      writeSetting(db, 'sync.backend_id', id);
      if (known === null) return;
      writeSetting(db, 'sync.cursor', 0);
      appendAudit(db, {
        actor: 'system',
        action: 'sync.backend_changed',
        payload: { from: known, to: id, host, previousCursor },
        at: new Date().toISOString(),
      });
    })();
    if (known !== null) {
      const kept = (db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
      this.state.notice =
        `A different backend answers at ${host}: its cases are fetched from the start. ` +
        `The ${kept.toLocaleString('en')} ${kept === 1 ? 'case' : 'cases'} already here stay, each labelled with the backend it came from.`;
      this.log.info('sync.backend_changed', { previousCursor });
    }
    return id;
  }

  private async pullAll(): Promise<PullReport> {
    const report: PullReport = { pages: 0, received: 0, applied: 0, quarantined: 0 };
    const origin = { backendId: await this.checkIdentity(), host: new URL(this.client.url).host };
    for (;;) {
      const db = this.db();
      const cursor = readSetting(db, 'sync.cursor') ?? 0;
      const page = await this.client.changes(cursor);
      const at = new Date().toISOString();
      const ctx = this.checks();
      const touched: string[] = [];
      this.db().transaction(() => {
        for (const item of page.items) {
          const raw =
            item.error !== null ? { text: item.raw, error: item.error } : { text: item.raw, value: item.value };
          const r = admit(
            db,
            raw,
            {
              name: 'sync',
              location: `cursor ${item.cursor ?? '?'} (page after ${cursor}, line ${item.line})`,
              actor: 'backend',
              origin,
            },
            { checks: ctx, at },
          );
          if (r.outcome === 'quarantined') report.quarantined++;
          else if (r.outcome === 'inserted' || r.outcome === 'updated') {
            touched.push(r.record.id);
            report.applied++;
          }
        }
        writeSetting(db, 'sync.cursor', page.next);
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
    } catch (e) {
      // Reference data is optional: the cases still sync.
      this.log.info('sync.fx_rates_skipped', { error: errorCode(e) });
      return;
    }
    const rates = ((body as { rates?: unknown[] }).rates ?? []).filter(
      (r): r is FxRate =>
        typeof r === 'object' &&
        r !== null &&
        ['base', 'quote', 'rate', 'asOf', 'source'].every(
          (k) => typeof (r as Record<string, unknown>)[k] === 'string',
        ) &&
        /^\d+(\.\d+)?$/.test((r as FxRate).rate),
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
      const row = outbox.next(db, new Date().toISOString());
      if (!row) break;
      const path =
        row.kind === 'decision'
          ? `/v1/cases/${row.caseId}/decisions`
          : `/v1/cases/${row.caseId}/counterparty-responses`;
      let res: { status: number; body: unknown };
      try {
        res = await this.client.post(
          path,
          row.key,
          JSON.parse(row.payload),
          row.kind === 'decision' ? row.baseVersion : undefined,
        );
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
      db.transaction(() => {
        if (res.status === 200 || res.status === 201) outbox.ack(db, row, now);
        else if (res.status === 409) outbox.conflict(db, row, theirs, now);
        else
          outbox.reject(
            db,
            row,
            (res.body as { error?: { message?: string } } | null)?.error?.message ?? `backend answered ${res.status}`,
          );
        // The backend's case is the shared truth: take its newer version (our decision stays recorded),
        // through the same door and rules as the changes feed; a case it cannot pass is quarantined.
        if (theirs !== undefined && theirs !== null) {
          admit(
            db,
            { text: JSON.stringify(theirs), value: theirs },
            {
              name: 'sync',
              location: `the answer to outbox entry ${row.id} (${row.kind}, case ${row.caseId})`,
              actor: 'backend',
              ...(readSetting(db, 'sync.backend_id') !== null
                ? { origin: { backendId: readSetting(db, 'sync.backend_id')!, host: new URL(this.client.url).host } }
                : {}),
            },
            { checks: this.checks(), at: now },
          );
        }
      })();
      if (res.status === 200 || res.status === 201) acked++;
      this.report(true);
      this.bus?.emit('cases.changed', { count: 1 });
    }
    return acked;
  }

  private backoff(row: { id: number; attempts: number }, error: string) {
    // row.attempts failed before this one: this is failure number attempts + 1.
    const delay = backoffDelay(row.attempts + 1, OUTBOX_BACKOFF);
    outbox.retryLater(this.db(), row, error, new Date(Date.now() + delay).toISOString());
  }

  /**
   * Pull or push now for an analyst's action, without failing it: offline, the work waits in the
   * outbox and the status bar says so. The failure is logged with a code (never its message, which
   * can carry a backend's text) so an operator can tell "offline" from a fault.
   */
  async tryNow(what: 'pull' | 'push', after: string): Promise<void> {
    try {
      await (what === 'pull' ? this.pull() : this.push());
    } catch (e) {
      this.log.warn(`sync.${what}_deferred`, { after, error: errorCode(e) });
    }
  }

  /** Everything pending is due now (after an explicit "retry" or coming back online). */
  retryNow(): void {
    outbox.retryAllNow(this.db());
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
          await this.client.events(
            () => void this.tryNow('pull', 'event').then(() => this.tryNow('push', 'event')),
            this.events.signal,
          );
        } catch (e) {
          // Offline or refused: the polling tick carries on; try the stream again shortly.
          if (!this.stopped) this.log.info('sync.events_reconnect', { error: errorCode(e) });
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

/** A log-safe code for a failure: the HTTP status, the socket code, or the error's name; never its message. */
export function errorCode(e: unknown): string {
  if (e instanceof BackendError) return `http_${e.status}`;
  if (!(e instanceof Error)) return 'unknown';
  for (let err: unknown = e; err instanceof Error; err = err.cause) {
    const code: unknown = Reflect.get(err, 'code');
    if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return code;
    if (err.cause === err) break;
  }
  return e.name;
}
