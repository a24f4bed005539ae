import type { ExportPdfMode } from '../../src-shared/contract';
import { AppError } from '../../src-shared/result';
import { dispositionHistory } from '../screening/store';
import { canonicalLine } from './jsonl';
import type { ReadableDB } from '../store/db';
import type { Statement } from 'better-sqlite3-multiple-ciphers';
import { csvRow } from './csv';
import { teamReport } from '../team/report';
import { openReport, type PdfLaneFault } from './pdf-lane';
import type { ReportWriter } from './report-pdf';
import {
  CASE_COLUMNS,
  CASES_CSV_HEADER,
  CHECK_COLUMNS,
  correspondenceRecord,
  DECISION_COLUMNS,
  decisionCsvRow,
  DECISIONS_CSV_HEADER,
  evaluationRecord,
  groupBy,
  IVMS101_VERSION_COLUMNS,
  ivms101VersionRecord,
  MESSAGE_COLUMNS,
  NOTE_COLUMNS,
  noteCsvRow,
  NOTES_CSV_HEADER,
  PURGED_CSV_HEADER,
  purgedCsvRow,
  reportCase,
  TOMBSTONE_COLUMNS,
  type AttachmentRow,
  type AuditRow,
  type CaseRow,
  type CheckRow,
  type CheckSummaryRow,
  type DecisionRow,
  type Ivms101VersionRow,
  type MailSummaryRow,
  type NoteRow,
  type MessageRow,
  type TombstoneRow,
} from './rows';
import { selectionWhere, type ExportSelection } from './selection';
import { InOrder, type FormatPool } from './pool';
import type { Formatted, TallyPart } from './format';
import type { SpooledEntry, WrittenFile, ZipBundleWriter, ZipEntryWriter } from './zip-writer';

// The bundle's files, one writer each, in the order they are written. Every writer reads the same
// snapshot (createExport holds one read transaction) through the typed queries of BundleSource.

/**
 * Cases a page (and a worker's batch). 250, not 500: a batch's rows, parsed results and text are what a
 * worker's young generation holds at once, so half a page lets it be small (pool.ts WORKER_HEAP);
 * measured at 100,000 cases: peak RSS 444 MiB with 250 and 2 kept buffers vs 512 MiB with 500 and 6.
 */
const PAGE = 250;

/** Case text (the IVMS101 payload as received) a page holds at most, beyond its first case: 2 MiB. */
export const PAGE_TEXT_BYTES = 2 * 2 ** 20;

/** How a walk reads a row's id, and its share of that budget: its IVMS101 text (UTF-16 length, close enough), or nothing for an id. */
interface Access<R> {
  id: (row: R) => string;
  textBytes: (row: R) => number;
}
const byName: Access<CaseId> = {
  id: (row) => row.id,
  textBytes: (row) => {
    const text = (row as Partial<CaseRow>).ivms101;
    return typeof text === 'string' ? text.length : 0;
  },
};

export type Phase =
  | 'cases.csv'
  | 'cases.jsonl'
  | 'decisions.csv'
  | 'evaluations.jsonl'
  | 'correspondence.jsonl'
  | 'ivms101-versions.jsonl'
  | 'notes.csv'
  | 'attachments'
  | 'purged.csv'
  | 'audit.jsonl'
  | 'report.pdf'
  | 'signing';

export interface Counts {
  cases: number;
  decisions: number;
  evaluations: number;
  messages: number;
  attachments: number;
  purged: number;
  auditEvents: number;
  /** IVMS101 versions written (the original as received and each repair). */
  ivms101Versions: number;
  notes: number;
}

export type AuditRange = { fromSeq: number; toSeq: number; prevHashOfFirst: string; lastHash: string } | null;

type Params = Record<string, unknown>;
type CaseId = Pick<CaseRow, 'id'>;

/**
 * A page of cases as SQLite's values, a row an array in the statement's column order (its `columns`),
 * with each row's id: what the case pass hands the workers (format.ts caseRows makes the same objects
 * there). better-sqlite3 building an object of 28 named members per row cost the reading thread, the one
 * an export waits on, about 15 us a case of its 160-200 (issue 21, lever 2).
 */
export interface RawCasePage {
  columns: readonly string[];
  values: unknown[][];
  ids: string[];
}
/** A case as a page reads it: with its rowid, for the set of selected cases (SelectedCases). */
type PageRow = CaseRow & { rid: number };

/**
 * The selected cases by rowid, one bit each, marked as the case pass walks them: audit.jsonl then
 * asks it whether an event's case is selected, where it tested each event's case against the
 * selection by reading the case's row (a table page read and decrypted per event: 3.5 s at 100,000
 * cases). 125 KiB at a million cases; a store whose rowids run past MAX_ROWID keeps the SQL test.
 */
export class SelectedCases {
  static readonly MAX_ROWID = 2 ** 27; // 16 MiB of bits
  private bits = new Uint8Array(1 << 12);
  private overflow = false;
  private walked = false;

