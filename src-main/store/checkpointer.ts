import type { Worker } from 'node:worker_threads';
import { startWorker } from '../platform/worker-entry';

/**
 * Checkpoints of the case database's WAL on a worker thread, during a bulk intake (store/db.ts
 * withBulkIntake): the main thread's connection, which also answers the queue, stops checkpointing
 * and only writes. Measured before: the sync suite's queue page waited up to 1.7 s behind a checkpoint.
 */
export class Checkpointer {
  private inFlight: Promise<void> | null = null;
  private settle: (() => void) | null = null;
  private broken = false;
  private exited = false;
  /** Checkpoints the worker has run (for tests). */
  runs = 0;
  /** The WAL's frames at the last checkpoint, and how many of them it had copied into the database. */
  wal = { frames: 0, copied: 0 };

  private constructor(
    private readonly worker: Worker,
    private readonly onFailure: () => void,
  ) {
    worker.on('message', (m: Reply) => {
      if (m.kind === 'done') {
        this.runs++;
        if (m.log !== undefined && m.checkpointed !== undefined) this.wal = { frames: m.log, copied: m.checkpointed };
      } else if (m.kind === 'failed') this.fail();
      this.finish();
    });
    worker.on('error', () => {
      this.fail();
      this.finish();
    });
    worker.on('exit', () => {
      this.exited = true;
      this.finish();
    });
  }

  /**
   * Opens the worker's own connection with a copy of `key` (zeroed there once used); null when it
   * cannot (no worker thread here, or the key no longer opens the file): the caller checkpoints itself.
   */
  static async start(file: string, key: Buffer, onFailure: () => void): Promise<Checkpointer | null> {
    let worker: Worker;
    try {
      // The worker opens the file as the owner does (store/db.ts openDatabase; WAYBILL_NATIVE_BINDING from
      // the environment it inherits).
      worker = startWorker(
        { here: import.meta.url, source: './checkpoint-worker.ts', built: 'checkpoint-worker.cjs' },
        { workerData: { file, key: new Uint8Array(key) } },
      );
    } catch {
      return null;
    }
    const ready = await new Promise<boolean>((resolve) => {
      worker.once('message', (m: Reply) => resolve(m.kind === 'ready'));
      worker.once('error', () => resolve(false));
      worker.once('exit', () => resolve(false));
    });
    if (!ready) {
      await worker.terminate();
      return null;
    }
    return new Checkpointer(worker, onFailure);
  }

  /** Asks for a checkpoint unless one is running (or the worker failed). */
  request(): void {
    if (this.inFlight || this.broken) return;
    this.inFlight = new Promise((resolve) => (this.settle = resolve));
    this.worker.postMessage('checkpoint');
  }

  /**
   * Checkpoints until one copies the whole WAL, while the caller writes nothing: the next write then
   * starts the WAL again from its beginning (SQLite does so only when every frame is in the database).
   * False when it could not: the worker failed, or after `rounds` tries (a reader such as an export's
   * snapshot keeps frames it still needs; the WAL then goes on growing until it ends).
   */
  async catchUp(rounds = 6): Promise<boolean> {
    for (let i = 0; i < rounds && !this.broken && !this.exited; i++) {
      await this.inFlight;
      this.request();
      await this.inFlight;
      if (this.wal.frames === this.wal.copied) return true;
    }
    return false;
  }

  /** A last checkpoint of what the intake left, then the worker's connection closes. */
  async close(): Promise<void> {
    await this.inFlight;
    this.request();
    await this.inFlight;
    if (this.exited) return;
    if (!this.broken) this.worker.postMessage('close');
    else void this.worker.terminate();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 10_000);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get failed(): boolean {
    return this.broken;
  }

  private fail(): void {
    if (this.broken) return;
    this.broken = true;
    this.onFailure();
  }

  private finish(): void {
    const settle = this.settle;
    this.inFlight = null;
    this.settle = null;
    settle?.();
  }
}

type Reply =
  | { kind: 'ready' | 'failed'; log?: undefined; checkpointed?: undefined }
  | { kind: 'done'; log?: number; checkpointed?: number };
