import { constants, deflateRawSync } from 'node:zlib';
import { csvRow } from './csv';
import { canonicalScan, canonicalText } from './canonical-text';
import { CanonicalText, canonicalLine, flatLine } from './jsonl';
import {
  auditRecord,
  caseRecord,
  caseRecordOf,
  casesCsvRow,
  evaluationRecord,
  UNREADABLE_EVALUATION,
  unverifiedRulesOf,
  type AuditRow,
  type CaseRow,
  type CheckRow,
} from './rows';

// The CPU work of an export that needs no database: a batch of rows, read by the one connection that
// holds the export's snapshot, becomes its file's bytes (CSV or canonical JSON lines) and those bytes
// deflated. Runs in a worker thread (export/format-worker.ts) or, where none can start, in-line: the
// same function either way, so the bytes do not depend on where they were made.

/**
 * Deflate level of every entry. Measured on an export's own files (bench/deflate-levels.ts, 171 MiB
 * of evaluations.jsonl, cases.jsonl, cases.csv and audit.jsonl): level 1 deflates 128 MiB/s per core
 * to 19.4% of the input, level 6 (zlib's default) 74 MiB/s to 16.3%, level 9 46 MiB/s to 16.0%. At a
 * million cases (about 10 GiB of text) deflate is the floor of an export, so level 1: 1.7 times the
 * throughput for a bundle a fifth larger.
 */
export const DEFLATE_LEVEL = 1;

/** One case's check outcome, as cases.csv reads it. */
export type OutcomeRow = Pick<CheckRow, 'case_id' | 'check_name' | 'outcome'>;

/**
 * rule_sources (migration 0022) as the export's snapshot holds them: a Travel Rule result's citations
 * by digest. Each list is parsed and written canonically once per export and put into every result
 * that refers to it (the store's view case_checks_full expanded them in SQL for every row read, and
 * each case's result was then parsed and written again with its 4-5 KB of quotes: most of the CPU of
 * an export, issue 21).
 */
export class RuleSources {
  private readonly canonical = new Map<string, CanonicalText>();
  private readonly texts: ReadonlyMap<string, string>;

  constructor(texts: Iterable<readonly [digest: string, sources: string]> = []) {
    this.texts = new Map(texts);
  }

  /** The list a reference names, canonically written; undefined when rule_sources has no such digest. */
  get(digest: string): CanonicalText | undefined {
    let c = this.canonical.get(digest);
    if (c === undefined) {
      const text = this.texts.get(digest);
      if (text === undefined) return undefined;
      c = new CanonicalText(canonicalLine(JSON.parse(text)).slice(0, -1));
      this.canonical.set(digest, c);
    }
    return c;
  }
}

/**
 * A stored result as it was computed: each side of a Travel Rule result whose `sources` is a
 * reference found in rule_sources gets the list back (store/checks.ts wrote the reference; `parsed`
 * is the stored text parsed, changed in place). The same values the view case_checks_full gives for
 * every result the engine writes (format.test.ts compares the two on a real store and edge cases); a
 * stored text without the reference's exact spelling is left as it is, as the view leaves it.
 */
export function expandSources(checkName: string, stored: string, parsed: unknown, sources: RuleSources): unknown {
  if (checkName !== 'travel_rule' || !stored.includes('"sources":"sha256:')) return parsed;
  const sides = (parsed as { sides?: unknown } | null)?.sides;
  if (!Array.isArray(sides)) return parsed;
  for (const side of sides as unknown[]) {
    if (side === null || typeof side !== 'object' || Array.isArray(side)) continue;
    const ref = (side as { sources?: unknown }).sources;
    if (typeof ref !== 'string') continue;
    const list = sources.get(ref);
    if (list) (side as { sources: unknown }).sources = list;
  }
  return parsed;
}

/**
 * A stored check's evaluations.jsonl line, and its Travel Rule cases.csv cell, from its stored text
 * without parsing it (canonical-text.ts): the same bytes as the parse, expandSources and canonicalLine
 * below (canonical-text.test.ts, differential). Null where that text needs the parse (then used).
 */
