import { chmodSync, closeSync, lstatSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../src-shared/result';

// Everything in the data folder is the analyst's alone: the folder and its subfolders 0700, every
// file 0600. Checked at every start (an older version, a restore or a copy may have left 0755/0644)
// and again after the database opens, since SQLite creates cases.db, -wal and -shm itself.
// Windows has no such modes; its per-user profile folder carries the ACL instead.

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
const posix = process.platform !== 'win32';

function tighten(path: string, wanted: number): void {
  const st = lstatSync(path, { throwIfNoEntry: false });
  // A symlink is never followed: its target may be anyone's file outside the folder.
  if (!st || st.isSymbolicLink()) return;
  if ((st.mode & 0o777) === wanted) return;
  try {
    chmodSync(path, wanted);
  } catch (e) {
    // Fail closed: a data file others may read and we cannot fix is not used.
    throw new AppError(
      'unavailable',
      `${path} is open to other users (mode ${(st.mode & 0o777).toString(8)}) and cannot be made private (${(e as NodeJS.ErrnoException).code ?? 'error'}): change its owner or mode.`,
    );
  }
}

/** The folder 0700 and everything in it 0600 (folders 0700), walked without recursion. */
export function tightenDataDir(dir: string): void {
  if (!posix) return;
  const folders = [dir];
  while (folders.length) {
    const folder = folders.pop()!;
    tighten(folder, PRIVATE_DIR);
    for (const e of readdirSync(folder, { withFileTypes: true })) {
      const p = join(folder, e.name);
      if (e.isDirectory()) folders.push(p);
      else if (e.isFile()) tighten(p, PRIVATE_FILE);
    }
  }
}

/** Creates an empty file 0600 if it is absent, so whatever SQLite derives from it (-wal, -shm) is 0600 too. */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** The database and its WAL companions, after SQLite has (perhaps) created them. */
export function tightenDatabaseFiles(dbFile: string): void {
  if (!posix) return;
  for (const suffix of ['', '-wal', '-shm', '-journal']) tighten(dbFile + suffix, PRIVATE_FILE);
}
