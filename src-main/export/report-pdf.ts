import { join } from 'node:path';
import type PDFDocumentClass from 'pdfkit';
import { resourcesDir } from '../platform/paths';
import { CHUNK as PIECE } from './zip-writer';

// The human-readable view of a bundle. Names are printed exactly as recorded, in their own script:
// DejaVu Sans covers Latin, Cyrillic, Greek and more; Droid Sans Fallback covers Chinese, Japanese
// and Korean. Each run of text goes to the font that has its glyphs (pdfkit does no fallback).

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]+/gu;

/** Splits text into runs for the body font and the CJK font. */
export function fontRuns(text: string): { cjk: boolean; text: string }[] {
  const runs: { cjk: boolean; text: string }[] = [];
  let at = 0;
  for (const m of text.matchAll(CJK)) {
    if (m.index > at) runs.push({ cjk: false, text: text.slice(at, m.index) });
    runs.push({ cjk: true, text: m[0] });
    at = m.index + m[0].length;
  }
  if (at < text.length || runs.length === 0) runs.push({ cjk: false, text: text.slice(at) });
  return runs;
}

/** Characters of DejaVu Sans at 9 pt that fit the A4 text width, with a margin. */
const MAX_LINE = 118;

export interface ReportCase {
  id: string;
  direction: string;
  status: string;
  asset: string;
  network: string;
  amount: string;
  fiat: string | null;
  transferTime: string;
  originatorName: string | null;
  originatorWallet: string;
  beneficiaryName: string | null;
  beneficiaryWallet: string;
  walletType: string;
  counterparty: string | null;
  checks: { name: string; outcome: string; summary: string }[];
  decisions: { kind: string; analyst: string; decidedAt: string; reasonCodes: string[]; note: string | null }[];
  /** The e-mail thread (correspondence.jsonl holds the messages in full). */
  mail: { direction: 'in' | 'out'; at: string; subject: string; state: string }[];
  legalHold: boolean;
  /** IVMS101 repairs (ivms101-versions.jsonl holds every version in full, the original as received first). */
  repairs?: { n: number; analyst: string; at: string; note: string | null; fields: string[] }[];
  /** Internal notes (notes.csv holds them in full). */
  notes?: { author: string; at: string; body: string; revises: boolean }[];
}

/** Where a report's bytes go: the bundle's entry (zip-writer.ts), or a worker's batch (pdf-worker.ts). */
export interface PdfSink {
  /** Takes bytes as pdfkit makes them, synchronously. */
  writeNow(data: Uint8Array): void;
  /** Resolves once the bytes taken so far may pile up no further. */
  drained(): Promise<void>;
  end(): Promise<unknown>;
}

export interface LineOptions {
  size?: number;
  bold?: boolean;
  gap?: number;
  wrap?: boolean;
}

/** One call on a report, as sent to the report's worker (export/pdf-lane.ts). */
export type ReportOp =
  ['line', string, LineOptions] | ['heading', string] | ['table', [string, string][]] | ['case', ReportCase];

/** What an export writes its report through: pdfkit on this thread (ReportPdf) or on a worker's. */
export interface ReportWriter {
  line(text: string, opts?: LineOptions): void;
  heading(text: string): void;
  table(rows: [string, string][]): void;
  caseSection(c: ReportCase): void;
  /** Waits while the bundle catches up (and lets a cancel be read): call between batches. */
  drained(): Promise<void>;
  end(): Promise<void>;
  /** Lets go of whatever the report holds (a worker), finished or not; safe to call twice. */
  close(): Promise<void>;
}

/** A page in pdfkit's page tree: its reference (an internal, pinned with pdfkit: report-pdf.test.ts). */
interface PageRef {
  id: number;
  gen: number;
  data?: Record<string, unknown>;
}

/** A written page's reference, its number alone, of the same class (pdfkit writes it as "id gen R"). */
function writtenRef(ref: PageRef): PageRef {
  const light = Object.create(Object.getPrototypeOf(ref) as object) as PageRef;
  light.id = ref.id;
  light.gen = ref.gen;
  return light;
}

// pdfkit (with fontkit and its inflate and brotli tables) is loaded by the first report, not when this module
// is: every CLI command and the app's start imported it though only an export with a PDF uses it
// (test/lint/lazy-heavy-modules.test.ts).
let PDFDocument: typeof PDFDocumentClass | undefined;

export class ReportPdf implements ReportWriter {
  private readonly doc: PDFKit.PDFDocument;
  private readonly ended: Promise<void>;

  /** A report writing to `out`; loads pdfkit the first time. */
  static async open(out: PdfSink, meta: { title: string; createdAt: Date }): Promise<ReportPdf> {
    PDFDocument ??= (await import('pdfkit')).default;
    return new ReportPdf(PDFDocument, out, meta);
  }