export function evaluationLine(k: CheckRow, sources: RuleSources): { line: string; unverified: string } | null {
  if (typeof k.result !== 'string') return null;
  const travelRule = k.check_name === 'travel_rule';
  const scan = canonicalScan(k.result, {
    // expandSources' own test: only a text holding the reference as the store spells it.
    sources: travelRule && k.result.includes('"sources":"sha256:') ? (ref) => sources.get(ref)?.text : undefined,
    member: travelRule ? 'unverified' : undefined,
  });
  if (scan === null) return null;
  return {
    line: evaluationText(k, scan.text) ?? flatLine(evaluationRecord(k, new CanonicalText(scan.text))),
    unverified:
      travelRule && scan.member !== undefined
        ? unverifiedRulesOf({ unverified: JSON.parse(scan.member) as unknown })
        : '',
  };
}

/**
 * evaluationRecord's line, its result given in canonical form, written in its members' sorted order
 * (caseId, check, computedAt, engineVersion, inputsDigest, outcome, result, summary) where every other
 * column is a string, as SQL gives them (null otherwise: flatLine writes any value).
 */
function evaluationText(k: CheckRow, result: string): string | null {
  const { case_id, check_name, computed_at, engine_version, inputs_digest, outcome, summary } = k;
  if (
    typeof case_id !== 'string' ||
    typeof check_name !== 'string' ||
    typeof computed_at !== 'string' ||
    typeof engine_version !== 'string' ||
    typeof inputs_digest !== 'string' ||
    typeof outcome !== 'string' ||
    typeof summary !== 'string'
  )
    return null;
  return (
    `{"caseId":${JSON.stringify(case_id)},"check":${JSON.stringify(check_name)},"computedAt":${JSON.stringify(computed_at)}` +
    `,"engineVersion":${JSON.stringify(engine_version)},"inputsDigest":${JSON.stringify(inputs_digest)}` +
    `,"outcome":${JSON.stringify(outcome)},"result":${result},"summary":${JSON.stringify(summary)}}\n`
  );
}

/** A case's cases.jsonl line from its stored JSON columns without parsing them, or null where one needs the parse. */
export function caseLine(r: CaseRow): string | null {
  const ivms101 = typeof r.ivms101 === 'string' ? canonicalText(r.ivms101) : null;
  if (ivms101 === null) return null;
  const counterparty = storedOrNull(r.counterparty);
  if (counterparty === undefined) return null;
  const aml = storedOrNull(r.aml);
  if (aml === undefined) return null;
  return flatLine(caseRecordOf(r, counterparty, new CanonicalText(ivms101), aml));
}

/** A nullable stored JSON column as caseRecord reads it (null or empty: null), canonical; undefined: parse it. */
function storedOrNull(text: string | null): CanonicalText | null | undefined {
  if (text === null || text === '') return null;
  if (typeof text !== 'string') return undefined;
  const c = canonicalText(text);
  return c === null ? undefined : new CanonicalText(c);
}

/** The report's summary figures for one batch of cases (merged in order by sections.ts's Tally). */
export interface TallyPart {
  rows: [
    status: string,
    direction: string,
    jurisdiction: string | null,
    travelRule?: string,
    ivms101?: string,
    screening?: string,
  ][];
  holds: string[];
}

export type FormatJob =
  /**
   * A page of cases with every check of theirs, read once: cases.csv (outcomes inline), cases.jsonl
   * and evaluations.jsonl, in that order in `chunks`. `written` holds evaluation lines already written,
   * by their check's index (a screening result whose hits needed the database).
   */
  | { kind: 'cases'; cases: CaseRow[] | RawCases; checks: CheckRow[]; written: [index: number, line: string][] }
  | { kind: 'audit.jsonl'; events: AuditRow[] };

/** A page of cases as SQLite's values in the statement's column order (sections.ts RawCasePage). */
export interface RawCases {
  columns: readonly string[];
  values: unknown[][];
}

/** The rows better-sqlite3 makes of those values: each column a member, in column order (a later equal name wins). */
export function caseRows(raw: RawCases): CaseRow[] {
  const { columns, values } = raw;
  return values.map((v) => {
    const row: Record<string, unknown> = {};
    for (let j = 0; j < columns.length; j++) row[columns[j]!] = v[j];
    return row as unknown as CaseRow;
  });
}

