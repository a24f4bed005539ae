import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCases } from '../../src-main/cases/generate';
import { displayNames } from '../../src-main/ivms101/display-names';
import { upsertCase } from '../../src-main/store/cases';
import { openDatabase, type WritableDB } from '../../src-main/store/db';
import { migrate } from '../../src-main/store/migrations';
import { createVault, unlockVault } from '../../src-main/vault/vault';
import { cipherPageCosts } from '../cipher-pages';
import { median, round, type Suite } from '../harness';

const ROWS = Number(process.env.BENCH_STORE_ROWS ?? 20_000);
const BATCH = 1000;

/** Same rows, same code path, same pragmas: only the cipher differs. */
function insertAll(
  db: WritableDB,
  cases: ReturnType<typeof generateCases> extends Generator<infer C> ? C[] : never,
): { seconds: number; cpuMicros: number } {
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < cases.length; i += BATCH) {
    db.transaction(() => {
      for (const c of cases.slice(i, i + BATCH)) upsertCase(db, c, '2026-11-20T00:00:00.000Z', displayNames(c.ivms101));
    })();
  }
  const cpu = process.cpuUsage(cpu0);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpuMicros: cpu.user + cpu.system };
}

export const storeSuite: Suite = {
  name: 'store',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'waybill-bench-store-'));
    try {
      const cases = [...generateCases(ROWS, { seed: 77 })];
      // Warm the JIT on a scratch store so neither measured run pays for it.
      const warm = openDatabase(join(dir, 'warmup.db'), randomBytes(32));
      insertAll(warm, cases.slice(0, 2000));
      warm.close();

      const encrypted = openDatabase(join(dir, 'encrypted.db'), randomBytes(32));
      const enc = insertAll(encrypted, cases);
      encrypted.close();

      const plainRaw = new Database(join(dir, 'plain.db'));
      plainRaw.pragma('journal_mode = WAL');
      plainRaw.pragma('synchronous = NORMAL');
      plainRaw.pragma('foreign_keys = ON');
      plainRaw.pragma('temp_store = MEMORY');
      migrate(plainRaw);
      const plain = insertAll(plainRaw as WritableDB, cases);
      plainRaw.close();

      await createVault(dir, 'benchmark passphrase 1');
      const unlocks: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        (await unlockVault(dir, 'benchmark passphrase 1')).fill(0);
        unlocks.push(performance.now() - t0);
      }

      // What the cipher costs a page, beside no cipher and beside sqlite3mc's AEGIS (authenticated
      // encryption on AES instructions, not used: Waybill keeps SQLCipher 4's format, the stack's choice,
      // which SQLCipher's own tools read). Most of SQLCipher's cost is its HMAC-SHA512 over each page.
      const { sqlcipher, plain: plainPages, aegis } = cipherPageCosts(dir);
      const others = (k: 'read' | 'write') =>
        `plain SQLite ${round(plainPages[k], 1)} µs; AEGIS (sqlite3mc, not used) ${round(aegis[k], 1)} µs; 4 KiB pages`;

      const encRate = ROWS / enc.seconds;
      const plainRate = ROWS / plain.seconds;
      return [
        {
          suite: 'store',
          metric: 'case rows alone into SQLCipher (upsertCase)',
          value: round(encRate, 0),
          unit: 'cases/s',
          // Not an import: no parsing, rules, checks, check rows or audit events; `intake` measures those.
          note: `${ROWS} cases, batches of ${BATCH}; the store layer only, the floor under the intake`,
        },
        {
          suite: 'store',
          metric: 'insert into plain SQLite (same rows)',
          value: round(plainRate, 0),
          unit: 'cases/s',
          note: 'same code path, no cipher',
        },
        // The machine is shared: CPU time (user + system) per case is what the writes cost, whatever the load.
        {
          suite: 'store',
          metric: 'upsertCase CPU time per case (SQLCipher)',
          value: round(enc.cpuMicros / ROWS, 0),
          unit: 'µs',
          note: `plain SQLite ${round(plain.cpuMicros / ROWS, 0)} µs; ${ROWS} cases`,
        },
        { suite: 'store', metric: 'encrypted / plain throughput', value: round(encRate / plainRate, 3), unit: 'ratio' },
        {
          suite: 'store',
          metric: 'page read through SQLCipher 4 (AES-256-CBC, HMAC-SHA512), CPU',
          value: round(sqlcipher.read, 1),
          unit: 'µs/page',
          note: `${others('read')}; a cold page of an index walk or an export's read pays this`,
        },
        {
          suite: 'store',
          metric: 'page write and checkpoint through SQLCipher 4, CPU',
          value: round(sqlcipher.write, 1),
          unit: 'µs/page',
          note: `${others('write')}; each page is encrypted into the WAL, then decrypted and encrypted again into the database`,
        },
        {
          suite: 'store',
          metric: 'vault unlock (Argon2id 64 MiB, t=3)',
          value: round(median(unlocks), 1),
          unit: 'ms (median of 5)',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
