import { parentPort } from 'node:worker_threads';
import { deflateChunk, type Chunk } from './format';
import { ReportPdf, type PdfSink, type ReportOp } from './report-pdf';

// The report PDF's worker thread (export/pdf-lane.ts): pdfkit lays the report out here, in a heap of
// its own with a bound, and the pages come back deflated, batch by batch, in order. Laid out on the
// export's own thread, pdfkit's garbage grew that thread's heap to ~200 MiB before V8 collected it
// (the per-case report at 20,000 cases: peak RSS 382 MiB); the report needs a few MiB live.

export type PdfMessage =
  | { id: number; open: { title: string; createdAt: string } }
  | { id: number; ops: ReportOp[] }
  | { id: number; end: true };

export type PdfReply = { id: number; chunks: Chunk[] } | { id: number; error: string };

let made: Uint8Array[] = [];
const sink: PdfSink = {
  // Pieces of up to 256 KiB, each in a buffer of its own (ReportPdf gathers pdfkit's writes).
  writeNow(data) {
    made.push(data);
  },
  drained: () => Promise.resolve(),
  end: () => Promise.resolve(),
};

/** What pdfkit made since the last batch, deflated here, off the export's thread. */
function takeMade(): Chunk[] {
  const chunks = made.map((raw) => ({ raw, deflated: deflateChunk(raw) }));
  made = [];
  return chunks;
}

let pdf: ReportPdf | undefined;

async function handle(m: PdfMessage): Promise<Chunk[]> {
  if ('open' in m) {
    pdf = await ReportPdf.open(sink, { title: m.open.title, createdAt: new Date(m.open.createdAt) });
    return [];
  }
  if (!pdf) throw new Error('no report is open');
  if ('ops' in m) {
    for (const op of m.ops) pdf.apply(op);
    await pdf.drained(); // pdfkit hands its output over from process.nextTick
  } else await pdf.end();
  return takeMade();
}

// One message at a time, in order: a batch arrives while the one before is still being written.
let turn = Promise.resolve();
parentPort?.on('message', (m: PdfMessage) => {
  turn = turn.then(async () => {
    try {
      const chunks = await handle(m);
      const transfer = chunks.flatMap((c) => [c.raw.buffer, c.deflated.buffer]) as ArrayBuffer[];
      parentPort?.postMessage({ id: m.id, chunks } satisfies PdfReply, transfer);
    } catch (e) {
      // The message only: a case's content never leaves in an error.
      parentPort?.postMessage({
        id: m.id,
        error: e instanceof Error ? `${e.name}: ${e.message}` : 'the report failed',
      } satisfies PdfReply);
    }
  });
});