export interface Chunk {
  /** The file's bytes for this batch, as the manifest hashes them. */
  raw: Uint8Array;
  /** The same bytes deflated, ending on a byte boundary without a final block (see deflateChunk). */
  deflated: Uint8Array;
}

export interface Formatted {
  /** One chunk per file the job writes (three for 'cases'). */
  chunks: Chunk[];
  tally?: TallyPart;
}

/**
 * A chunk deflated on its own and ended with a sync flush (an empty stored block): such chunks
 * concatenate into one valid deflate stream, closed by FINAL_BLOCK (as pigz joins its threads'
 * output). Each chunk starts without the previous one's 32 KiB window: measured below 1% larger.
 */
export function deflateChunk(data: Uint8Array): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  return exact(deflateRawSync(data, DEFLATE_OPTIONS));
}
const DEFLATE_OPTIONS = { level: DEFLATE_LEVEL, finishFlush: constants.Z_SYNC_FLUSH };

/** The last block of every entry's deflate stream: final, fixed Huffman, empty. */
export const FINAL_BLOCK = Uint8Array.of(0x03, 0x00);

/** A copy that owns its whole ArrayBuffer (zlib's and Buffer.from's may be a slice of a larger one), so it can be transferred. */
function exact(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b);
}

/** Where a batch's bytes are written: a buffer handed back by the reading thread when one is large enough. */
export type Alloc = (bytes: number) => Uint8Array;
const fresh: Alloc = (bytes) => new Uint8Array(bytes);

/**
 * A batch's file, encoded line by line into one buffer as each line is made. The batch's text was
 * one string of a few MiB built by `+=` and encoded at the end: every line stayed alive until then
 * (copied by each of the worker's scavenges, then promoted), and flattening that rope cost more than
 * formatting it (issue 21's profile at 100,000 cases: 4.8 s in Buffer.byteLength, 32 s of GC in the
 * two workers). The bytes are the same: each line is encoded as UTF-8, where the whole text was.
 */
class LineSink {
  private buf: Uint8Array;
  private view: Buffer;
  private at = 0;

  /** `file` names the size remembered from the previous batch, so a batch seldom grows its buffer. */
  constructor(
    private readonly alloc: Alloc,
    private readonly file: string,
  ) {
    this.buf = whole(alloc(LineSink.last.get(file) ?? 1 << 16));
    this.view = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Bytes a file's last batch took (per thread): a batch's size varies little from the one before. */
  private static readonly last = new Map<string, number>();

  add(s: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 for 2).
    if (this.at + 3 * s.length > this.buf.length) this.grow(this.at + 3 * s.length);
    this.at += this.view.write(s, this.at, 'utf8');
  }

  private grow(need: number): void {
    const next = whole(this.alloc(Math.max(need, 2 * this.buf.length)));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = Buffer.from(next.buffer, next.byteOffset, next.length);
  }

  /**
   * The batch's bytes and their deflate, both in the one buffer (the deflate right after the text): the
   * reading thread hands that buffer back once written (FormatPool.recycle), where a buffer of its own
   * for the deflate stayed there as garbage until its heap's next collection (up to V8's 64 MiB of
   * external memory between two: issue 21's peak RSS).
   */
  chunk(): Chunk {
    const n = this.at;
    const deflated = n === 0 ? new Uint8Array(0) : deflateRawSync(this.buf.subarray(0, n), DEFLATE_OPTIONS);
    if (n + deflated.length > this.buf.length) this.grow(n + deflated.length);
    this.buf.set(deflated, n);
    LineSink.last.set(this.file, Math.ceil((n + deflated.length) * 1.125));
    return { raw: this.buf.subarray(0, n), deflated: this.buf.subarray(n, n + deflated.length) };
  }
}

/** The whole of a buffer handed out by `alloc` at offset 0 (a recycled one may be larger than asked). */
function whole(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.length < b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.buffer.byteLength) : b;
}

/**
 * cases.csv's rows for a page of cases, and the page's part of the report's tally. `unverified`: a
 * Travel Rule check's cell, by the check.
 */