  add(rowid: number): void {
    if (!Number.isSafeInteger(rowid) || rowid < 0 || rowid >= SelectedCases.MAX_ROWID) {
      this.overflow = true;
      return;
    }
    const byte = rowid >>> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length;
      while (size <= byte) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte]! |= 1 << (rowid & 7);
  }

  has(rowid: number): boolean {
    const byte = rowid >>> 3;
    return rowid >= 0 && byte < this.bits.length && (this.bits[byte]! & (1 << (rowid & 7))) !== 0;
  }

  /** Every selected case was marked (a whole walk ended), and each rowid fitted. */
  get complete(): boolean {
    return this.walked && !this.overflow;
  }

  markWalked(): void {
    this.walked = true;
  }
}
/** "a, b" → "t.a, t.b": a column list qualified by its table's alias in a join. */
const prefixed = (alias: string, columns: string) =>
  columns
    .split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');
const inList = (n: number) => Array.from({ length: n }, () => '?').join(',');

/** The selection's rows, read a page at a time, with progress and cancellation between pages. */
export class BundleSource {
  readonly where: { sql: string; params: Params };
  readonly total: number;
  readonly counts: Counts;
  private readonly page;
  private readonly rawPage;
  private readonly rawColumns: string[];
  private readonly idPage;
  /** The selected cases, marked by the first whole walk over them (eachPage). */
  readonly selected = new SelectedCases();
  /** IN-list statements by their text: a full page's is prepared once, not once a page. */
  private readonly inStatements = new Map<string, Statement<string[], unknown>>();

  constructor(
    readonly db: ReadableDB,
    readonly selection: ExportSelection,
    private readonly signal: AbortSignal | undefined,
    readonly progress: (phase: Phase, done: number, total: number) => void,
    /** Formats and deflates the large files' batches on the other cores (export/pool.ts). */
    readonly pool: FormatPool,
  ) {
    this.where = selectionWhere(selection);
    this.total =
      db
        .prepare<Params, { n: number }>(`SELECT count(*) AS n FROM cases c WHERE ${this.where.sql}`)
        .get(this.where.params)?.n ?? 0;
    this.counts = {
      cases: this.total,
      decisions: 0,
      evaluations: 0,
      messages: 0,
      attachments: 0,
      purged: 0,
      auditEvents: 0,
      ivms101Versions: 0,
      notes: 0,
    };
    const sql = casePageSql(this.where.sql);
    this.page = db.prepare<Params, PageRow>(sql.rows);
    this.rawPage = db.prepare<Params, unknown[]>(sql.rows).raw(true);
    this.rawColumns = this.rawPage.columns().map((c) => c.name);
    // The passes that write other tables' rows need only the ids (not the IVMS101 payload each time).
    this.idPage = db.prepare<Params, CaseId>(sql.ids);
  }

  checkAbort(): void {
    if (this.signal?.aborted) throw new AppError('cancelled', 'The export was cancelled.');
  }

  /** Every case pass walks the selection in id order, a page at a time. */
  async eachPage(phase: Phase, fn: (rows: CaseRow[]) => Promise<void>): Promise<void> {
    const mark = this.selected.complete ? null : this.selected;
    await this.walk(this.page, phase, byName, async (rows) => {
      if (mark) for (const r of rows) mark.add(r.rid);
      await fn(rows);
    });
    mark?.markWalked();
  }

  /** The same walk, each page as SQLite's values (RawCasePage), for the workers. */
  async eachRawPage(phase: Phase, fn: (page: RawCasePage) => Promise<void>): Promise<void> {
    const mark = this.selected.complete ? null : this.selected;
    const columns = this.rawColumns;
    const [id, rid, ivms101] = ['id', 'rid', 'ivms101'].map((c) => columns.indexOf(c)) as [number, number, number];
    const access: Access<unknown[]> = {
      id: (v) => v[id] as string,
      textBytes: (v) => {
        const text = v[ivms101];
        return typeof text === 'string' ? text.length : 0;
      },
    };
    await this.walk(this.rawPage, phase, access, async (values) => {
      if (mark) for (const v of values) mark.add(v[rid] as number);
      await fn({ columns, values, ids: values.map(access.id) });
    });
    mark?.markWalked();
  }

  /** The same walk, reading only the ids. */
  async eachIdPage(phase: Phase, fn: (rows: CaseId[]) => Promise<void>): Promise<void> {
    await this.walk(this.idPage, phase, byName, fn);
  }

  private async walk<R>(
    stmt: Statement<Params, R>,
    phase: Phase,
    access: Access<R>,
    fn: (rows: R[]) => Promise<void>,
  ): Promise<void> {
    let after = '';
    let done = 0;
    this.progress(phase, done, this.total);
    for (;;) {
      this.checkAbort();
      // A page ends at PAGE cases or at PAGE_TEXT_BYTES of case text, whichever comes first: a case may
      // carry up to 1 MiB of IVMS101 (the intake's line limit), and 250 such cases were a 237 MB batch on
      // each thread (300 cases of 0.9 MiB: peak RSS 923 MiB; 375-388 MiB with 2 MiB pages). A page of
      // ordinary cases (about 2.3 KiB each) never reaches it.
      const rows: R[] = [];
      let bytes = 0;
      for (const row of stmt.iterate({ ...this.where.params, after })) {
        rows.push(row);
        bytes += access.textBytes(row);
        if (bytes >= PAGE_TEXT_BYTES) break; // ends the statement: the next page starts after this row
      }
      const last = rows.at(-1);
      if (!last) break;
      await fn(rows);
      done += rows.length;
      after = access.id(last);
      this.progress(phase, done, this.total);
    }
  }

