import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { CaseRecord } from '../../src-shared/case';
import { AppError } from '../../src-shared/result';
import { forTransfer, type CheckContext } from '../checks/run';
import { parseJsonBounded } from '../input/limits';
import { sharingIvms101Reads } from '../ivms101/engine';
import { startWorker } from '../platform/worker-entry';
import type { FxRate, RateSource } from '../rules/fx';
import { defaultRulePack, type RulePack } from '../rules/pack';
import type { IndexedList, ScreeningIndex } from '../screening/search';
import type { WritableDB } from '../store/db';
import {
  admitRead,
  readCase,
  type Admission,
  type IntakeContext,
  type IntakeSource,
  type RawCase,
  type ReadCase,
} from './intake';

// The intake's worker threads (issue 21). The pure stage of `admit` (cases/intake.ts readCase: parse,
// contract, IVMS101 reading, every check's database-free part) runs here on the other cores; the
// writer keeps the database stage (stored-case rules, repair, dispositions, writes, audit) and applies
// the results in input order, in its own transactions. Cases go out in chunks through a bounded queue,
// so memory holds a few thousand cases whatever the file's size.

/** A case as sent to a worker: a line's text, a transport's refusal, or a changes-feed line holding it in `case`. */
export type PoolRaw = { text: string } | { text: string; error: string } | { text: string; feed: true };

/** What a worker needs to check cases as the writer would: the context, with the rates and lists as data. */
export interface Snapshot {
  homeJurisdiction: string;
  today: string;
  maxRateAgeHours?: number;
  minScreeningScore?: number;
  rates: FxRate[];
  /** The active lists the index is built from (null: none, so cases are "not screened"). */
  lists: IndexedList[] | null;
}

/** Tests only: makes a worker exit, or throw, on a case whose text holds the marker. */
export interface WorkerFault {
  exitOn?: string;
  throwOn?: string;
}

/**
 * Workers of one run: the cores minus the writer's, at least one, at most 4. On this project's 2-core
 * machine, quiet (30 Nov, 20,000 cases, one worker vs in-line): import 1,105 vs 814 cases/s (CPU 1,442
 * vs 1,326 µs a case, the writer's own 626 vs 1,198; peak RSS 711 vs 554 MiB), sync 892 vs 767 cases/s
 * (759 vs 510 MiB). Under load, with no core free, the worker gains nothing and costs memory (import 713
 * vs 797 cases/s at load 3-5). `WAYBILL_INTAKE_WORKERS` overrides (0: in-line).
 */
export function intakeWorkerCount(): number {
  const env = process.env.WAYBILL_INTAKE_WORKERS;
  if (env !== undefined && /^\d+$/.test(env)) return Math.min(Number(env), 8);
  const cores = availableParallelism();
  return Math.max(1, Math.min(cores - 1, 4));
}

/** Below this many cases a run stays in-line: a worker's start (rule pack, screening index) costs more. */
export const POOL_MIN_CASES = 1000;

export const workerFailure = (why: string) =>
  `the intake could not read this case: ${why} on a worker thread; nothing of it was stored (re-deliver it after updating Waybill)`;

/**
 * A read case as a worker sends it to the writer (the structured clone copies it):
 * - a citation list's text crosses once per worker (`sent`), then its reference alone (the writer keeps
 *   the text, IntakePool.sourceTexts); the lists are a rule pack's, a handful, and each case carries ~3 KB of them;
 * - the IVMS101 payload crosses as the text the writer stores (store/cases.ts row), not as objects: a
 *   string is copied whole, an object graph rebuilt node by node on the writer, the import's critical
 *   thread (1.6 KiB a case; bench/intake-worker-loop.ts measures both ends). Its key stays in place (null
 *   here); payloadFromText puts the payload back.
 */
export function toWriter(read: ReadCase, sent: Set<string>): ReadCase {
  if (!read.ok) return read;
  const ivms101Text = JSON.stringify(read.record.ivms101);
  const record = { ...read.record, ivms101: null as unknown as CaseRecord['ivms101'] };
  if (!read.checks) return { ...read, record, ivms101Text };
  const checks = forTransfer(read.checks);
  const stored = checks.travelRule.stored;
  // New objects: the ones storedForm returns are its cache's (store/checks.ts), shared by every case.
  if (stored)
    stored.sources = stored.sources.map((s) => (sent.has(s.ref) ? { ref: s.ref, text: '' } : (sent.add(s.ref), s)));
  return { ...read, record, checks, ivms101Text };
}

/**
 * A worker sends a case's IVMS101 payload as its text (toWriter): the record gets it back as a
 * property parsed on first read, in the key's place. The writer stores the text as it came
 * (`ivms101Text`); only a check computed again here (a pending repair, a context that changed) reads it.
 */
