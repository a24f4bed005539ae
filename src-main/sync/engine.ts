import type { EventBus } from '../platform/events';
import type { Logger } from '../platform/log';
import { appendAudit, auditBatch } from '../audit/chain';
import { admit, type IntakeSource, type RawCase } from '../cases/intake';
import { admitPooled, IntakePool, type PoolRaw } from '../cases/intake-pool';
import { recheckAll, type CheckContext } from '../checks/run';
import { saveRates, type FxRate } from '../rules/fx';
import { withBulkIntake, type BulkIntake, type WritableDB } from '../store/db';
import { deferSearchIndex } from '../store/search-index';
import * as outbox from '../store/outbox';
import { readSetting, writeSetting } from '../store/settings';
import { BackendError, feedItem, type BackendClient } from './client';
import { applyTeamEvents } from './team';
import { backoffDelay, OUTBOX_BACKOFF } from '../platform/backoff';

// The workstation's working copy follows the backend: pull the changes feed by cursor in pages
// (each page in transactions of PULL_CHUNK cases, each with the cursor of its last case), push the outbox with backoff until each entry is
// acknowledged, and follow live events with polling as the fallback. Bad items are quarantined with
// their reason; the rest of their page syncs.

/** A first page at least this full, with more to come, starts the intake's worker threads for the pull. */
const PULL_POOL_MIN_ITEMS = 250;
/** Cases asked for a page of the changes feed (the backend may send fewer). */
const PULL_PAGE = 500;

/**
 * Cases a pull writes per transaction: the analyst's queue waits for at most one such transaction
 * (about 0.1 s on a quiet machine) rather than a whole page's 500 cases.
 */