  /**
   * Rows of a per-case table (decisions, IVMS101 versions, notes) for the selected cases, in case id
   * order, read by one statement from that table's case index: most cases have none, so walking the
   * cases a page at a time read every selected case to find a few rows.
   */
  async eachJoined<R>(phase: Phase, f: ZipEntryWriter, sql: string, each: (row: R) => void): Promise<void> {
    this.progress(phase, 0, 0);
    let n = 0;
    for (const row of this.db.prepare<Params, R>(sql).iterate(this.where.params)) {
      each(row);
      if (++n % PAGE === 0) {
        this.checkAbort();
        await f.drained(); // only this export reads through this connection: the open statement waits
        this.progress(phase, n, 0);
      }
    }
    this.progress(phase, n, 0);
  }

  /** Rows of another table for a page of cases, by an IN list of their ids. */
  private forCases<R>(sql: (list: string) => string, rows: readonly CaseId[] | readonly string[]): R[] {
    const text = sql(inList(rows.length));
    let stmt = this.inStatements.get(text);
    if (!stmt) this.inStatements.set(text, (stmt = this.db.prepare<string[], unknown>(text)));
    return (stmt as Statement<string[], R>).all(...rows.map((r) => (typeof r === 'string' ? r : r.id)));
  }

  decisionsFor(rows: readonly CaseId[]): DecisionRow[] {
    return this.forCases<DecisionRow>(
      (list) => `SELECT ${DECISION_COLUMNS} FROM decisions WHERE case_id IN (${list}) ORDER BY case_id, decided_at, id`,
      rows,
    );
  }

  /**
   * The stored checks as stored: a Travel Rule result's citations stay a reference (migration 0022),
   * put back in the workers from ruleSources(), not by the view case_checks_full in SQL for every row.
   */
  checksFor(rows: readonly CaseId[] | readonly string[]): CheckRow[] {
    return this.forCases<CheckRow>(
      (list) => `SELECT ${CHECK_COLUMNS} FROM case_checks WHERE case_id IN (${list}) ORDER BY case_id, check_name`,
      rows,
    );
  }

  /**
   * What the per-case report prints of each check: its name, outcome and summary. Not the stored result
   * (~7 KB a case, most of it in overflow pages SQLite then need not read): reading it for the report
   * only made garbage on this thread.
   */
  checkSummariesFor(rows: readonly CaseId[]): CheckSummaryRow[] {
    return this.forCases<CheckSummaryRow>(
      (list) =>
        `SELECT case_id, check_name, outcome, summary FROM case_checks WHERE case_id IN (${list}) ORDER BY case_id, check_name`,
      rows,
    );
  }

  /** Every rule version's citations the snapshot holds, by digest (a few lists, read once per export). */
  ruleSources(): [digest: string, sources: string][] {
    return this.db
      .prepare<[], { digest: string; sources: string }>('SELECT digest, sources FROM rule_sources ORDER BY digest')
      .all()
      .map((r) => [r.digest, r.sources]);
  }

  versionsFor(rows: readonly CaseId[]): Ivms101VersionRow[] {
    return this.forCases<Ivms101VersionRow>(
      (list) =>
        `SELECT ${IVMS101_VERSION_COLUMNS} FROM ivms101_versions v LEFT JOIN outbox o ON o.idempotency_key = v.repair_id
         WHERE v.case_id IN (${list}) ORDER BY v.case_id, v.n`,
      rows,
    );
  }

  notesFor(rows: readonly CaseId[]): NoteRow[] {
    return this.forCases<NoteRow>(
      (list) => `SELECT ${NOTE_COLUMNS} FROM case_notes WHERE case_id IN (${list}) ORDER BY case_id, created_at, rowid`,
      rows,
    );
  }

  mailFor(rows: readonly CaseId[]): MailSummaryRow[] {
    return this.forCases<MailSummaryRow>(
      (list) =>
        `SELECT case_id, direction, subject, state, coalesce(sent_at, received_at, created_at) AS at FROM mail_messages WHERE case_id IN (${list}) ORDER BY case_id, created_at, id`,
      rows,
    );
  }
}

/** The report's summary figures, tallied during the first pass (GROUP BY over a million rows sorts in memory). */
export class Tally {
  readonly status = new Map<string, number>();
  readonly direction = new Map<string, number>();
  readonly travel_rule = new Map<string, number>();
  readonly ivms101 = new Map<string, number>();
  readonly screening = new Map<string, number>();
  /** Counterparty jurisdiction → status → cases (the summary PDF's outcomes by jurisdiction). */
  readonly jurisdiction = new Map<string, Map<string, number>>();
  /** Decision kind → decisions. */
  readonly decisionKind = new Map<string, number>();
  /** Cases on legal hold: how many, and the first LISTED ids (the rest are in cases.csv's legal_hold column). */
  legalHolds = 0;
  readonly legalHoldIds: string[] = [];
  static readonly LISTED = 200;

