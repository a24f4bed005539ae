import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { generateCases } from '../cases/generate';
import { importCasesFile } from '../cases/import';

// Issue 17.8, with real files: a data folder left 0755 with 0644 files is tightened at start, and the
// database SQLite creates (cases.db, -wal, -shm) is 0600 from the first byte.

const mode = (p: string) => statSync(p).mode & 0o777;
let t: ReturnType<typeof tempDir>;
let previousUmask: number;

beforeAll(() => {
  t = tempDir();
  // The usual umask: without the fix, SQLite and mkdir would leave files 0644 and folders 0755.
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
  t.cleanup();
});

describe.skipIf(process.platform === 'win32')('private files in the data folder', () => {
  it('tightens an existing 0755 folder and its 0644 files at every start', () => {
    const dir = join(t.dir, 'old');
    mkdirSync(join(dir, 'logs'), { recursive: true });
    mkdirSync(join(dir, 'exports'));
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'logs'), 0o755);
    for (const f of ['vault.json', 'preferences.json', 'logs/waybill.log', 'exports/x.zip']) {
      writeFileSync(join(dir, f), '{}');
      chmodSync(join(dir, f), 0o644);
    }
    new Workstation({ dataDir: dir, mode: 'cli' }).close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'logs'))).toBe(0o700);
    expect(mode(join(dir, 'exports'))).toBe(0o700);
    for (const f of ['vault.json', 'preferences.json', 'logs/waybill.log', 'exports/x.zip'])
      expect(mode(join(dir, f))).toBe(0o600);
    // And again on the next start, after something loosened them.
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'vault.json'), 0o644);
    new Workstation({ dataDir: dir, mode: 'cli' }).close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'vault.json'))).toBe(0o600);
  });

  it('creates cases.db, -wal and -shm 0600, and tightens them when found loose', async () => {
    const dir = join(t.dir, 'new');
    const ws = new Workstation({ dataDir: dir, mode: 'cli' });
    await ws.createVault(TEST_PASSPHRASE);
    const file = join(t.dir, 'cases.jsonl');
    writeFileSync(file, [...generateCases(20, { seed: 4 })].map((c) => JSON.stringify(c)).join('\n'));
    await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
    const db = join(dir, 'cases.db');
    // While open in WAL mode all three exist.
    for (const f of [db, `${db}-wal`, `${db}-shm`]) {
      expect(existsSync(f)).toBe(true);
      expect(mode(f)).toBe(0o600);
    }
    expect(mode(join(dir, 'vault.json'))).toBe(0o600);
    ws.close();
    chmodSync(db, 0o644);
    const again = new Workstation({ dataDir: dir, mode: 'cli' });
    expect(mode(db)).toBe(0o600);
    await again.unlock(TEST_PASSPHRASE);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(f)) expect(mode(f)).toBe(0o600);
    again.close();
    expect(mode(dir)).toBe(0o700);
  });
});