export const PULL_CHUNK = 100;

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
  /** The intake's worker threads that read this pull's cases (0: read on this thread). */
  workers: number;
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

  /** Intake worker threads for a long pull: unset, intakeWorkerCount() (WAYBILL_INTAKE_WORKERS); 0 in-line. */
  intakeWorkers: number | undefined = undefined;

  constructor(
    private readonly db: () => WritableDB,
    private readonly client: BackendClient,
    private readonly checks: () => CheckContext,
    private readonly bus: EventBus | null,
    private readonly log: Logger,
    private readonly pollMs = 5000,
    /**
     * The client that sends an outbox entry: the credential of the analyst who made it (null for rows
     * from before per-analyst credentials: the signed-in analyst's). Null when that analyst has none.
     */
    private readonly clientFor: (actor: string | null) => BackendClient | null = () => client,
    /** The backend reports an analyst removed (their credential revoked): the workstation removes them here too. */
    private readonly onRemoved: (names: string[]) => void = () => {},
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
      writeSetting(db, 'sync.team_cursor', 0); // the team feed counts in the same backend
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
    const report: PullReport = { pages: 0, received: 0, applied: 0, quarantined: 0, workers: 0 };
    const origin = { backendId: await this.checkIdentity(), host: new URL(this.client.url).host };
    await withBulkIntake(this.db(), (bulk) => this.pullCases(report, origin, bulk));
    report.quarantined += await this.pullTeam();
    if (report.quarantined) this.log.warn('sync.quarantined', { count: report.quarantined });
    await this.pullRates();
    this.report(true);
    return report;
  }

  /**
   * The changes feed, a page at a time in transactions of PULL_CHUNK cases (each with its cursor),
   * until the backend has no more. A long pull reads its cases on the intake's worker threads
   * (cases/intake-pool.ts): the next page is fetched and read there while this one is written.
   */
  private async pullCases(
    report: PullReport,
    origin: { backendId: string; host: string },
    bulk: BulkIntake,
  ): Promise<void> {
    let pool: IntakePool | null = null;
    let tried = false;
    let finished = false;
    const fetchPage = async (after: number) => {
      // Fetched unparsed: a worker parses each line itself (rawOf); in-line, feedItem parses it here.
      const fetched = await this.client.changes(after, PULL_PAGE, { parse: false });
      const at = new Date().toISOString();
      const ctx = this.checks();
      // Only a pull with more than a page to come repays a worker's start (rule pack, screening index).
      if (!tried && !finished && fetched.hasMore && fetched.items.length >= PULL_POOL_MIN_ITEMS) {
        tried = true;
        pool = IntakePool.start(ctx, { workers: this.intakeWorkers });
        report.workers = pool?.size ?? 0;
      }
      const reads = pool
        ? pool.read(
            fetched.items.map((item): PoolRaw =>
              item.error !== null ? { text: item.raw, error: item.error } : { text: item.raw, feed: true },
            ),
          )
        : null;
      reads?.catch(() => undefined); // observed when its page is written
      const page = { ...fetched, items: reads ? fetched.items : fetched.items.map(feedItem) };
      return { page, after, at, ctx, reads, pool };
    };
    try {
      let next = fetchPage(readSetting(this.db(), 'sync.cursor') ?? 0);
      for (;;) {
        const { page, after: cursor, at, ctx, reads, pool: readBy } = await next;
        if (page.hasMore) {
          next = fetchPage(page.next);
          next.catch(() => undefined); // observed on the next round
        }
        const read = reads ? await reads : null;
        // The page in transactions of PULL_CHUNK cases, each with the cursor of its last case: the queue's
        // queries run on this thread and waited behind a page's one transaction (500 cases: up to seconds
        // under load, bench/suites/sync.ts). Between chunks they run. A stop between chunks resumes after
        // the last committed case; a cursor the page does not vouch for is not written mid-page.
        let written = cursor;
        // A chunk's cursor is stored only below every later case's in the page (and the page's end): a
        // resume after it then re-reads nothing it skipped. A case without a cursor stops mid-page cursors.
        const below = new Array<number>(page.items.length + 1);
        below[page.items.length] = page.next;
        for (let i = page.items.length - 1; i >= 0; i--)
          below[i] = Math.min(below[i + 1]!, page.items[i]!.cursor ?? -Infinity);
        for (let from = 0; from < page.items.length || from === 0; from += PULL_CHUNK) {
          // Every chunk after a turn of the event loop, the first of a page too: a page fetched and read
          // ahead is ready at once, and without this its first chunk ran straight after the last page's last.
          await new Promise((r) => setImmediate(r));
          // And a long WAL copied first, so that this transaction starts it again (store/db.ts BULK_WAL_MAX_FRAMES).
          await bulk.between();
          const db = this.db();
          const chunk = page.items.slice(from, from + PULL_CHUNK);
          const last = from + PULL_CHUNK >= page.items.length;
          const end = chunk[chunk.length - 1]?.cursor ?? null;
          const touched: string[] = [];
          // Its audit events chained in memory (audit/chain.ts); its new cases' search-index rows written
          // together at the end (store/search-index.ts).
          db.transaction(() =>
            deferSearchIndex(db, () =>
              auditBatch(db, () => {
                // Checks read under another context (new lists, rates, a new day) are computed again here.
                const current = readBy?.serves(ctx) ?? false;
                chunk.forEach((item, j) => {
                  const i = from + j;
                  // Read on a worker, the line's text is all the writer needs of it (a quarantine keeps it).
                  const raw: RawCase =
                    item.error !== null
                      ? { text: item.raw, error: item.error }
                      : 'value' in item
                        ? { text: item.raw, value: item.value }
                        : { text: item.raw };
                  const source: IntakeSource = {
                    name: 'sync',
                    location: `cursor ${item.cursor ?? '?'} (page after ${cursor}, line ${item.line})`,
                    actor: 'backend',
                    origin,
                  };
                  const r = read
                    ? admitPooled(db, raw, read[i]!, source, { checks: ctx, at }, current)
                    : admit(db, raw, source, { checks: ctx, at });
                  if (r.outcome === 'quarantined') report.quarantined++;
                  else if (r.outcome === 'inserted' || r.outcome === 'updated') {
                    touched.push(r.record.id);
                    report.applied++;
                  }
                });
                if (last) writeSetting(db, 'sync.cursor', page.next);
                else if (end !== null && end > written && end < below[from + chunk.length]!) {
                  writeSetting(db, 'sync.cursor', end);
                  written = end;
                }
              }),
            ),
          )();
          if (touched.length) this.bus?.emit('cases.changed', { count: touched.length });
          if (last) break;
        }
        report.pages++;
        report.received += page.items.length;
        if (!page.hasMore) break;
      }
    } finally {
      // A page fetched ahead of a failed write starts no pool after this.
      finished = true;
      await (pool as IntakePool | null)?.close();
    }
  }

  /**
   * The team feed after the stored team cursor (claims, proposals, reviews, the roster), a page and its
   * cursor per transaction. A backend without one (404) has no team state to share. Returns the count quarantined.
   */
  private async pullTeam(): Promise<number> {
    let quarantined = 0;
    for (;;) {
      const db = this.db();
      const cursor = readSetting(db, 'sync.team_cursor') ?? 0;
      let body: unknown;
      try {
        body = await this.client.get(`/v1/team/changes?after=${cursor}&limit=500`);
      } catch (e) {
        if (e instanceof BackendError && e.status === 404) return quarantined;
        throw e;
      }
      const page = body as { items?: unknown; next?: unknown; hasMore?: unknown } | null;
      if (!page || !Array.isArray(page.items) || typeof page.next !== 'number' || typeof page.hasMore !== 'boolean')
        throw new BackendError(502, 'the team feed is not {items, next, hasMore}');
      const items: unknown[] = page.items;
      const next = page.next;
      const at = new Date().toISOString();
      const applied = db.transaction(() => {
        const r = applyTeamEvents(db, items, `team feed page after ${cursor}`, at);
        writeSetting(db, 'sync.team_cursor', next);
        return r;
      })();
      quarantined += applied.quarantined;
      if (applied.removed.length) this.onRemoved(applied.removed);
      if (applied.cases.length) this.bus?.emit('cases.changed', { count: applied.cases.length });
      if (!page.hasMore || next <= cursor) return quarantined;
    }
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
      const client = this.clientFor(row.actor);
      if (!client) {
        // Sent only with its author's own credential: it waits until they set one (Settings → Backend).
        this.backoff(row, `no backend credential for ${row.actor ?? 'the signed-in analyst'}`);
        continue;
      }
      let res: { status: number; body: unknown };
      try {
        res = await send(client, row);
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
      // Nothing to revoke is what a revocation wanted.
      const done = res.status === 200 || res.status === 201 || (row.kind === 'revocation' && res.status === 404);
      db.transaction(() => {
        if (done) {
          // The case version the backend answered with: a repair moves what was queued after it (outbox.ack).
          const v = (theirs as { version?: unknown } | null | undefined)?.version;
          outbox.ack(db, row, now, typeof v === 'number' ? v : undefined);
        } else if (res.status === 409 && (row.kind === 'decision' || row.kind === 'ivms101_repair') && row.caseId)
          outbox.conflict(db, { ...row, caseId: row.caseId }, theirs, now);
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
      if (done) acked++;
      this.report(true);
      if (row.caseId) this.bus?.emit('cases.changed', { count: 1 });
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

/** One outbox entry as the contract's request: its path, body and, for a decision, If-Match. */
function send(client: BackendClient, row: outbox.OutboxEntry): Promise<{ status: number; body: unknown }> {
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  const onCase = `/v1/cases/${encodeURIComponent(row.caseId ?? '')}`;
  switch (row.kind) {
    case 'decision':
      return client.post(`${onCase}/decisions`, row.key, payload, row.baseVersion);
    case 'counterparty_response':
      return client.post(`${onCase}/counterparty-responses`, row.key, payload);
    case 'proposal':
      return client.post(`${onCase}/proposals`, row.key, payload);
    case 'decline': {
      const { proposalId, ...body } = payload;
      return client.post(`${onCase}/proposals/${encodeURIComponent(String(proposalId))}/decline`, row.key, body);
    }
    case 'assignment':
      return client.post(`${onCase}/assignment`, row.key, payload);
    case 'ivms101_repair':
      // No If-Match: the body names the record it was made on (baseDigest); the backend refuses another.
      return client.post(`${onCase}/ivms101-repairs`, row.key, payload);
    case 'revocation':
      return client.send('DELETE', `/v1/team/analysts/${encodeURIComponent(String(payload.name))}`);
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