  static bump(m: Map<string, number>, k: string | undefined | null): void {
    m.set(k ?? '(none)', (m.get(k ?? '(none)') ?? 0) + 1);
  }

  /** A batch's figures (formatted in a worker: each case's row fields and its three check outcomes), in case id order. */
  addPart(part: TallyPart): void {
    for (const [status, direction, jurisdiction, travelRule, ivms101, screening] of part.rows) {
      Tally.bump(this.status, status);
      Tally.bump(this.direction, direction);
      Tally.bump(this.travel_rule, travelRule);
      Tally.bump(this.ivms101, ivms101);
      Tally.bump(this.screening, screening);
      const j = jurisdiction ?? '(none)';
      let byStatus = this.jurisdiction.get(j);
      if (!byStatus) this.jurisdiction.set(j, (byStatus = new Map()));
      Tally.bump(byStatus, status);
    }
    for (const id of part.holds) {
      this.legalHolds++;
      if (this.legalHoldIds.length < Tally.LISTED) this.legalHoldIds.push(id);
    }
  }
}

/**
 * The batches of one file, formatted and deflated by the pool in parallel and appended in order: the
 * reading thread only reads, hashes and writes. `take` sees each batch's result (the tally's part).
 */
function inOrder(src: BundleSource, f: ZipEntryWriter): InOrder {
  return new InOrder(src.pool, async (out) => {
    for (const c of out.chunks) {
      f.take(c);
      src.pool.recycle(c.raw);
    }
    await f.drained();
  });
}

/**
 * cases.csv, cases.jsonl and evaluations.jsonl from one walk over the selection: each page of cases
 * and all their checks are read once (they were read twice each, by four passes) and formatted by
 * the pool. cases.csv goes into the bundle as it is made; the other two are spooled beside it and
 * placed in the bundle in their turn (SpooledEntry.place), so the files keep their order.
 */
export async function writeCaseFiles(
  src: BundleSource,
  zip: ZipBundleWriter,
  tally: Tally,
  spoolFile: (name: string) => string,
): Promise<{ casesJsonl: SpooledEntry; evaluationsJsonl: SpooledEntry }> {
  const spooled: SpooledEntry[] = [];
  try {
    const casesJsonl = zip.spool('cases.jsonl', spoolFile('cases.jsonl'));
    spooled.push(casesJsonl);
    const evaluationsJsonl = zip.spool('evaluations.jsonl', spoolFile('evaluations.jsonl'));
    spooled.push(evaluationsJsonl);
    const csv = zip.entry('cases.csv');
    await csv.text(csvRow(CASES_CSV_HEADER));
    src.pool.shareSources(src.ruleSources());
    const batches = new InOrder(src.pool, async (out: Formatted) => {
      const [c, j, e] = out.chunks;
      csv.take(c!);
      casesJsonl.writer.take(j!);
      evaluationsJsonl.writer.take(e!);
      for (const chunk of out.chunks) src.pool.recycle(chunk.raw);
      if (out.tally) tally.addPart(out.tally);
      await csv.drained();
    });
    await src.eachRawPage('cases.csv', async (page) => {
      const checks = src.checksFor(page.ids);
      src.counts.evaluations += checks.length;
      const written: [number, string][] = [];
      checks.forEach((k, i) => {
        const line = withHistory(src, k);
        if (line !== null) written.push([i, line]);
      });
      await batches.submit({ kind: 'cases', cases: { columns: page.columns, values: page.values }, checks, written });
    });
    await batches.flush();
    await csv.end();
    await casesJsonl.writer.end();
    await evaluationsJsonl.writer.end();
    return { casesJsonl, evaluationsJsonl };
  } catch (e) {
    for (const s of spooled) s.remove();
    throw e;
  }
}

/** decisions.csv: every decision on a selected case, with who, when, why, and whether it reached the backend. */
export async function writeDecisionsCsv(src: BundleSource, zip: ZipBundleWriter, tally: Tally): Promise<void> {
  const f = zip.entry('decisions.csv');
  await f.text(csvRow(DECISIONS_CSV_HEADER));
  await src.eachJoined<DecisionRow>(
    'decisions.csv',
    f,
    `SELECT ${prefixed('d', DECISION_COLUMNS)} FROM decisions d JOIN cases c ON c.id = d.case_id
     WHERE ${src.where.sql} ORDER BY d.case_id, d.decided_at, d.id`,
    (d) => {
      src.counts.decisions++;
      Tally.bump(tally.decisionKind, d.kind);
      f.textNow(csvRow(decisionCsvRow(d)));
    },
  );
  await f.end();
}

/**
 * evaluations.jsonl holds each stored check with its full result (rule versions, FX rate and time,
 * hits); a screening check's hits each carry their whole disposition history (every verdict, proposal
 * and refusal with who, when, the reason code, the note and the list version). A screening check whose
 * hits may name list entries is written here, the history read from this snapshot; every other check
 * is written by the pool (null). Without a backslash
 * the text holds no escape, so a hit's "entryId" key appears as written.
 */
