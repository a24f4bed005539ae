import { readFileSync } from 'node:fs';

/**
 * Bytes this process has moved through read(2)/pread(2) (`rchar`) or write(2)/pwrite(2) (`wchar`) so far,
 * from Linux's /proc (null elsewhere): the store's pages, each through the cipher, are most of them.
 */
export function ioBytes(field: 'rchar' | 'wchar'): number | null {
  try {
    const m = new RegExp(`^${field}: (\\d+)$`, 'm').exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * User + system CPU seconds from a Linux /proc stat file (`/proc/PID/stat`, `/proc/self/task/TID/stat`),
 * in 10 ms ticks; null where it cannot be read (not Linux, or the thread or process has ended).
 */
export function statCpuSeconds(file: string): number | null {
  try {
    const stat = readFileSync(file, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}