export function payloadFromText(read: ReadCase): void {
  if (!read.ok || read.ivms101Text === undefined) return;
  const text = read.ivms101Text;
  let payload: unknown;
  Object.defineProperty(read.record, 'ivms101', {
    get: () => (payload ??= JSON.parse(text) as unknown),
    enumerable: true,
    configurable: true,
  });
}

export function rawOf(item: PoolRaw): RawCase {
  if (!('feed' in item)) return item;
  // The parse the client's feedItem makes (sync/client.ts), which a pull leaves to the worker: the same `case` field.
  const parsed = parseJsonBounded(item.text);
  if (!parsed.ok) return { text: item.text, error: parsed.reason };
  return { text: item.text, value: (parsed.value as { case?: unknown } | null)?.case };
}

/** The rates as data, looked up as dbRates does: the newest observed at or before the time. */
function snapshotRates(list: FxRate[]): RateSource {
  const byPair = new Map<string, FxRate[]>();
  for (const r of list) {
    const key = `${r.base}\u0000${r.quote}`;
    const rates = byPair.get(key);
    if (rates) rates.push(r);
    else byPair.set(key, [r]);
  }
  for (const rates of byPair.values()) rates.sort((a, b) => (a.asOf < b.asOf ? 1 : a.asOf > b.asOf ? -1 : 0));
  return {
    find: (base, quote, at) => byPair.get(`${base}\u0000${quote}`)?.find((r) => r.asOf <= at) ?? null,
    all: () => list,
  };
}

export function contextOf(s: Snapshot, pack: RulePack, screening: ScreeningIndex | null): CheckContext {
  return {
    homeJurisdiction: s.homeJurisdiction,
    today: s.today,
    pack,
    rates: snapshotRates(s.rates),
    ...(s.maxRateAgeHours !== undefined ? { maxRateAgeHours: s.maxRateAgeHours } : {}),
    screening,
    ...(s.minScreeningScore !== undefined ? { minScreeningScore: s.minScreeningScore } : {}),
  };
}

/**
 * The context as data a worker can rebuild, or null when it cannot be the same there: a rule pack
 * other than the shipped one, rates that cannot be listed, or two rates of one pair observed at the
 * same instant (which one SQLite returns first is its own affair: such a run stays in-line).
 */
function snapshotOf(ctx: CheckContext): Snapshot | null {
  if (ctx.pack !== defaultRulePack()) return null;
  const rates = ctx.rates.all?.();
  if (!rates) return null;
  const instants = new Set(rates.map((r) => `${r.base}\u0000${r.quote}\u0000${r.asOf}`));
  if (instants.size !== rates.length) return null;
  return {
    homeJurisdiction: ctx.homeJurisdiction,
    today: ctx.today,
    ...(ctx.maxRateAgeHours !== undefined ? { maxRateAgeHours: ctx.maxRateAgeHours } : {}),
    ...(ctx.minScreeningScore !== undefined ? { minScreeningScore: ctx.minScreeningScore } : {}),
    rates,
    lists: ctx.screening && ctx.screening.lists.length ? ctx.screening.lists : null,
  };
}

interface Job {
  items: PoolRaw[];
  resolve: (out: ReadCase[]) => void;
  reject: (e: Error) => void;
  /** A case sent alone after its worker stopped: if its worker stops again, it is the cause. */
  alone: boolean;
}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered, oldest first (a worker takes them in order). */
  pending: Map<number, Job>;
  ready: boolean;
}

/**
 * A worker's old generation, bounded so the run's memory stays flat: V8 otherwise sizes a busy thread's
 * heap from the machine's memory and lets garbage pile up before collecting (measured: +260 MiB peak RSS
 * at 20,000 cases at 256 MiB). Not much tighter: at 48 MiB its collector cost ~250 µs of CPU per case more
 * than at 128 (8,000 cases, per-thread CPU from /proc). It holds the rule pack (~2 MiB), a few chunks of cases and the screening
 * index with its lists (measured ~4.5 KiB per listed entry: 37 MiB for OFAC's 7,379 and the UN's 1,003).
 * A worker that cannot start within it leaves its cases to the writer. `WAYBILL_INTAKE_WORKER_OLD_MB` overrides.
 */
function workerHeap(lists: IndexedList[] | null): { maxOldGenerationSizeMb: number } {
  const env = process.env.WAYBILL_INTAKE_WORKER_OLD_MB;
  if (env !== undefined && /^\d+$/.test(env)) return { maxOldGenerationSizeMb: Number(env) };
  const entries = (lists ?? []).reduce((n, l) => n + l.entries.length, 0);
  return { maxOldGenerationSizeMb: 128 + Math.ceil((entries * 6) / 1024) };
}

