import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh data folder per test; removed afterwards unless WAYBILL_KEEP_TEST_DIRS=1. */
export function tempDir(prefix = 'waybill-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    cleanup: () => {
      if (process.env.WAYBILL_KEEP_TEST_DIRS !== '1') rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const TEST_PASSPHRASE = 'correct horse battery staple';