  private constructor(
    PDF: typeof PDFDocumentClass,
    private readonly out: PdfSink,
    meta: { title: string; createdAt: Date },
  ) {
    this.doc = new PDF({
      size: 'A4',
      margin: 48,
      bufferPages: false,
      // The ZIP deflates the whole file (on the thread pool, beside this thread); pdfkit's own
      // per-page deflate ran here, synchronously, and left the ZIP nothing to gain.
      compress: false,
      info: { Title: meta.title, Creator: 'Waybill', CreationDate: meta.createdAt },
    });
    const fonts = join(resourcesDir(), 'fonts');
    this.doc.registerFont('body', join(fonts, 'DejaVuSans.ttf'));
    this.doc.registerFont('bold', join(fonts, 'DejaVuSans-Bold.ttf'));
    this.doc.registerFont('cjk', join(fonts, 'DroidSansFallbackFull.ttf'));
    // pdfkit's bytes are taken where it writes them, gathered into pieces (take): pushed through its
    // readable side, each write (a few bytes: an xref line) stayed there as an object until the next
    // tick, and the xref is written in one loop at the end: ~570,000 of them at a million cases took
    // the heap from 48 to 115 MiB. Only the end (push(null)) reaches the readable side now: the 'data'
    // listener below keeps it flowing, so that 'end' is emitted.
    const doc = this.doc as unknown as { _write(data: string | Uint8Array): void; _offset: number };
    doc._write = (data) => {
      // pdfkit's own conversion (fromBinaryString) keeps each UTF-16 unit's low byte, as latin1 does.
      doc._offset += typeof data === 'string' ? this.takeText(`${data}\n`) : this.take(data);
    };
    // What pdfkit wrote before this (its header, written by its constructor) waits on its readable
    // side: taken first, so the bytes stay in the order of the offsets pdfkit counted.
    for (let head = this.doc.read() as Buffer | null; head !== null; head = this.doc.read() as Buffer | null)
      this.take(head);
    this.doc.on('data', (chunk: Buffer) => this.take(chunk));
    // pdfkit keeps every page it has written (dictionary, resources, content objects) for the page
    // tree at the end, which needs only their object numbers: about 3 KB a page, 150 MB at a million
    // cases. Once a page is written (pdfkit writes the previous one before adding the next), it is
    // replaced in the tree by an object holding its number alone, of pdfkit's reference class (so the
    // tree is written as before, "N 0 R"): the reference object itself, with its emptied dictionary and
    // buffer, still took ~250 bytes a page, 34 MiB at a million cases (the report's worker ran out of
    // its heap at ~750,000).
    let written = 0;
    this.doc.on('pageAdded', () => {
      const kids = this.pageRefs();
      for (; written < kids.length - 1; written++) kids[written] = writtenRef(kids[written]!);
    });
    this.ended = new Promise((resolve, reject) => {
      this.doc.on('end', resolve);
      this.doc.on('error', reject);
    });
  }

  /** The piece pdfkit's bytes are gathered in (PIECE bytes), and how much of it is filled. */
  private piece = Buffer.allocUnsafeSlow(PIECE);
  private fill = 0;