function withHistory(src: BundleSource, k: CheckRow): string | null {
  if (k.check_name !== 'screening' || (!k.result.includes('"entryId"') && !k.result.includes('\\'))) return null;
  const rec = evaluationRecord(k);
  const result = rec.result as {
    hits?: { party?: { digest?: string }; list?: string; entryId?: string; dispositionHistory?: unknown }[];
  } | null;
  if (Array.isArray(result?.hits)) {
    for (const h of result.hits) {
      if (h.party?.digest && h.list && h.entryId)
        h.dispositionHistory = dispositionHistory(src.db, h.party.digest, h.list, h.entryId);
    }
  }
  return canonicalLine(rec);
}

/**
 * correspondence.jsonl: every e-mail on a selected case, both directions, as stored, with each
 * attachment's name, type, size and SHA-256. The attachments follow as attachments/<sha256>, one
 * file per distinct content: the name is the hash, so each is checked by its own name too.
 */
export async function writeCorrespondence(src: BundleSource, zip: ZipBundleWriter): Promise<void> {
  const { db, where, counts } = src;
  const f = zip.entry('correspondence.jsonl');
  const page = db.prepare<Params, MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM mail_messages m JOIN cases c ON c.id = m.case_id WHERE ${where.sql} AND m.id > @after ORDER BY m.id LIMIT ${PAGE}`,
  );
  let after = 0;
  src.progress('correspondence.jsonl', 0, 0);
  for (;;) {
    src.checkAbort();
    const messages = page.all({ ...where.params, after });
    const last = messages.at(-1);
    if (!last) break;
    const attachments = groupBy(
      db
        .prepare<number[], AttachmentRow>(
          `SELECT message_id, filename, content_type, size, sha256, content IS NOT NULL AS stored FROM mail_attachments WHERE message_id IN (${inList(messages.length)}) ORDER BY message_id, id`,
        )
        .all(...messages.map((m) => m.id)),
      (a) => a.message_id,
    );
    for (const m of messages) {
      counts.messages++;
      await f.text(canonicalLine(correspondenceRecord(m, attachments.get(m.id) ?? [])));
    }
    after = last.id;
    src.progress('correspondence.jsonl', counts.messages, 0);
  }
  await f.end();

  // Hashes a page at a time (no content in the sort), then each content by its row id: one
  // attachment (up to the 10 MB limit) in memory at a time.
  const hashes = db.prepare<Params, { sha256: string; id: number }>(
    `SELECT a.sha256, min(a.id) AS id FROM mail_attachments a JOIN mail_messages m ON m.id = a.message_id JOIN cases c ON c.id = m.case_id
     WHERE ${where.sql} AND a.content IS NOT NULL AND a.sha256 > @after GROUP BY a.sha256 ORDER BY a.sha256 LIMIT ${PAGE}`,
  );
  const content = db.prepare<[number], { content: Buffer }>('SELECT content FROM mail_attachments WHERE id = ?');
  let lastHash = '';
  for (;;) {
    const batch = hashes.all({ ...where.params, after: lastHash });
    const last = batch.at(-1);
    if (!last) break;
    for (const a of batch) {
      src.checkAbort();
      const row = content.get(a.id);
      if (!row) throw new AppError('internal', `Attachment ${a.sha256} vanished during the export.`);
      await zip.addBuffer(`attachments/${a.sha256}`, row.content);
      counts.attachments++;
      src.progress('attachments', counts.attachments, 0);
    }
    lastHash = last.sha256;
  }
}

/**
 * ivms101-versions.jsonl (issue 18, 9): for each repaired case, every version of its IVMS101 record,
 * the original as received first, then each repair with who, when, why and what changed.
 */
export async function writeIvms101Versions(src: BundleSource, zip: ZipBundleWriter): Promise<void> {
  const f = zip.entry('ivms101-versions.jsonl');
  await src.eachJoined<Ivms101VersionRow>(
    'ivms101-versions.jsonl',
    f,
    `SELECT ${IVMS101_VERSION_COLUMNS} FROM ivms101_versions v JOIN cases c ON c.id = v.case_id
     LEFT JOIN outbox o ON o.idempotency_key = v.repair_id
     WHERE ${src.where.sql} ORDER BY v.case_id, v.n`,
    (v) => {
      src.counts.ivms101Versions++;
      f.textNow(canonicalLine(ivms101VersionRecord(v)));
    },
  );
  await f.end();
}

/** notes.csv (issue 18, 10): every internal note and revision, formula-safe like every CSV here. */
export async function writeNotesCsv(src: BundleSource, zip: ZipBundleWriter): Promise<void> {
  const f = zip.entry('notes.csv');
  await f.text(csvRow(NOTES_CSV_HEADER));
  await src.eachJoined<NoteRow>(
    'notes.csv',
    f,
    `SELECT ${prefixed('n', NOTE_COLUMNS)} FROM case_notes n JOIN cases c ON c.id = n.case_id
     WHERE ${src.where.sql} ORDER BY n.case_id, n.created_at, n.rowid`,
    (n) => {
      src.counts.notes++;
      f.textNow(csvRow(noteCsvRow(n)));
    },
  );
  await f.end();
}

/** purged.csv: cases in the range whose personal data was removed at the end of their retention. */
export async function writePurgedCsv(src: BundleSource, zip: ZipBundleWriter): Promise<void> {
  const f = zip.entry('purged.csv');
  src.progress('purged.csv', 0, 0);
  await f.text(csvRow(PURGED_CSV_HEADER));
  // The tombstone keeps the columns the selection filters on, under the same names.
  const tw = src.where.sql.replace(/c\.status/g, 't.status').replace(/c\./g, 't.');
  for (const t of src.db
    .prepare<Params, TombstoneRow>(
      `SELECT ${TOMBSTONE_COLUMNS} FROM retention_tombstones t WHERE ${tw} ORDER BY case_id`,
    )
    .iterate(src.where.params)) {
    src.counts.purged++;
    f.writeNow(Buffer.from(csvRow(purgedCsvRow(t))));
  }
  await f.end();
}

/** Events read from the oldest on, looking for one about a selected case, before asking from the cases. */
export const FIRST_EVENT_WALK = 20_000;

/**
 * The first audit event about a case the selection holds (null: none). A broad selection has one among
 * the oldest events, found by reading them in order; a narrow one is found from its cases. Asked from the
 * cases alone, a million-case selection looked up every case's events: 22.7 s of the export, against 1 ms
 * (issue 21). Both ways give the least such seq: the walk reads every event below its bound in order.
 */
export function firstSelectedEventSeq(db: ReadableDB, where: { sql: string; params: Params }, walk = FIRST_EVENT_WALK) {
  const oldest = db.prepare<[], { seq: number | null }>('SELECT min(seq) AS seq FROM audit_events').get()?.seq ?? null;
  if (oldest === null) return null;
  const walked = db
    .prepare<Params, { seq: number }>(
      `SELECT e.seq FROM audit_events e WHERE e.seq < @walkBound AND e.case_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id AND ${where.sql}) ORDER BY e.seq LIMIT 1`,
    )
    .get({ ...where.params, walkBound: oldest + walk });
  if (walked) return walked.seq;
  return (
    db
      .prepare<Params, { seq: number | null }>(
        `SELECT min(e.seq) AS seq FROM audit_events e JOIN cases c ON c.id = e.case_id WHERE ${where.sql}`,
      )
      .get(where.params)?.seq ?? null
  );
}

/**
 * audit.jsonl: a contiguous stretch of the hash chain, from the first event about a selected case
 * to the newest event. Events about other cases keep their header and payload digest (so every
 * link can be checked) but not their payload.
 */
export async function writeAuditJsonl(src: BundleSource, zip: ZipBundleWriter): Promise<AuditRange> {
  const { db, where, counts } = src;
  let audit: AuditRange = null;
  const f = zip.entry('audit.jsonl');
  const headSeq = db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM audit_events').get()?.seq ?? null;
  const firstSeq = firstSelectedEventSeq(db, where);
  if (headSeq !== null) {
    const fromSeq = firstSeq ?? headSeq;
    const columns = `e.seq, e.at, e.actor, e.action, e.case_id AS caseId, e.payload, e.payload_digest AS payloadDigest, e.prev_hash AS prevHash, e.hash`;
    const page = 'FROM audit_events e WHERE e.seq >= @after AND e.seq <= @to ORDER BY e.seq LIMIT 2000';
    // Whether an event is about a selected case: by the set the case pass marked, from the case's rowid
    // (read from the id index alone, no table page); where there is no such set, tested in SQL as before.
    const selected = src.selected.complete ? src.selected : null;
    const stmt = selected
      ? db.prepare<{ after: number; to: number }, AuditRow>(
          `SELECT ${columns}, (SELECT c.rowid FROM cases c WHERE c.id = e.case_id) AS included ${page}`,
        )
      : db.prepare<Params, AuditRow>(
          `SELECT ${columns}, (e.case_id IS NULL OR EXISTS (SELECT 1 FROM cases c WHERE c.id = e.case_id AND ${where.sql})) AS included ${page}`,
        );
    const read = (after: number, to: number): AuditRow[] => {
      if (!selected) return stmt.all({ ...where.params, after, to });
      const rows = stmt.all({ after, to });
      // `included` holds the case's rowid (null: no case, or no such case in the snapshot) until set here.
      for (const r of rows)
        r.included = r.caseId === null ? 1 : r.included !== null && selected.has(r.included) ? 1 : 0;
      return rows;
    };
    let after = fromSeq;
    let prevHashOfFirst = '';
    let lastHash = '';
    const total = headSeq - fromSeq + 1;
    const batches = inOrder(src, f);
    src.progress('audit.jsonl', 0, total);
    for (;;) {
      src.checkAbort();
      const rows = read(after, headSeq);
      const last = rows.at(-1);
      if (!last) break;
      if (!prevHashOfFirst) prevHashOfFirst = rows[0]!.prevHash;
      lastHash = last.hash;
      counts.auditEvents += rows.length;
      await batches.submit({ kind: 'audit.jsonl', events: rows });
      after = last.seq + 1;
      src.progress('audit.jsonl', counts.auditEvents, total);
    }
    await batches.flush();
    audit = { fromSeq, toSeq: headSeq, prevHashOfFirst, lastHash };
  }
  await f.end();
  return audit;
}

export interface ReportHeader {
  now: Date;
  software: { name: string; version: string };
  fingerprint: string;
  homeJurisdiction: string;
  /** What report.pdf holds: the summary alone, or the summary and then one section per case. */
  pdf: PdfMode;
  /** The audit stretch written to audit.jsonl (its head is printed for the reader to compare). */
  audit: AuditRange;
  /** The machine-readable files already written, with their SHA-256 (as manifest.json lists them). */
  files: readonly WrittenFile[];
}

/**
 * What report.pdf holds. "summary": totals, outcomes by jurisdiction, decisions, exceptions, the audit
 * chain's head and how to verify, beside the machine-readable files that carry every case in full.
 * "per-case": the same, then one section per case (every case read on paper).
 */
export type PdfMode = ExportPdfMode;

/**
 * Above this many cases the per-case report stops being something a person reads (10,000 cases is
 * about 1,400 pages: 14,287 were measured for 100,000); the summary is then the default, and an analyst can still ask for per-case.
 */
export const PER_CASE_PDF_MAX_CASES = 10_000;

export function resolvePdfMode(requested: PdfMode | null | undefined, cases: number): PdfMode {
  return requested ?? (cases > PER_CASE_PDF_MAX_CASES ? 'summary' : 'per-case');
}

/**
 * report.pdf: the summary, then (per-case) one section per case, laid out on a worker thread of its own
 * (pdf-lane.ts) unless `lane.inline`.
 */
export async function writeReportPdf(
  src: BundleSource,
  zip: ZipBundleWriter,
  tally: Tally,
  h: ReportHeader,
  lane: { inline?: boolean; fault?: PdfLaneFault } = {},
): Promise<void> {
  src.progress('report.pdf', 0, h.pdf === 'summary' ? 0 : src.total);
  const pdf = await openReport(zip.entry('report.pdf'), { title: 'Waybill audit export', createdAt: h.now }, lane);
  try {
    await writeReport(pdf, src, tally, h);
  } finally {
    await pdf.close();
  }
}

async function writeReport(pdf: ReportWriter, src: BundleSource, tally: Tally, h: ReportHeader): Promise<void> {
  const s = src.selection;
  pdf.heading('Waybill audit export');
  pdf.table([
    ['Created', h.now.toISOString()],
    ['Software', `${h.software.name} ${h.software.version}`],
    ['Workstation key', h.fingerprint],
    ['Home jurisdiction', h.homeJurisdiction],
    ['Transfers from', `${s.from} to ${s.to} (UTC, inclusive)`],
    ['Counterparty jurisdiction', s.jurisdiction ?? 'all'],
    ['Direction', s.direction ?? 'all'],
    ['Status', s.status ?? 'all'],
    [
      'This report',
      h.pdf === 'summary'
        ? 'summary (every case is in cases.csv, cases.jsonl and the files listed below)'
        : 'summary, then one section per case',
    ],
  ]);
  pdf.line(
    'manifest.json, signed in manifest.sig, is the authoritative record of this bundle; this report is a readable view of the same data (free-text notes are shortened here; decisions.csv holds them in full).',
    { gap: 0.5, wrap: true },
  );
  pdf.heading('Summary');
  const n = (x: number) => x.toLocaleString('en-US');
  const rowsOf = (m: Map<string, number>) =>
    [...m.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]): [string, string] => [k.replace(/_/g, ' '), n(v)]);
  const c = src.counts;
  pdf.table([
    ['Cases', n(src.total)],
    ['Decisions', n(c.decisions)],
    ['Check evaluations', n(c.evaluations)],
    ['E-mails (attachments)', `${n(c.messages)} (${n(c.attachments)})`],
    ['IVMS101 versions (originals and repairs)', n(c.ivms101Versions)],
    ['Internal notes', n(c.notes)],
    ['Purged at end of retention', n(c.purged)],
    ['Audit events', n(c.auditEvents)],
  ]);
  pdf.line('By status', { bold: true });
  pdf.table(rowsOf(tally.status));
  pdf.line('By direction', { bold: true });
  pdf.table(rowsOf(tally.direction));
  for (const [name, label] of [
    ['travel_rule', 'Travel Rule evaluation'],
    ['ivms101', 'IVMS101 validation'],
    ['screening', 'Sanctions screening'],
  ] as const) {
    pdf.line(label, { bold: true });
    pdf.table(rowsOf(tally[name]));
  }
  pdf.heading('Outcomes by counterparty jurisdiction');
  for (const [j, byStatus] of [...tally.jurisdiction.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...byStatus.values()].reduce((a, b) => a + b, 0);
    pdf.line(
      `${j}: ${n(total)} cases · ${rowsOf(byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ')}`,
      {
        wrap: true,
      },
    );
  }
  await pdf.drained();
  pdf.heading('Decisions by kind');
  pdf.table(tally.decisionKind.size ? rowsOf(tally.decisionKind) : [['none recorded', '0']]);
  pdf.heading('Exceptions');
  pdf.table([
    ['Cases on legal hold', n(tally.legalHolds)],
    ['Travel Rule: prohibited', n(tally.travel_rule.get('prohibited') ?? 0)],
    ['Travel Rule: cannot evaluate', n(tally.travel_rule.get('cannot_evaluate') ?? 0)],
    ['Cases without a stored Travel Rule evaluation', n(tally.travel_rule.get('(none)') ?? 0)],
  ]);
  if (tally.legalHoldIds.length) {
    pdf.line(
      `On legal hold${tally.legalHolds > tally.legalHoldIds.length ? ` (the first ${tally.legalHoldIds.length}; cases.csv marks every one)` : ''}:`,
      { bold: true },
    );
    pdf.line(tally.legalHoldIds.join(', '), { wrap: true });
  }
  await pdf.drained();
  // Four eyes as a regulator checks it: the people, their roles over time, and who approved whom.
  const team = teamReport(src.db, src.where);
  pdf.heading('Analysts and four eyes');
  for (const [label, lines] of [
    ['Analysts (enrolments and removals)', team.analysts],
    ['Role changes', team.roleChanges],
    ['Four-eyes proposals on these cases (proposer, then reviewer)', team.pairs],
  ] as const) {
    pdf.line(label, { bold: true });
    if (lines.length === 0) pdf.line('none');
    for (const l of lines) pdf.line(l, { wrap: true });
    await pdf.drained();
  }
  pdf.heading('Audit chain');
  pdf.table(
    h.audit
      ? [
          ['Events in audit.jsonl', `${n(h.audit.fromSeq)} to ${n(h.audit.toSeq)} (sequence numbers)`],
          ['Head (hash of the last event)', h.audit.lastHash],
          ['Link before the first event', h.audit.prevHashOfFirst],
        ]
      : [['Events', 'none']],
  );
  pdf.heading('Machine-readable files');
  for (const f of h.files) pdf.line(`${f.path} · ${n(f.bytes)} bytes · SHA-256 ${f.sha256}`, { wrap: true });
  await pdf.drained();
  pdf.heading('How to verify this bundle');
  for (const l of [
    `1. Obtain the workstation's public key through a second channel; its fingerprint must be ${h.fingerprint}.`,
    '2. With Waybill: waybill export verify BUNDLE.zip --public-key KEY.pem checks the Ed25519 signature of manifest.json (manifest.sig), the SHA-256 and size of every file it lists, and every link of the audit chain in audit.jsonl.',
    '3. Without Waybill (OpenSSL 3 and coreutils): openssl pkeyutl -verify -pubin -inkey KEY.pem -rawin -in manifest.json -sigfile manifest.sig, then sha256sum -c over the path and SHA-256 on each line of manifest.json.',
    '4. A later export covering these cases holds the event above with this same hash: the chain was not rewritten in between.',
  ])
    pdf.line(l, { wrap: true });
  if (h.pdf === 'summary') {
    await pdf.drained();
    await pdf.end();
    return;
  }
  pdf.heading('Cases');
  await src.eachPage('report.pdf', async (rows) => {
    const checks = groupBy(src.checkSummariesFor(rows), (k) => k.case_id);
    const decisions = groupBy(src.decisionsFor(rows), (d) => d.case_id);
    const mail = groupBy(src.mailFor(rows), (m) => m.case_id);
    const versions = groupBy(src.versionsFor(rows), (v) => v.case_id);
    const notes = groupBy(src.notesFor(rows), (n) => n.case_id);
    for (const r of rows)
      pdf.caseSection({
        ...reportCase(r, checks.get(r.id) ?? [], decisions.get(r.id) ?? [], mail.get(r.id) ?? []),
        repairs: (versions.get(r.id) ?? [])
          .filter((v) => v.kind === 'repair')
          .map((v) => ({
            n: v.n,
            analyst: v.analyst,
            at: v.created_at,
            note: v.note,
            fields: (JSON.parse(v.changes) as { path: string }[]).map((c) => c.path),
          })),
        notes: (notes.get(r.id) ?? []).map((n) => ({
          author: n.author,
          at: n.created_at,
          body: n.body,
          revises: n.revises !== null,
        })),
      });
    await pdf.drained();
  });
  await pdf.end();
}

/**
 * A page of the selection's cases after a case id, walking the id index. Left to itself, SQLite chose
 * the transfer-time index for the selection's date range and sorted all of it by id for every page of
 * 250 (147 ms a page at 100,000 cases, the whole export quadratic: a million-case export ran over an
 * hour); walked by id, each page reads its own rows only (8 ms).
 */
export function casePageSql(where: string): { rows: string; ids: string } {
  return {
    rows: `SELECT ${CASE_COLUMNS}, c.rowid AS rid FROM cases c INDEXED BY ${CASE_ID_INDEX} LEFT JOIN legal_holds h ON h.case_id = c.id
       WHERE ${where} AND c.id > @after ORDER BY c.id LIMIT ${PAGE}`,
    ids: `SELECT c.id FROM cases c INDEXED BY ${CASE_ID_INDEX} WHERE ${where} AND c.id > @after ORDER BY c.id LIMIT ${PAGE}`,
  };
}

/** The index SQLite makes for cases' TEXT PRIMARY KEY (the name is SQLite's, stable for the table). */
export const CASE_ID_INDEX = 'sqlite_autoindex_cases_1';
