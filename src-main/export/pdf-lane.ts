import type { Worker } from 'node:worker_threads';
import { AppError } from '../../src-shared/result';
import { startCjsWorker } from '../platform/worker-entry';
import type { Chunk } from './format';
import type { PdfMessage, PdfReply } from './pdf-worker';
import { ReportPdf, type LineOptions, type ReportCase, type ReportOp, type ReportWriter } from './report-pdf';
import type { ZipEntryWriter } from './zip-writer';

// The export's report, laid out on a worker thread of its own (pdf-worker.ts). The export's thread
// records each call and sends them a batch at a time (at each drained()); the worker sends the pages
// back deflated, and they are appended to the bundle in order. One batch is laid out while the export's
// thread reads the next, and no more than two are in flight, so memory stays a batch or two.

/**
 * The worker's heap, bounded (as the export's format workers', pool.ts): pdfkit's live data is a page,
 * its fonts and ~13 bytes a case for its page tree and cross-reference table (26 MiB live at the start,
 * 41 at a million cases, measured by heap statistics after a GC every 200 batches); what it lets go of is
 * collected at this bound instead of growing the heap. 48 MiB ran out at ~750,000 cases. Per-case
 * report of 20,000 cases (bench/export-child.ts), peak RSS: 64/8 MiB 242-258, 48/8 250-266; 32/4 slower
 * (more collections). On the export's own thread before: 373-382 MiB.
 */
const PDF_HEAP = {
  maxOldGenerationSizeMb: Number(process.env.WAYBILL_EXPORT_PDF_OLD_MB ?? 64),
  maxYoungGenerationSizeMb: Number(process.env.WAYBILL_EXPORT_PDF_YOUNG_MB ?? 8),
};

/** The built file beside the bundle, or the TypeScript source (the CLI and the bench run from source). */
function pdfWorker(): Worker {
  return startCjsWorker(
    { here: import.meta.url, source: './pdf-worker.ts', built: 'pdf-worker.cjs' },
    { resourceLimits: PDF_HEAP },
  );
}

/** Tests only: what the lane's worker does instead of its work. */
export interface PdfLaneFault {
  /** The worker is stopped once this many batches have been answered. */
  stopAfter?: number;
}

/**
 * The report for `out`: on a worker thread, or on this one when `inline` (an export told to use no
 * workers) or when the worker cannot start (a build without its file): the same bytes either way.
 */
export async function openReport(
  out: ZipEntryWriter,
  meta: { title: string; createdAt: Date },
  opts: { inline?: boolean; fault?: PdfLaneFault } = {},
): Promise<ReportWriter> {
  if (opts.inline) return ReportPdf.open(out, meta);
  let lane: PdfLane;
  try {
    lane = new PdfLane(pdfWorker(), out, opts.fault);
  } catch {
    return ReportPdf.open(out, meta);
  }
  try {
    await lane.call({ id: 0, open: { title: meta.title, createdAt: meta.createdAt.toISOString() } });
  } catch (e) {
    await lane.close();
    if (!lane.started) return ReportPdf.open(out, meta); // it never ran: the report is laid out here
    throw e;
  }
  return lane;
}

class PdfLane implements ReportWriter {
  private ops: ReportOp[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (c: Chunk[]) => void; reject: (e: Error) => void }>();
  /** The batch sent before the one being recorded, until its pages are in the bundle. */
  private inFlight: Promise<void> | null = null;
  private broken: Error | null = null;
  private closed = false;
  /** Whether the worker has answered once (one that never did is replaced by this thread). */
  started = false;

  constructor(
    private readonly worker: Worker,
    private readonly out: ZipEntryWriter,
    private readonly fault: PdfLaneFault = {},
  ) {
    let answered = 0;
    worker.on('message', (m: PdfReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.started = true;
      if ('error' in m) p.reject(new AppError('internal', `The report PDF failed: ${m.error}.`));
      else p.resolve(m.chunks);
      if (this.fault.stopAfter !== undefined && ++answered > this.fault.stopAfter) void worker.terminate();
    });
    worker.on('error', (e) => this.lost(e));
    worker.on('exit', (code) => this.lost(new Error(`exited with code ${code}`)));
  }

  private lost(e: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.broken = new AppError('internal', `The report PDF's worker stopped (${e.message}); no file was left behind.`);
    for (const p of this.pending.values()) p.reject(this.broken);
    this.pending.clear();
  }

  /** Sends one message; resolves with its pages once the worker has laid them out. */
  call(m: PdfMessage): Promise<Chunk[]> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.pending.set(m.id, { resolve, reject });
      this.worker.postMessage(m);
    });
  }

  line(text: string, opts: LineOptions = {}): void {
    this.ops.push(['line', text, opts]);
  }

  heading(text: string): void {
    this.ops.push(['heading', text]);
  }

  table(rows: [string, string][]): void {
    this.ops.push(['table', rows]);
  }

  caseSection(c: ReportCase): void {
    this.ops.push(['case', c]);
  }

  /** Sends the calls recorded since the last batch, then waits for the batch before it to be written. */
  async drained(): Promise<void> {
    const before = this.inFlight;
    const sent = this.call({ id: this.nextId++, ops: this.ops });
    sent.catch(() => undefined); // observed through inFlight (not when a batch before it failed first)
    this.ops = [];
    this.inFlight = (async () => {
      if (before) await before; // pages are appended in the order they were sent
      for (const c of await sent) this.out.take(c);
    })();
    this.inFlight.catch(() => undefined); // observed by the next drained() or end()
    if (before) await before;
    await this.out.drained();
  }

  async end(): Promise<void> {
    await this.drained();
    await this.inFlight;
    for (const c of await this.call({ id: this.nextId++, end: true })) this.out.take(c);
    await this.out.end();
    await this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new AppError('internal', 'The report PDF was closed.'));
    this.pending.clear();
    await this.worker.terminate();
  }
}
