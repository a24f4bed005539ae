import type Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../src-shared/result';
import { cached, type WritableDB } from './db';
import { FLUSH_PENDING_SQL } from './migrations/0024-search-index-batches';

// The text-search index's rows for a batch of new cases, written once at the end of the batch's
// transaction instead of a trigger's row per case (why: migration 0024). Searches never see the
// difference: the rows are indexed before the transaction commits, and nothing else reads them first.

const deferring = new WeakSet<Database.Database>();

/** Registers waybill_search_deferred() on a connection: the case triggers ask it (migration 0024). */
export function registerSearchIndexFunctions(db: Database.Database): void {
  db.function('waybill_search_deferred', { deterministic: false, directOnly: false }, () =>
    deferring.has(db) ? 1 : 0,
  );
}

/**
 * Runs `work` (inside a transaction) with the index rows of the cases it inserts deferred, then
 * indexes them all in one statement. A case inserted and then changed or removed within `work` is
 * indexed as it stands at the end (or not at all).
 */
export function deferSearchIndex<T>(db: WritableDB, work: () => T): T {
  if (!db.inTransaction) throw new AppError('internal', 'deferSearchIndex runs inside a transaction.');
  if (deferring.has(db)) return work();
  deferring.add(db);
  try {
    const result = work();
    flushSearchIndex(db);
    return result;
  } finally {
    deferring.delete(db);
  }
}

/** Indexes every pending case row; returns how many. Also run on unlock, should a pending row ever be committed. */
export function flushSearchIndex(db: WritableDB): number {
  const n = (cached(db, 'SELECT count(*) AS n FROM cases_fts_pending').get() as { n: number }).n;
  if (n) {
    cached(db, FLUSH_PENDING_SQL).run();
    cached(db, 'DELETE FROM cases_fts_pending').run();
  }
  return n;
}
