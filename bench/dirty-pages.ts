import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workstation } from '../src-main/app/workstation';
import { auditBatch } from '../src-main/audit/chain';
import { generateCases } from '../src-main/cases/generate';
import type { ReadCase } from '../src-main/cases/intake';
import { admitPooled, IntakePool } from '../src-main/cases/intake-pool';
import { deferSearchIndex } from '../src-main/store/search-index';

// Issue 21: which b-trees a transaction of new cases dirties, page by page, on a copy of a bench store.
// Each transaction starts on an empty WAL (checkpointed, truncated); its frames' page numbers (the WAL's
// frame headers are not encrypted) are then mapped to tables and indexes through dbstat.
// Usage: npx tsx bench/dirty-pages.ts STORE_DIR PASSPHRASE [CHUNK=100] [ROUNDS=5]
const [store, passphrase] = process.argv.slice(2) as [string, string];
const CHUNK = Number(process.argv[4] ?? 100);
const ROUNDS = Number(process.argv[5] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'waybill-dirty-'));
try {
  cpSync(store, dir, { recursive: true });
  const ws = new Workstation({ dataDir: dir, mode: 'cli', actor: 'bench' });
  await ws.unlock(passphrase);
  await ws.recheckDone;
  const db = ws.database();
  const checks = ws.checkContext();
  const raws = [...generateCases(CHUNK * ROUNDS, { seed: 4242 })].map((c) => ({ text: JSON.stringify(c) }));
  const pool = IntakePool.start(checks, { workers: 1 });
  if (!pool) throw new Error('no intake worker');
  const reads: ReadCase[] = [];
  for (let i = 0; i < raws.length; i += 250) reads.push(...(await pool.read(raws.slice(i, i + 250))));
  const current = pool.serves(checks);
  await pool.close();
  db.pragma('wal_autocheckpoint = 0');
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const walFile = `${ws.dbPath}-wal`;
  const perRound: Map<number, number>[] = [];
  const at = new Date().toISOString();
  for (let r = 0; r < ROUNDS; r++) {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.transaction(() =>
      deferSearchIndex(db, () =>
        auditBatch(db, () => {
          for (let i = r * CHUNK; i < (r + 1) * CHUNK; i++) {
            const source = { name: 'bench', location: `line ${i + 1}`, actor: 'bench' };
            admitPooled(db, raws[i]!, reads[i]!, source, { checks, at }, current);
          }
        }),
      ),
    )();
    const wal = readFileSync(walFile);
    const pages = new Map<number, number>();
    for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
      const p = wal.readUInt32BE(off);
      pages.set(p, (pages.get(p) ?? 0) + 1);
    }
    perRound.push(pages);
  }
  const owner = new Map<number, string>();
  for (const row of db.prepare('SELECT name, pageno FROM dbstat').iterate() as Iterable<{
    name: string;
    pageno: number;
  }>)
    owner.set(row.pageno, row.name);
  const byName = new Map<string, number[]>();
  perRound.forEach((pages, r) => {
    for (const p of pages.keys()) {
      const n = owner.get(p) ?? '(freelist or header)';
      const a = byName.get(n) ?? new Array<number>(ROUNDS).fill(0);
      a[r]!++;
      byName.set(n, a);
    }
  });
  const rows = [...byName].map(([n, a]) => ({ n, mean: a.reduce((x, y) => x + y, 0) / ROUNDS }));
  rows.sort((a, b) => b.mean - a.mean);
  const total = rows.reduce((s, r) => s + r.mean, 0);
  const frames = perRound.map((m) => [...m.values()].reduce((s, v) => s + v, 0));
  console.log(
    `${CHUNK} cases a transaction, ${ROUNDS} rounds: ${total.toFixed(0)} distinct pages a transaction (${(total / CHUNK).toFixed(2)} a case), frames ${frames.join(' ')}`,
  );
  for (const r of rows)
    console.log(
      `${r.n.padEnd(40)} ${r.mean.toFixed(1).padStart(8)} pages  ${((r.mean / CHUNK) * 100).toFixed(0).padStart(5)} per 100 cases`,
    );
  ws.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
