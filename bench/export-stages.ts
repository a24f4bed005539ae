import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Workstation } from '../src-main/app/workstation';
import { csvRow } from '../src-main/export/csv';
import { caseLine, deflateChunk, evaluationLine, expandSources, RuleSources } from '../src-main/export/format';
import { canonicalLine } from '../src-main/export/jsonl';
import {
  auditRecord,
  caseRecord,
  casesCsvRow,
  CHECK_COLUMNS,
  evaluationRecord,
  unverifiedRulesOf,
  type AuditRow,
  type CaseRow,
  type CheckRow,
} from '../src-main/export/rows';
import { casePageSql } from '../src-main/export/sections';
import { selectionWhere } from '../src-main/export/selection';
import { BENCH_PASSPHRASE } from './million';

// Issue 21: the CPU an export spends per case, by stage (SQL read, JSON parse, canonical writing,
// UTF-8 encoding, deflate, SHA-256, CRC-32) and by file, each stage timed alone on one thread
// (process.cpuUsage), so the figures hold under a shared machine's load where a profile's samples
// (wall time) do not. The same statements and formatters as the export, the first N cases of a store.
// The scanner's fast path (export/canonical-text.ts) is timed beside the parse-and-write it replaces, on
// the same rows, and must give the same line. Usage: npx tsx bench/export-stages.ts DATA_DIR [N=20000]

const [dataDir, nArg] = process.argv.slice(2) as [string, string | undefined];
const N = Number(nArg ?? 20_000);
const ws = new Workstation({ dataDir, mode: 'cli', actor: 'bench' });
await ws.unlock(BENCH_PASSPHRASE);
await ws.recheckDone;
const db = ws.openSnapshot();
db.prepare('BEGIN').run();
const where = selectionWhere({
  from: '2000-01-01',
  to: '2099-12-31',
  jurisdiction: null,
  direction: null,
  status: null,
});

const spent = new Map<string, number>();
function time<T>(stage: string, f: () => T): T {
  const c0 = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(c0);
  spent.set(stage, (spent.get(stage) ?? 0) + c.user + c.system);
  return r;
}
const bytes = new Map<string, number>();
/** A file's batch: encoded, deflated, hashed as the export does each. */
function finish(file: string, text: string): void {
  const raw = time(`encode ${file}`, () => Buffer.from(text, 'utf8'));
  bytes.set(file, (bytes.get(file) ?? 0) + raw.length);
  time(`deflate ${file}`, () => deflateChunk(raw));
  time(`sha256 ${file}`, () => createHash('sha256').update(raw).digest());
  time(`crc32 ${file}`, () => crc32(raw));
}