function casesCsv(
  cases: readonly CaseRow[],
  checks: readonly OutcomeRow[],
  unverified: ReadonlyMap<OutcomeRow, string>,
  out: LineSink,
): TallyPart {
  const byCase = new Map<string, OutcomeRow[]>();
  for (const k of checks) {
    const list = byCase.get(k.case_id);
    if (list) list.push(k);
    else byCase.set(k.case_id, [k]);
  }
  const tally: TallyPart = { rows: [], holds: [] };
  for (const r of cases) {
    // The three checks found in one walk over the case's rows (not one search per column).
    let travelRule: OutcomeRow | undefined;
    let ivms101: OutcomeRow | undefined;
    let screening: OutcomeRow | undefined;
    for (const k of byCase.get(r.id) ?? []) {
      if (k.check_name === 'travel_rule') travelRule ??= k;
      else if (k.check_name === 'ivms101') ivms101 ??= k;
      else if (k.check_name === 'screening') screening ??= k;
    }
    tally.rows.push([
      r.status,
      r.direction,
      r.counterparty_jurisdiction,
      travelRule?.outcome,
      ivms101?.outcome,
      screening?.outcome,
    ]);
    if (r.hold_reason) tally.holds.push(r.id);
    const outcome = (name: 'travel_rule' | 'ivms101' | 'screening') =>
      (name === 'travel_rule' ? travelRule : name === 'ivms101' ? ivms101 : screening)?.outcome;
    out.add(csvRow(casesCsvRow(r, outcome, travelRule ? (unverified.get(travelRule) ?? '') : '')));
  }
  return tally;
}

/**
 * A batch's bytes. `sources`: the snapshot's rule_sources, for the Travel Rule results of a 'cases'
 * job (FormatPool hands them to each worker once).
 */
export function formatJob(job: FormatJob, alloc: Alloc = fresh, sources = new RuleSources()): Formatted {
  if (job.kind === 'audit.jsonl') {
    const audit = new LineSink(alloc, 'audit.jsonl');
    for (const e of job.events) audit.add(canonicalLine(auditRecord(e)));
    return { chunks: [audit.chunk()] };
  }
  const written = new Map(job.written);
  // Each stored result is parsed once, for both its evaluation line and (Travel Rule) its cases.csv cell,
  // and written at once: a batch's parsed results are not all alive together (a worker's young
  // generation is small, pool.ts WORKER_HEAP; what survives a scavenge is copied, then promoted).
  const evaluations = new LineSink(alloc, 'evaluations.jsonl');
  let unreadable: { error: unknown } | null = null;
  const unverified = new Map<OutcomeRow, string>();
  job.checks.forEach((k, i) => {
    const line = written.get(i); // screening with its hits' history, written by the reading thread
    if (line !== undefined) {
      evaluations.add(line);
      return;
    }
    const fast = evaluationLine(k, sources);
    if (fast !== null) {
      if (k.check_name === 'travel_rule') unverified.set(k, fast.unverified);
      evaluations.add(fast.line);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(k.result);
    } catch (error) {
      // cases.csv says so where it is read; evaluations.jsonl cannot carry it (the export stops, as before).
      if (k.check_name === 'travel_rule') unverified.set(k, UNREADABLE_EVALUATION);
      unreadable ??= { error };
      return;
    }
    if (k.check_name === 'travel_rule') unverified.set(k, unverifiedRulesOf(parsed));
    evaluations.add(canonicalLine(evaluationRecord(k, expandSources(k.check_name, k.result, parsed, sources))));
  });
  const cases = Array.isArray(job.cases) ? job.cases : caseRows(job.cases);
  const csv = new LineSink(alloc, 'cases.csv');
  const tally = casesCsv(cases, job.checks, unverified, csv);
  const jsonl = new LineSink(alloc, 'cases.jsonl');
  for (const r of cases) jsonl.add(caseLine(r) ?? canonicalLine(caseRecord(r)));
  if (unreadable) throw (unreadable as { error: unknown }).error as Error;
  return { chunks: [csv.chunk(), jsonl.chunk(), evaluations.chunk()], tally };
}
