import { readFileSync } from 'node:fs';

// Reads a `node --cpu-prof` profile and attributes each sample to one part of an export, by the
// innermost frame on its stack that belongs to a known part (bench/suites/export.ts's breakdown).
// Usage: npx tsx bench/profile-breakdown.ts FILE.cpuprofile [SKIP_SECONDS]
// SKIP_SECONDS leaves out the profile's start (export-child.ts prints unlockMs: unlocking, and a
// rule-pack recheck it waits for, are not the export).

interface Frame {
  functionName: string;
  url: string;
}
interface Node {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const RULES: [string, (f: Frame) => boolean][] = [
  ['unlock (SQLCipher key, pragma)', (f) => /better-sqlite3/.test(f.url) && f.functionName === 'pragma'],
  [
    'PDF layout (pdfkit, fontkit)',
    (f) => /pdfkit|fontkit|report-pdf|restructure|unicode-properties|linebreak/.test(f.url),
  ],
  ['signing (Ed25519)', (f) => f.functionName === 'sign' && /crypto/.test(f.url)],
  ['hashing (SHA-256)', (f) => /internal\/crypto\/hash/.test(f.url)],
  ['zip CRC-32 (yazl, JS)', (f) => /buffer-crc32/.test(f.url)],
  ['deflate, synchronous (pdfkit content streams)', (f) => /zlib/.test(f.url) && f.functionName === 'processChunkSync'],
  ['deflate, async (ZIP entries; its thread-pool work is not sampled)', (f) => /zlib/.test(f.url)],
  ['JSON serialise (canonicalJson, export/jsonl)', (f) => /canonical-json|export\/jsonl/.test(f.url)],
  ['CSV', (f) => /export\/csv\.ts/.test(f.url)],
  [
    'row mapping (rows.ts, JSON.parse)',
    (f) => /export\/rows\.ts|display-names/.test(f.url) || (f.functionName === 'parse' && f.url === ''),
  ],
  [
    'SQL read (better-sqlite3)',
    (f) => /better-sqlite3/.test(f.url) || (f.url === '' && /^(all|get|iterate|prepare|run)$/.test(f.functionName)),
  ],
  ['screening disposition history', (f) => /screening\/store/.test(f.url)],
  ['zip writer and streams', (f) => /zip-writer|yazl|internal\/streams|node:stream|events/.test(f.url)],
  ['export sections (glue)', (f) => /export\/sections|export\/create/.test(f.url)],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['idle', (f) => f.functionName === '(idle)'],
];

const p = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const memo = new Map<number, string>();
// better-sqlite3 runs a statement in native code: its time is the self time of the export function
// that called .all()/.get(), so those functions count as SQL when they are the innermost frame.
const SQL_CALLERS =
  /^(eachPage|walk|forCases|checksFor|decisionsFor|versionsFor|notesFor|mailFor|writeAuditJsonl|writePurgedCsv|writeCorrespondence|dispositionHistory)$/;

function category(id: number): string {
  const hit = memo.get(id);
  if (hit) return hit;
  const leaf = byId.get(id)!.callFrame;
  if (SQL_CALLERS.test(leaf.functionName) && /export\/sections|screening\/store/.test(leaf.url)) {
    memo.set(id, 'SQL read (better-sqlite3)');
    return 'SQL read (better-sqlite3)';
  }
  let at: number | undefined = id;
  let cat = 'other';
  while (at !== undefined) {
    const f = byId.get(at)!.callFrame;
    const rule = RULES.find(([, test]) => test(f));
    if (rule) {
      cat = rule[0];
      break;
    }
    at = parent.get(at);
  }
  memo.set(id, cat);
  return cat;
}
const skipUs = Number(process.argv[3] ?? 0) * 1e6;
const totals = new Map<string, number>();
let all = 0;
let elapsed = 0;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i] ?? 0;
  elapsed += dt;
  if (elapsed < skipUs) return;
  all += dt;
  const c = category(id);
  totals.set(c, (totals.get(c) ?? 0) + dt);
});
const busy = all - (totals.get('idle') ?? 0);
console.log(`main thread: ${(all / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`);
for (const [c, us] of [...totals].sort((a, b) => b[1] - a[1]))
  console.log(`${c.padEnd(38)} ${(us / 1e6).toFixed(1).padStart(7)} s  ${((100 * us) / busy).toFixed(1).padStart(5)}%`);
