import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp';
import { ensureDataDir, resolveDataDir } from './data-dir';
import { fileLogger, redact } from './log';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe('log', () => {
  it('keeps ids, codes and counts, and replaces anything that looks like prose or personal data', () => {
    expect(redact({ caseId: 'case-1-0000001', n: 3, ok: true, code: 'wrong_passphrase' })).toEqual({
      caseId: 'case-1-0000001',
      n: 3,
      ok: true,
      code: 'wrong_passphrase',
    });
    expect(redact({ name: 'Jane Howard', email: 'jane@example.com', addr: 'Hauptstrasse 5, Berlin' })).toEqual({
      name: '[redacted]',
      email: '[redacted]',
      addr: '[redacted]',
    });
  });

  it('writes JSON lines into the data folder', () => {
    ensureDataDir(t.dir);
    fileLogger(t.dir).info('vault.unlocked', { who: 'Jane Howard' });
    const line = JSON.parse(readFileSync(join(t.dir, 'logs', 'waybill.log'), 'utf8').trim());
    expect(line).toMatchObject({ level: 'info', event: 'vault.unlocked', who: '[redacted]' });
  });
});

describe('data folder', () => {
  it('takes --data-dir over WAYBILL_DATA_DIR, and refuses the real default under test', () => {
    expect(resolveDataDir('/tmp/a', { WAYBILL_DATA_DIR: '/tmp/b' })).toBe('/tmp/a');
    expect(resolveDataDir(undefined, { WAYBILL_DATA_DIR: '/tmp/b' })).toBe('/tmp/b');
    expect(() => resolveDataDir(undefined, { VITEST: 'true' })).toThrow(/data folder must be given/);
    expect(resolveDataDir(undefined, { HOME: '/home/x', XDG_CONFIG_HOME: '/home/x/.config' })).toMatch(/Waybill$/);
  });
});
