import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { AppError } from '../../src-shared/result';
import { startCjsWorker } from '../platform/worker-entry';
import { formatJob, RuleSources, type FormatJob, type Formatted } from './format';

// The export's worker threads. The database stays on the export's one connection (one read
// transaction, so one snapshot: a second connection would see another moment); what needs no
// database, formatting and deflate, runs here on the other cores. Batches go round to the least
// busy worker and come back as promises the caller awaits in order, a bounded number at a time.

/** Workers of one export: one per core (the reading thread mostly waits on SQLite and the workers). */
export function exportWorkerCount(): number {
  const env = process.env.WAYBILL_EXPORT_WORKERS;
  if (env !== undefined && /^\d+$/.test(env)) return Math.min(Number(env), 8);
  return Math.min(Math.max(availableParallelism(), 1), 4);
}

/**
 * A worker's heap, bounded so the export's memory stays flat: V8 otherwise sizes a busy thread's heap
 * from the machine's memory and lets garbage pile up before collecting. A batch (a page of 250 cases
 * with their checks) needs a few MiB. The young generation is capped too (V8's default lets it reach
 * 48 MiB a worker): measured at 100,000 cases (summary, load 8-10), peak RSS 444 MiB without the cap,
 * 376 MiB with 12 MiB, CPU 57.9 s and 64.9 s (more frequent scavenges; noisy at that load); 4 MiB since
 * (a worker's heap ~26 -> ~20 MiB busy; 2 MiB cost 2 s CPU more at 20,000 cases). The old generation
 * grew toward its cap over a long export (peak RSS 271-275 MiB at 20,000 cases, 297 at 100,000 with
 * 64 MiB; 282 with 32, the same CPU: 45.7 and 46.7 s, load 6-7.7). A worker uses ~12-16 MiB of it; a
 * batch too large for it stops the export with an error naming the worker (no file left behind).
 */
const WORKER_HEAP = {
  maxOldGenerationSizeMb: Number(process.env.WAYBILL_EXPORT_WORKER_OLD_MB ?? 32),
  maxYoungGenerationSizeMb: Number(process.env.WAYBILL_EXPORT_WORKER_YOUNG_MB ?? 4),
};

/** The built file beside the bundle, or the TypeScript source (the CLI and the bench run from source). */
function workerFor(): Worker {
  return startCjsWorker(
    { here: import.meta.url, source: './format-worker.ts', built: 'export-worker.cjs' },
    { resourceLimits: WORKER_HEAP },
  );
}

interface Pending {
  resolve: (f: Formatted) => void;
  reject: (e: Error) => void;
  kind: FormatJob['kind'];
  /** Kept only until the worker has answered once (for in-line formatting if it never starts): rows are not held twice. */
  job: FormatJob | null;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** A worker that answered once started; one that never did is replaced by in-line formatting. */
  answered: boolean;
}

export class FormatPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private broken: Error | null = null;
  private closed = false;
  private recycled = 0;
  /** The snapshot's rule_sources, for batches formatted here (each worker holds its own copy). */
  private sources = new RuleSources();

  constructor(workers = exportWorkerCount()) {
    for (let i = 0; i < workers; i++) {
      let worker: Worker;
      try {
        worker = workerFor();
      } catch {
        break; // no worker: formatted in-line
      }
      const slot: Slot = { worker, pending: new Map(), answered: false };
      worker.on('message', (m: { id: number; out?: Formatted; error?: string }) => {
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        slot.answered = true;
        if (m.out) p.resolve(m.out);
        else p.reject(new AppError('internal', `Formatting ${p.kind} failed: ${m.error ?? 'no reason given'}.`));
      });
      const lost = (e: Error) => this.lost(slot, e);
      worker.on('error', lost);
      worker.on('exit', (code) => lost(new Error(`exited with code ${code}`)));
      this.slots.push(slot);
    }
  }

  /** Workers running (0: every batch is formatted in-line, on the calling thread). */
  get size(): number {
    return this.slots.length;
  }

  private lost(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    if (this.closed) return;
    if (!slot.answered) {
      // It never started (a build without the worker's file, say): its batches are formatted here.
      for (const p of slot.pending.values()) {
        if (p.job) this.inline(p, p.job);
        else p.reject(new AppError('internal', `An export worker stopped (${e.message}); no file was left behind.`));
      }
      return;
    }
    this.broken = new AppError('internal', `An export worker stopped (${e.message}); no file was left behind.`);
    for (const p of slot.pending.values()) p.reject(this.broken);
  }

  /**
   * The snapshot's rule_sources (digest, text), sent to each worker once before the batches that need
   * them (a worker takes its messages in order), not with every batch.
   */
  shareSources(rows: readonly (readonly [string, string])[]): void {
    this.sources = new RuleSources(rows);
    for (const s of this.slots) s.worker.postMessage({ sources: rows });
  }

  private inline(p: Pending, job: FormatJob): void {
    try {
      p.resolve(formatJob(job, undefined, this.sources));
    } catch (e) {
      p.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  run(job: FormatJob): Promise<Formatted> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new AppError('internal', 'The export workers were closed.'));
    const slot = this.slots.reduce<Slot | undefined>(
      (best, s) => (!best || s.pending.size < best.pending.size ? s : best),
      undefined,
    );
    return new Promise((resolve, reject) => {
      const p: Pending = { resolve, reject, kind: job.kind, job: slot?.answered ? null : job };
      if (!slot) return this.inline(p, job);
      const id = this.nextId++;
      slot.pending.set(id, p);
      slot.worker.postMessage({ id, job });
    });
  }

  /**
   * Hands a batch's buffer back once its bytes are hashed and written: to a worker, which writes later
   * batches into it (the transfer frees it here at once). Buffers this thread made itself are left.
   */
  recycle(raw: Uint8Array): void {
    const ready = this.slots.filter((s) => s.answered);
    const slot = ready[this.recycled++ % Math.max(ready.length, 1)];
    if (!slot || raw.byteOffset !== 0 || raw.buffer.byteLength < 1 << 20) return;
    const buffer = raw.buffer as ArrayBuffer;
    slot.worker.postMessage({ recycle: buffer }, [buffer]);
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

/**
 * Batches formatted in parallel and taken in the order they were submitted: at most `depth` wait at
 * once, so memory holds a few batches whatever the export's size. One a worker: with one more (and
 * each worker keeping two spare buffers, format-worker.ts KEEP) the peak RSS at 20,000 cases was
 * 290-308 MiB, with one each 271-275 MiB, the same CPU and wall time (10.0-12.8 s CPU, load 4-7).
 */
export class InOrder {
  private readonly queue: Promise<Formatted>[] = [];

  constructor(
    private readonly pool: FormatPool,
    private readonly take: (f: Formatted) => void | Promise<void>,
    private readonly depth = Math.max(pool.size, 1),
  ) {}

  async submit(job: FormatJob): Promise<void> {
    const p = this.pool.run(job);
    p.catch(() => undefined); // observed when its turn comes
    this.queue.push(p);
    while (this.queue.length >= this.depth) await this.take(await this.queue.shift()!);
  }

  async flush(): Promise<void> {
    while (this.queue.length > 0) await this.take(await this.queue.shift()!);
  }
}
