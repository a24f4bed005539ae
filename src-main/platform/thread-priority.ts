import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * The niceness of the intake's worker threads (the pure stage of admit) and of the bulk intake's WAL
 * checkpointer. Their writer, the main thread, is the intake's critical path, and on two cores it
 * shared them with these threads and V8's: lowered, they take the cores the writer leaves. A
 * 100,000-case import (`npx tsx bench/run.ts intake`, alternated, 1 Dec 2026): 1,430 and 1,333 cases/s
 * at niceness 10 against 1,217 and 1,166 at 0. A 100,000-case sync (`… sync`, alternated, a slow hour):
 * 836 and 792 against 806 and 786 cases/s, and the queue's first page during the pull, which the main
 * thread answers, waited p95 129 and 126 ms against 165 and 164. Still scheduled when the writer waits
 * on them (Linux gives a niceness-10 thread about a tenth of a contended core, all of an idle one).
 */
export const BACKGROUND_NICENESS = 10;

/** The calling thread's id (Linux: /proc/thread-self), or null elsewhere. */
export function threadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Lowers the calling thread's scheduling priority to `niceness` (Linux keeps a niceness per thread;
 * setpriority with a thread's id sets that thread's alone). Elsewhere, or where it cannot, nothing
 * changes and false is returned: a priority is a preference, never a reason to fail.
 */
export function lowerThisThread(niceness: number): boolean {
  const tid = threadId();
  if (tid === null) return false;
  try {
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