const sources = new RuleSources(
  db
    .prepare<[], { digest: string; sources: string }>('SELECT digest, sources FROM rule_sources')
    .all()
    .map((r): [string, string] => [r.digest, r.sources]),
);
const page = db.prepare<Record<string, unknown>, CaseRow>(casePageSql(where.sql).rows);
const inList = (n: number) => Array.from({ length: n }, () => '?').join(',');
let after = '';
let n = 0;
/** Stored texts the fast path handed back to the parse (null). */
const fallbacks = { evaluations: 0, cases: 0 };
while (n < N) {
  const rows = time('SQL cases (page of 250)', () => page.all({ ...where.params, after }));
  const last = rows.at(-1);
  if (!last) break;
  after = last.id;
  n += rows.length;
  const checks = time('SQL checks (IN list)', () =>
    db
      .prepare<string[], CheckRow>(
        `SELECT ${CHECK_COLUMNS} FROM case_checks WHERE case_id IN (${inList(rows.length)}) ORDER BY case_id, check_name`,
      )
      .all(...rows.map((r) => r.id)),
  );
  let evaluations = '';
  const unverified = new Map<CheckRow, string>();
  for (const k of checks) {
    // The parse-and-write path (every stored text before issue 21's scanner), then the scanner's copy.
    const parsed = time('parse evaluations.jsonl', () => JSON.parse(k.result) as unknown);
    if (k.check_name === 'travel_rule') unverified.set(k, unverifiedRulesOf(parsed));
    const line = time('write evaluations.jsonl', () =>
      canonicalLine(evaluationRecord(k, expandSources(k.check_name, k.result, parsed, sources))),
    );
    const fast = time('scan evaluations.jsonl (fast path)', () => evaluationLine(k, sources));
    if (fast === null) fallbacks.evaluations++;
    else if (fast.line !== line) throw new Error(`fast path differs on ${k.case_id} ${k.check_name}`);
    evaluations += line;
  }
  finish('evaluations.jsonl', evaluations);
  const records = time('parse cases.jsonl', () => rows.map((r) => caseRecord(r)));
  const lines = time('write cases.jsonl', () => records.map((r) => canonicalLine(r)));
  const fastLines = time('scan cases.jsonl (fast path)', () => rows.map((r) => caseLine(r)));
  fastLines.forEach((l, j) => {
    if (l === null) fallbacks.cases++;
    else if (l !== lines[j]) throw new Error(`fast path differs on ${rows[j]!.id}`);
  });
  finish('cases.jsonl', lines.join(''));
  const byCase = new Map<string, CheckRow[]>();
  for (const k of checks) byCase.set(k.case_id, [...(byCase.get(k.case_id) ?? []), k]);
  const csv = time('write cases.csv', () =>
    rows
      .map((r) => {
        const mine = byCase.get(r.id) ?? [];
        const tr = mine.find((k) => k.check_name === 'travel_rule');
        return csvRow(
          casesCsvRow(r, (name) => mine.find((k) => k.check_name === name)?.outcome, tr ? unverified.get(tr) : ''),
        );
      })
      .join(''),
  );
  finish('cases.csv', csv);
}
const events = time('SQL audit.jsonl', () =>
  db
    .prepare<[number], AuditRow>(
      `SELECT seq, at, actor, action, case_id AS caseId, payload, payload_digest AS payloadDigest, prev_hash AS prevHash, hash, 1 AS included
       FROM audit_events ORDER BY seq LIMIT ?`,
    )
    .all(n),
);
finish(
  'audit.jsonl',
  time('write audit.jsonl', () => events.map((e) => canonicalLine(auditRecord(e))).join('')),
);
// The reading thread's page of cases, as better-sqlite3's objects (before issue 21's lever 2) and as
// arrays of values (sections.ts eachRawPage), and the structured clone each costs on its way to a worker:
// whole passes in turn (a pass reads 4 pages a case, far past the page cache, so neither warms the other).
const { serialize } = await import('node:v8');
const { caseRows } = await import('../src-main/export/format');
const rawPage = db.prepare<Record<string, unknown>, unknown[]>(casePageSql(where.sql).rows).raw(true);
const columns = rawPage.columns().map((c) => c.name);
for (let round = 0; round < 2; round++) {
  for (const raw of [false, true]) {
    let at = '';
    for (let m = 0; m < n;) {
      const label = raw ? 'values' : 'objects';
      const rows = time(`reading thread: cases page as ${label}`, () =>
        raw ? rawPage.all({ ...where.params, after: at }) : page.all({ ...where.params, after: at }),
      );
      if (rows.length === 0) break;
      m += rows.length;
      at = raw ? ((rows.at(-1) as unknown[])[columns.indexOf('id')] as string) : (rows.at(-1) as CaseRow).id;
      time(`reading thread: clone of the page as ${label}`, () => serialize(raw ? { columns, values: rows } : rows));
      if (raw)
        time('worker: objects from the values (caseRows)', () => caseRows({ columns, values: rows as unknown[][] }));
    }
  }
}
for (const k of [...spent.keys()].filter((s) => s.startsWith('reading thread') || s.startsWith('worker: objects')))
  spent.set(k, spent.get(k)! / 2); // two rounds
db.prepare('COMMIT').run();
db.close();
ws.close();

/** Stages of the comparison above: not part of one pass's total. */
const compared = (stage: string) => stage.startsWith('reading thread') || stage.startsWith('worker: objects');
let total = 0;
for (const [stage, us] of spent) if (!compared(stage)) total += us;
console.log(
  `${n} cases; bytes a case: ${[...bytes].map(([f, b]) => `${f} ${Math.round(b / n)}`).join(', ')}; CPU µs a case:`,
);
console.log(`  fast path fell back on ${fallbacks.evaluations} checks and ${fallbacks.cases} cases`);
for (const [stage, us] of [...spent].sort((a, b) => b[1] - a[1]))
  console.log(`  ${stage.padEnd(32)} ${(us / n).toFixed(1).padStart(7)}`);
console.log(`  ${'total'.padEnd(32)} ${(total / n).toFixed(1).padStart(7)}`);