/** A worker stopping more often than this in one run is a fault of the build, not of some cases: the run fails. */
const MAX_STOPS = 8;

export class IntakePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private stops = 0;
  private broken: Error | null = null;
  private closed = false;
  private readonly ratesText: string;
  private readonly sourceTexts = new Map<string, string>();
  /** Cases sent to the workers (a case sent again after a worker stopped counts again). */
  sent = 0;
  /** Each worker's start: milliseconds to ready (rule pack, index) and its heap then. */
  readonly starts: { ms: number; heapMiB: number }[] = [];

  /** A pool for a run with `ctx`, or null when the run should stay in-line (see snapshotOf, intakeWorkerCount). */
  static start(ctx: CheckContext, o: { workers?: number; fault?: WorkerFault } = {}): IntakePool | null {
    const snapshot = snapshotOf(ctx);
    const workers = o.workers ?? intakeWorkerCount();
    if (!snapshot || workers < 1) return null;
    return new IntakePool(ctx, snapshot, workers, o.fault);
  }

  private constructor(
    private readonly ctx: CheckContext,
    private readonly snapshot: Snapshot,
    workers: number,
    private readonly fault?: WorkerFault,
  ) {
    this.ratesText = JSON.stringify(snapshot.rates);
    for (let i = 0; i < workers; i++) this.spawn();
  }

  /** Workers running (0: every chunk is read in-line). */
  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot | null {
    let worker: Worker;
    try {
      worker = startWorker(
        { here: import.meta.url, source: './intake-worker.ts', built: 'intake-worker.cjs' },
        { workerData: { snapshot: this.snapshot, fault: this.fault }, resourceLimits: workerHeap(this.snapshot.lists) },
      );
    } catch {
      return null; // no worker: read in-line
    }
    const slot: Slot = { worker, pending: new Map(), ready: false };
    worker.on(
      'message',
      (m: { ready?: { packDigest: string; ms: number; heapMiB: number } } | { id: number; out: ReadCase[] }) => {
        if ('ready' in m && m.ready) {
          // A worker that loaded another rule pack would judge by other rules: it is not used.
          if (m.ready.packDigest !== this.ctx.pack.digest)
            return void this.stopped(slot, new Error('another rule pack'), true);
          slot.ready = true;
          this.starts.push({ ms: m.ready.ms, heapMiB: m.ready.heapMiB });
          return;
        }
        if (!('id' in m)) return;
        const job = slot.pending.get(m.id);
        if (!job) return;
        slot.pending.delete(m.id);
        try {
          for (const read of m.out) {
            this.citations(read);
            payloadFromText(read);
          }
        } catch (e) {
          return job.reject(e instanceof Error ? e : new Error(String(e)));
        }
        job.resolve(m.out);
      },
    );
    worker.on('error', (e) => this.stopped(slot, e, false));
    worker.on('exit', (code) => this.stopped(slot, new Error(`exit code ${code}`), false));
    this.slots.push(slot);
    return slot;
  }

  /**
   * A worker ended. One that never started (a build without its file, another rule pack): its cases
   * are read in-line. One that was working: the case it was reading is the one it was sent first; the
   * others go to a new worker, and the first again alone — a case that stops a worker alone is refused
   * by name (quarantined by the writer), nothing of it stored, and the run goes on.
   */
  private stopped(slot: Slot, e: Error, neverUse: boolean): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    const jobs = [...slot.pending.values()];
    slot.pending.clear();
    if (neverUse) void slot.worker.terminate();
    if (this.closed) return;
    if (!slot.ready || neverUse) {
      for (const job of jobs) this.inline(job);
      return;
    }
    if (++this.stops > MAX_STOPS) {
      this.broken = new AppError(
        'internal',
        `The intake's worker threads stopped ${this.stops} times (last: ${e.message}).`,
      );
      for (const job of jobs) job.reject(this.broken);
      return;
    }
    this.spawn();
    const [first, ...rest] = jobs;
    if (!first) return;
    if (first.alone) first.resolve([{ ok: false, reason: workerFailure(`its worker stopped (${e.message})`) }]);
    else {
      // The first chunk again, a case at a time, so the one that stops a worker is found.
      const alone = first.items.map((item) => this.send([item], true));
      Promise.all(alone).then((outs) => first.resolve(outs.flat()), first.reject);
    }
    for (const job of rest) this.dispatch(job);
  }

  /** A citation list's text came with its first use by a worker; later uses carry the reference only. */
  private citations(read: ReadCase): void {
    if (!read.ok || !read.checks) return;
    for (const s of read.checks.travelRule.stored?.sources ?? []) {
      if (s.text) this.sourceTexts.set(s.ref, s.text);
      else {
        const text = this.sourceTexts.get(s.ref);
        if (text === undefined) throw new Error(`citation list ${s.ref} arrived without its text`);
        s.text = text;
      }
    }
  }

  private inline(job: Job): void {
    job.resolve(
      job.items.map((item): ReadCase => {
        try {
          return sharingIvms101Reads(() => readCase(rawOf(item), this.ctx.today, this.ctx));
        } catch (e) {
          return { ok: false, reason: workerFailure(`it threw ${e instanceof Error ? e.name : 'an error'}`) };
        }
      }),
    );
  }

  private dispatch(job: Job): void {
    if (this.broken) return job.reject(this.broken);
    if (this.closed) return job.reject(new AppError('internal', "The intake's worker threads were closed."));
    const slot = this.slots.reduce<Slot | undefined>(
      (best, s) => (!best || s.pending.size < best.pending.size ? s : best),
      undefined,
    );
    if (!slot) return this.inline(job);
    const id = this.nextId++;
    slot.pending.set(id, job);
    this.sent += job.items.length;
    slot.worker.postMessage({ id, items: job.items });
  }

  private send(items: PoolRaw[], alone: boolean): Promise<ReadCase[]> {
    return new Promise((resolve, reject) => this.dispatch({ items, resolve, reject, alone }));
  }

  /** Reads a chunk of cases on a worker: one result per case, in order. */
  read(items: PoolRaw[]): Promise<ReadCase[]> {
    return this.send(items, false);
  }

  /**
   * Whether the checks read under this pool's context hold for `ctx` now: the same context, and the FX
   * rates as they were (another process may import rates during a run). When not, the writer computes
   * the checks itself; what else was read (parse, contract, IVMS101) holds all the same.
   */
  serves(ctx: CheckContext): boolean {
    const a = this.ctx;
    return (
      ctx.pack === a.pack &&
      (ctx.screening ?? null) === (a.screening ?? null) &&
      ctx.homeJurisdiction === a.homeJurisdiction &&
      ctx.today === a.today &&
      ctx.maxRateAgeHours === a.maxRateAgeHours &&
      ctx.minScreeningScore === a.minScreeningScore &&
      JSON.stringify(ctx.rates.all?.() ?? null) === this.ratesText
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/**
 * The database stage of a case read on a pool (`admitRead`), inside the writer's transaction.
 * `current`: the pool still serves the run's context (IntakePool.serves, asked once per transaction);
 * when not, the case's checks are computed here.
 */
export function admitPooled(
  db: WritableDB,
  raw: RawCase,
  read: ReadCase,
  source: IntakeSource,
  ctx: IntakeContext,
  current: boolean,
): Admission {
  // Checks read under another context are dropped (computed again on this thread); the rest holds.
  const r: ReadCase =
    current || !read.ok
      ? read
      : read.ivms101Text === undefined
        ? { ok: true, record: read.record, names: read.names }
        : { ok: true, record: read.record, names: read.names, ivms101Text: read.ivms101Text };
  return sharingIvms101Reads(() => admitRead(db, raw, r, source, ctx));
}

/**
 * Cases read on the pool a chunk at a time and handed to `take` in input order, at most `depth`
 * chunks in flight: memory holds a few thousand cases whatever the input's size.
 */
export class InOrderReads<T> {
  private readonly queue: Promise<{ items: T[]; reads: ReadCase[] }>[] = [];
  private items: T[] = [];
  private raws: PoolRaw[] = [];

  constructor(
    private readonly pool: IntakePool,
    private readonly take: (items: T[], reads: ReadCase[]) => void,
    private readonly chunk = 250,
    private readonly depth = 4 + 4 * pool.size,
  ) {}

  async push(item: T, raw: PoolRaw): Promise<void> {
    this.items.push(item);
    this.raws.push(raw);
    if (this.items.length >= this.chunk) await this.submit();
  }

  private async submit(): Promise<void> {
    if (this.items.length === 0) return;
    const items = this.items;
    const p = this.pool.read(this.raws).then((reads) => ({ items, reads }));
    p.catch(() => undefined); // observed when its turn comes
    this.queue.push(p);
    this.items = [];
    this.raws = [];
    while (this.queue.length >= this.depth) {
      const { items: done, reads } = await this.queue.shift()!;
      this.take(done, reads);
    }
  }

  async flush(): Promise<void> {
    await this.submit();
    while (this.queue.length > 0) {
      const { items, reads } = await this.queue.shift()!;
      this.take(items, reads);
    }
  }
}
