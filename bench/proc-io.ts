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