  /** Adds bytes to the piece, handing each full piece to `out`; returns how many. */
  private take(data: Uint8Array): number {
    for (let at = 0; at < data.length;) {
      const n = Math.min(PIECE - this.fill, data.length - at);
      this.piece.set(data.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
      if (this.fill === PIECE) {
        this.out.writeNow(this.piece);
        this.piece = Buffer.allocUnsafeSlow(PIECE);
        this.fill = 0;
      }
    }
    return data.length;
  }

  /** A string of pdfkit's as its bytes (latin1), written into the piece where it fits. */
  private takeText(text: string): number {
    if (this.fill + text.length <= PIECE) {
      this.fill += this.piece.write(text, this.fill, 'latin1');
      return text.length;
    }
    return this.take(Buffer.from(text, 'latin1'));
  }

  /** Hands over what the piece holds (a copy in a buffer of its own: the piece is written on). */
  private flush(): void {
    if (this.fill === 0) return;
    this.out.writeNow(new Uint8Array(this.piece.subarray(0, this.fill)));
    this.fill = 0;
  }

  /**
   * One line; runs of CJK switch font. `bold` applies to the non-CJK runs. Case lines are built to
   * fit the width and skip pdfkit's line wrapper (the slow part); free text is cut to fit.
   */
  line(text: string, opts: LineOptions = {}): void {
    const doc = this.doc;
    doc.fontSize(opts.size ?? 9);
    if (opts.wrap) {
      const runs = fontRuns(text);
      runs.forEach((r, i) => {
        doc.font(r.cjk ? 'cjk' : opts.bold ? 'bold' : 'body');
        doc.text(r.text, { continued: i < runs.length - 1 });
      });
    } else {
      // Placed run by run at explicit positions: no wrapper, one line, then down by its height.
      const left = doc.page.margins.left;
      if (doc.y + (opts.size ?? 9) * 1.4 > doc.page.maxY()) doc.addPage(); // a long section runs on
      const y = doc.y;
      let x = left;
      let height = 0;
      for (const r of fontRuns(text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text)) {
        doc.font(r.cjk ? 'cjk' : opts.bold ? 'bold' : 'body');
        doc.text(r.text, x, y, { lineBreak: false });
        x += doc.widthOfString(r.text);
        height = Math.max(height, doc.currentLineHeight(true));
      }
      doc.x = left;
      doc.y = y + height;
    }
    if (opts.gap) doc.moveDown(opts.gap);
  }

  heading(text: string): void {
    if (this.doc.y > this.doc.page.height - 160) this.doc.addPage();
    this.line(text, { size: 13, bold: true, gap: 0.3 });
  }

  table(rows: [string, string][]): void {
    for (const [k, v] of rows) this.line(`${k}: ${v}`);
    this.doc.moveDown(0.5);
  }

  caseSection(c: ReportCase): void {
    // Keeps a section on one page when it fits on one.
    const lines =
      4 +
      (c.counterparty ? 1 : 0) +
      c.checks.length +
      Math.max(1, c.decisions.length) +
      c.mail.length +
      (c.repairs?.length ?? 0) +
      (c.notes?.length ?? 0);
    if (this.doc.y + lines * 12 + 8 > this.doc.page.maxY() && this.doc.y > this.doc.page.margins.top + 1)
      this.doc.addPage();
    this.line(`Case ${c.id} · ${c.direction} · ${c.status.replace(/_/g, ' ')}${c.legalHold ? ' · LEGAL HOLD' : ''}`, {
      size: 10,
      bold: true,
    });
    this.line(
      `Transfer: ${c.amount} ${c.asset} on ${c.network}${c.fiat ? ` (${c.fiat})` : ''} at ${c.transferTime} · ${c.walletType} wallet`,
    );
    this.line(`Originator: ${c.originatorName ?? '(no name)'} · ${c.originatorWallet}`);
    this.line(`Beneficiary: ${c.beneficiaryName ?? '(no name)'} · ${c.beneficiaryWallet}`);
    if (c.counterparty) this.line(`Counterparty VASP: ${c.counterparty}`);
    for (const k of c.checks) this.line(`Check ${k.name}: ${k.outcome} · ${k.summary}`);
    if (c.decisions.length === 0) this.line('Decisions: none recorded');
    for (const d of c.decisions) {
      const reasons = d.reasonCodes.length ? ` [${d.reasonCodes.join(', ')}]` : '';
      this.line(
        `Decision: ${d.kind.replace(/_/g, ' ')} by ${d.analyst} at ${d.decidedAt}${reasons}${d.note ? ` · ${d.note}` : ''}`,
      );
    }
    for (const m of c.mail)
      this.line(`E-mail ${m.direction === 'out' ? 'sent' : 'received'} ${m.at} (${m.state}) · ${m.subject}`); // subjects are cut to fit
    for (const r of c.repairs ?? [])
      this.line(
        `IVMS101 repaired (version ${r.n}, the original as received kept) by ${r.analyst} at ${r.at}: ${r.fields.join(', ')}${r.note ? ` · ${r.note}` : ''}`,
      );
    for (const n of c.notes ?? [])
      this.line(`Internal note${n.revises ? ' (revision)' : ''} by ${n.author} at ${n.at} · ${n.body}`);
    this.doc.moveDown(0.6);
  }

  /**
   * Waits while the zip writer catches up, so the PDF never piles up in memory. Also empties
   * pdfkit's per-font layout cache, which keeps every distinct word (every wallet, every id) for
   * the life of the document: about 35 KB a case if left alone. Within a batch it still pays off.
   */
  async drained(): Promise<void> {
    const families =
      (this.doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: Record<string, unknown> }> })
        ._fontFamilies ?? {};
    for (const f of Object.values(families))
      if (f.layoutCache) f.layoutCache = Object.create(null) as Record<string, unknown>;
    this.flush();
    // A turn of the event loop: where a cancel request gets read.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.out.drained();
  }

  /** pdfkit's page tree (an internal, pinned with pdfkit: the streaming test notices a change). */
  private pageRefs(): PageRef[] {
    return (
      (this.doc as unknown as { _root?: { data?: { Pages?: { data?: { Kids?: PageRef[] } } } } })._root?.data?.Pages
        ?.data?.Kids ?? []
    );
  }

  /** Pages whose objects are still held in memory (written ones are let go). */
  get heldPages(): number {
    return this.pageRefs().filter((r) => r.data !== undefined).length;
  }

  /** Bytes pdfkit has produced that have not yet reached the bundle. */
  get unsent(): number {
    return this.doc.readableLength;
  }

  /** One call made elsewhere (the report's worker replays what the export thread sent). */
  apply(op: ReportOp): void {
    if (op[0] === 'line') this.line(op[1], op[2]);
    else if (op[0] === 'heading') this.heading(op[1]);
    else if (op[0] === 'table') this.table(op[1]);
    else this.caseSection(op[1]);
  }

  async end(): Promise<void> {
    this.doc.end();
    await this.ended;
    this.flush();
    await this.out.end();
  }

  async close(): Promise<void> {
    // Nothing beyond this thread's heap: an unfinished document is collected with it.
  }
}
