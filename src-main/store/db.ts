import { statSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../src-shared/result';
import { createPrivateFile, tightenDatabaseFiles } from '../platform/private-files';
import { migrate } from './migrations';
import type { Checkpointer } from './checkpointer';
import { flushSearchIndex, registerSearchIndexFunctions } from './search-index';

// The one door to the case database. Query modules take a ReadableDB or a WritableDB, so a
// function's signature says whether it can change anything (Signal's Interface.std.ts habit).
export type ReadableDB = Database.Database & { readonly __readable_db: never };
export type WritableDB = ReadableDB & { readonly __writable_db: never };

export const DB_FILE = 'cases.db';

/** SQLCipher 4 settings, applied before the key on every connection. */
export function applyCipher(db: Database.Database, key: Buffer): void {
  if (key.length !== 32) throw new AppError('internal', 'A database key is 32 bytes.');
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  // A raw key (x'…') skips SQLCipher's own PBKDF2: the key is already random, 256 bits.
  db.pragma(`key="x'${key.toString('hex')}'"`);
}

export interface OpenOptions {
  /** Open without running migrations (tests of a single migration use this). */
  migrate?: boolean;
  readonly?: boolean;
}

export function openDatabase(file: string, key: Buffer, opts: OpenOptions = {}): WritableDB {
  // Inside Electron the main process points this at a build for Electron's ABI (build/rebuild-native.mjs).
  const nativeBinding = process.env.WAYBILL_NATIVE_BINDING;
  // SQLite creates -wal and -shm with the main file's mode: make that 0600 before SQLite sees it.
  if (!opts.readonly && file !== ':memory:') createPrivateFile(file);
  const db = new Database(file, { readonly: opts.readonly ?? false, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    applyCipher(db, key);
    // Touch the schema: with a wrong key this is where SQLCipher reports "file is not a database".
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch {
    db.close();
    throw new AppError(
      'unavailable',
      'The case database could not be opened with this key (wrong key, or not a Waybill database).',
    );
  }
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    // The workstation's own connection answers the queue: see INTERACTIVE_CACHE_KIB. An export's
    // read-only snapshot keeps SQLite's 16 MB (its memory is budgeted, issue 21).
    db.pragma(`cache_size = ${-INTERACTIVE_CACHE_KIB}`);
  }
  if (file !== ':memory:') tightenDatabaseFiles(file);
  db.pragma('foreign_keys = ON');
  // Temporary tables and sort spills stay in memory: on disk they would be outside the cipher's reach.
  db.pragma('temp_store = MEMORY');
  db.pragma('busy_timeout = 5000');
  // Case triggers ask it (migration 0024): without it a case cannot be inserted, so none goes unindexed.
  registerSearchIndexFunctions(db);
  if (opts.migrate !== false && !opts.readonly) {
    migrate(db as WritableDB);
    // A bulk intake indexes its cases before it commits; should a pending row ever be committed, index it now.
    if ((db.pragma('user_version', { simple: true }) as number) >= 24)
      db.transaction(() => flushSearchIndex(db as WritableDB))();
    // Keeps the planner's statistics current (SQLite's advice for long-lived connections): without
    // them it sorts half a million rows where walking an index would do.
    refreshPlannerStatistics(db as WritableDB);
  }
  return db as WritableDB;
}

/** Rows ANALYZE samples per index when the statistics are refreshed at unlock (SQLite suggests 100–1000). */
export const ANALYSIS_LIMIT = 1000;

/**
 * Refreshes the planner's statistics of tables that changed a lot (PRAGMA optimize), sampling a
 * bounded number of rows per index as SQLite advises: a full ANALYZE of a store that had grown
 * tenfold read every index at unlock (3.6 s wall at 100,000 cases, the unlock itself 1 s).
 */
export function refreshPlannerStatistics(db: WritableDB): void {
  db.pragma(`analysis_limit = ${ANALYSIS_LIMIT}`);
  db.pragma('optimize=0x10002');
}

/** A bulk intake that adds this many cases (or doubles the store) refreshes the planner's statistics. */
export const STATISTICS_AFTER_CASES = 10_000;

/** The highest case rowid: how far the cases table has grown (one seek, not a count). */
export const casesHighWater = (db: ReadableDB): number =>
  (cached(db, 'SELECT coalesce(max(rowid), 0) AS n FROM cases').get() as { n: number }).n;

/**
 * The page cache of the workstation's connection, in KiB: decrypted pages kept between queue queries.
 * At a million cases a narrow filter walks ~22,000 index entries (~1,100 pages); with 16 MB the next
 * few filter changes evicted them and every change read and decrypted its pages again (measured: the
 * queue suite's second round, max 28.6 ms at 16 MB, 11.4 ms at 32 MB). Filled only as pages are read.
 */
export const INTERACTIVE_CACHE_KIB = 32_768;

/** The page cache during a bulk intake, in KiB (SQLite's negative cache_size): fixed, so memory stays flat. */
export const BULK_CACHE_KIB = 65_536;
/**
 * WAL pages between automatic checkpoints during a bulk intake (SQLite's default is 1,000): 160 MiB.
 * A checkpoint decrypts each page from the WAL and encrypts it again into the database (the cipher
 * works below SQLite, per file), a quarter of the writer's CPU; the longer the WAL, the more pages
 * rewritten by several batches (index leaves, the tables' last pages) are copied once (20,000 cases:
 * 29.9 KiB written and 16.2 read a case, against 32.3 and 18.7 at 10,000 pages; the WAL file ends at
 * 180 MiB, not 74). Crash safety is the WAL's either way: a committed batch stays in the WAL until it
 * is copied (test/integration/import-kill.test.ts).
 */
export const BULK_WAL_AUTOCHECKPOINT = 40_000;
/**
 * A bulk intake that added this many cases copies its WAL into the database at its end (a case is a
 * few WAL pages: past SQLite's default of 1,000 pages). A live pull of a case or two does not: its few
 * pages wait for SQLite's own checkpoint, as any small write's do, and the new case for no fsync.
 */
export const CHECKPOINT_AFTER_CASES = 200;

/**
 * A bulk intake's WAL, in frames (a page each, 4 KiB), past which its writer pauses between two
 * transactions until the checkpoint worker has copied all of it: the next write then starts the WAL
 * again from its beginning. SQLite restarts a WAL only when every frame of it is in the database, and a
 * worker copying while the writer writes never catches up: the WAL held every page the intake wrote
 * (a 100,000-case import: 3.3 GB; a million: on course for ~50 GB when stopped at 13 GB, 1 Dec 2026).
 * Read from the WAL file's size, which the writer sees at once (the worker's reports lag by a round,
 * and a round at half a million cases took long enough for 4.4 GB to be written meanwhile). 1 GiB, as
 * each wait costs the writer about a round of the worker's copying. The million-case build, cases/s at
 * 50,000 / 150,000 / 250,000 cases: WAL unbounded 1,748 / 1,219 / 1,065; bound 256 MiB 1,408 / 1,012 / -
 * (stopped); 1 GiB 1,565 / 1,182 / 1,061 (1 Dec 2026, one build each, the machine otherwise idle).
 */
export const BULK_WAL_MAX_FRAMES = 262_144;
/** The WAL file's size kept when it starts again (SQLite's journal_size_limit): a long intake's is not kept whole. */
export const WAL_SIZE_LIMIT = 64 << 20;
/** A WAL frame's header, before its page (SQLite's WAL format). */
const WAL_FRAME_HEADER = 24;

/** The size of a connection's WAL file; 0 when there is none (in memory, or not yet written). */
function walFileSize(db: ReadableDB): number {
  try {
    return statSync(`${db.name}-wal`).size;
  } catch {
    return 0;
  }
}

/** What a bulk intake's work may ask of it between two of its transactions. */
export interface BulkIntake {
  /**
   * Call between transactions: when the WAL is long, waits (the thread stays free) until the checkpoint
   * worker has copied it all, so that the next transaction starts it again. Resolves at once otherwise.
   */
  between(): Promise<void>;
  /** How many times `between` waited for the WAL to be copied (tests, benchmarks). */
  readonly pauses: number;
}

/**
 * Runs a bulk intake (an import, a sync pull) with a page cache that holds the cases' indexes while
 * they are written (the connection's 16 MB made many index inserts a page read and decryption once the store
 * outgrew it) and fewer, larger WAL checkpoints; the connection's own settings are restored after.
 */
export async function withBulkIntake<T>(
  db: WritableDB,
  work: (bulk: BulkIntake) => Promise<T>,
  o: { walMaxFrames?: number } = {},
): Promise<T> {
  const walMaxFrames = o.walMaxFrames ?? BULK_WAL_MAX_FRAMES;
  const walMaxBytes = walMaxFrames * ((db.pragma('page_size', { simple: true }) as number) + WAL_FRAME_HEADER);
  // Kept below the bound while the intake runs: a WAL started again is cut to this at its next commit,
  // so its file's size says how much of it is in use once past it.
  const sizeLimit = db.pragma('journal_size_limit', { simple: true }) as number;
  db.pragma(`journal_size_limit = ${Math.min(WAL_SIZE_LIMIT, Math.floor(walMaxBytes / 4))}`);
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  const checkpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma(`cache_size = ${-BULK_CACHE_KIB}`);
  db.pragma(`wal_autocheckpoint = ${BULK_WAL_AUTOCHECKPOINT}`);
  const before = casesHighWater(db);
  // Once the intake is a large one (a live pull of a case or two ends before), checkpoints move to a
  // worker thread where the connection's owner allows it (allowBackgroundCheckpoints): this connection
  // then only writes. Should that worker fail, this connection checkpoints again, as without one.
  const startBackground = backgroundCheckpoints.get(db);
  let background: Checkpointer | null = null;
  let starting: Promise<void> | null = null;
  let ended = false;
  const fallBack = () => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${BULK_WAL_AUTOCHECKPOINT}`);
  };
  const ticker = startBackground
    ? setInterval(() => {
        if (background) return background.request();
        if (starting || !db.open || casesHighWater(db) - before < CHECKPOINT_AFTER_CASES) return;
        starting = startBackground(fallBack)
          .then((c) => {
            if (!c) return;
            if (ended || !db.open) return void c.close();
            background = c;
            db.pragma('wal_autocheckpoint = 0');
            c.request();
          })
          .catch(() => undefined);
      }, BACKGROUND_CHECKPOINT_MS)
    : null;
  let pauses = 0;
  const bulk: BulkIntake = {
    between: async () => {
      const c = background as Checkpointer | null;
      if (!c || c.failed || walFileSize(db) < walMaxBytes) return;
      pauses++;
      await c.catchUp();
    },
    get pauses() {
      return pauses;
    },
  };
  try {
    const result = await work(bulk);
    // A large intake changes the statistics most: refreshed here, not at the next unlock. Not after
    // a live pull of a case or two: PRAGMA optimize there cost a new case ~400 ms on its way to the queue.
    if (db.open) {
      const grew = casesHighWater(db) - before;
      if (grew >= STATISTICS_AFTER_CASES || grew > before) refreshPlannerStatistics(db);
    }
    return result;
  } finally {
    ended = true;
    if (ticker) clearInterval(ticker);
    await starting;
    const worker = background as Checkpointer | null;
    // The WAL the intake left is copied now, as part of the intake, not by whatever writes next (an
    // analyst's decision would wait for up to 160 MiB). PASSIVE: an export's snapshot is not waited for.
    // A worker copies it while this thread answers, then closes its connection; should that last copy
    // fail, this connection makes it.
    await worker?.close();
    const copied = worker !== null && !worker.failed;
    // The vault may have been locked (the connection closed) while the work awaited.
    if (db.open) db.pragma(`journal_size_limit = ${Math.trunc(sizeLimit)}`);
    if (db.open) db.pragma(`cache_size = ${Math.trunc(cacheSize)}`);
    if (db.open) db.pragma(`wal_autocheckpoint = ${Math.trunc(checkpoint)}`);
    if (!copied && db.open && !db.inTransaction && casesHighWater(db) - before >= CHECKPOINT_AFTER_CASES)
      db.pragma('wal_checkpoint(PASSIVE)');
  }
}

/** How often a large bulk intake's worker is asked to copy the WAL (and how soon it starts). */
export const BACKGROUND_CHECKPOINT_MS = 1_000;

type StartCheckpointer = (onFailure: () => void) => Promise<Checkpointer | null>;
const backgroundCheckpoints = new WeakMap<ReadableDB, StartCheckpointer>();

/**
 * Lets a bulk intake on `db` checkpoint on a worker thread (store/checkpointer.ts), which opens its own
 * connection: `start` is given by the connection's owner, who holds the key (app/workstation.ts).
 */
export function allowBackgroundCheckpoints(db: ReadableDB, start: StartCheckpointer): void {
  backgroundCheckpoints.set(db, start);
}

type Statement = Database.Statement;
const cache = new WeakMap<ReadableDB, Map<string, Statement>>();

/**
 * The statement for `sql`, prepared once per connection. The intake runs a handful of statements
 * per case; preparing them afresh each time cost more than running them (issue 21's profile).
 * Only for fixed SQL text: a statement built from values would grow the cache without bound.
 */
export function cached(db: ReadableDB, sql: string): Statement {
  let m = cache.get(db);
  if (!m) cache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}
