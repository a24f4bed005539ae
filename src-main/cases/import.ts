import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { appendAudit, auditBatch } from '../audit/chain';
import type { CheckContext } from '../checks/run';
import { withBulkIntake, type WritableDB } from '../store/db';
import { deferSearchIndex } from '../store/search-index';
import { readJsonLines } from '../input/json-lines';
import { admit, type Admission, type RawCase, type ReadCase } from './intake';
import { admitPooled, InOrderReads, IntakePool } from './intake-pool';

export interface RejectedLine {
  line: number;
  reason: string;
}

export interface ImportReport {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Cases whose retention ended and whose data was purged: not taken in again. */
  purged: number;
  rejected: RejectedLine[];
}

// Re-exported: the CLI's rule commands name schema issues the same way.
export { describeIssues } from './intake';

// Cases per transaction: a commit writes every page the batch dirtied (each index's leaves, the FTS
// segment), so a larger batch writes a shared page once instead of once per 500 cases; 2,000 holds a few
// MB of lines (measured: 5,000 cases at 500 per batch 31.8 KiB written per case, at 2,000 28.2 KiB).
const BATCH = 2000;

/** A file smaller than this (about 1,000 cases) is read in-line: a worker's start would cost more than it saves. */
const POOL_MIN_BYTES = 4 << 20;

export interface ImportOptions {
  /**
   * The pure stage's worker threads (cases/intake-pool.ts): a pool to use, 0 to read every case on this
   * thread, or by default one of intakeWorkerCount() workers when the file is large enough to repay their start.
   */
  workers?: IntakePool | number;
}

/**
 * Imports a JSON Lines file of cases through the intake (cases/intake.ts: the same rules as the
 * backend's feed). Each refused line is quarantined with its line number and reason; every good
 * line is kept and checked. Work is committed in batches, each with its audit events.
 */
export async function importCasesFile(
  db: WritableDB,
  file: string,
  actor: string,
  checks: CheckContext,
  o: ImportOptions = {},
): Promise<ImportReport> {
  const report: ImportReport = { read: 0, inserted: 0, updated: 0, unchanged: 0, purged: 0, rejected: [] };
  const source = `import:${basename(file)}`;
  const at = new Date().toISOString();
  type Item = { line: number; raw: RawCase; read?: ReadCase };
  let batch: Item[] = [];
  const count = (line: number, r: Admission) => {
    if (r.outcome === 'quarantined') report.rejected.push({ line, reason: r.reason });
    else report[r.outcome]++;
  };

  // A batch per transaction, its audit events chained in memory and written together (audit/chain.ts).
  // Its new cases' search-index rows written together at the end (store/search-index.ts).
  const commit = db.transaction((items: Item[]) =>
    deferSearchIndex(db, () =>
      auditBatch(db, () => {
        for (const { line, raw } of items)
          count(line, admit(db, raw, { name: source, location: `line ${line}`, actor }, { checks, at }));
      }),
    ),
  );

  const owned = o.workers === undefined || typeof o.workers === 'number';
  const pool =
    o.workers instanceof IntakePool
      ? o.workers
      : (o.workers ?? (statSync(file).size >= POOL_MIN_BYTES ? undefined : 0)) === 0
        ? null
        : IntakePool.start(checks, typeof o.workers === 'number' ? { workers: o.workers } : {});
  // The same batches, their cases read on the workers: only the database stage runs here.
  const commitRead = db.transaction((items: Item[]) =>
    deferSearchIndex(db, () =>
      auditBatch(db, () => {
        // Checks read under another context (rates imported meanwhile) are computed again here.
        const current = pool!.serves(checks);
        for (const { line, raw, read } of items)
          count(
            line,
            admitPooled(db, raw, read!, { name: source, location: `line ${line}`, actor }, { checks, at }, current),
          );
      }),
    ),
  );

  try {
    await withBulkIntake(db, async (bulk) => {
      // Bytes, not text: the line and encoding limits hold before anything is decoded (src-main/input).
      const lines = readJsonLines(createReadStream(file));
      if (!pool) {
        for await (const l of lines) {
          report.read++;
          batch.push(
            l.ok ? { line: l.line, raw: { text: l.text } } : { line: l.line, raw: { text: l.raw, error: l.reason } },
          );
          if (batch.length >= BATCH) {
            commit(batch);
            batch = [];
            await bulk.between();
          }
        }
        if (batch.length) commit(batch);
        return;
      }
      let committed = false;
      const reads = new InOrderReads<Item>(pool, (items, out) => {
        items.forEach((item, i) => batch.push({ ...item, read: out[i]! }));
        if (batch.length >= BATCH) {
          commitRead(batch);
          batch = [];
          committed = true;
        }
      });
      for await (const l of lines) {
        report.read++;
        const raw: RawCase = l.ok ? { text: l.text } : { text: l.raw, error: l.reason };
        await reads.push({ line: l.line, raw }, raw);
        // Between two transactions: a long WAL is copied before the next (store/db.ts BULK_WAL_MAX_FRAMES).
        if (committed) {
          committed = false;
          await bulk.between();
        }
      }
      await reads.flush();
      if (batch.length) commitRead(batch);
    });
  } finally {
    if (pool && owned) await pool.close();
  }
  if (report.rejected.length || report.inserted || report.updated) {
    db.transaction(() =>
      appendAudit(db, {
        actor,
        action: 'cases.imported',
        payload: { source, ...report, rejected: report.rejected.length },
        at,
      }),
    )();
  }
  return report;
}
