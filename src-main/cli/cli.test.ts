import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { applyCipher } from '../store/db';
import { unlockVault } from '../vault/vault';

let t: ReturnType<typeof tempDir>;
let dataDir: string;
const env = () => ({ WAYBILL_PASSPHRASE: TEST_PASSPHRASE });

beforeAll(() => {
  t = tempDir();
  dataDir = join(t.dir, 'data');
});
afterAll(() => t.cleanup());

describe('waybill CLI', () => {
  it('prints help with exit 0, and a usage error with exit 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('cases import --data-dir D FILE.jsonl');
    const bad = await runCli(['cases', 'teleport']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown command "cases teleport"/);
    const noFlag = await runCli(['cases', 'generate', '--count', 'many']);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toMatch(/--count needs a whole number/);
  });

  it('will not read a passphrase from a pipe or an argument', async () => {
    const r = await runCli(['vault', 'init', '--data-dir', dataDir, '--passphrase', 'x']);
    expect(r.code).toBe(2);
    const noTty = await runCli(['vault', 'init', '--data-dir', dataDir], { WAYBILL_PASSPHRASE: undefined });
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/set WAYBILL_PASSPHRASE/);
  });

  it('creates a vault once', async () => {
    expect((await runCli(['vault', 'init', '--data-dir', dataDir], env())).code).toBe(0);
    const again = await runCli(['vault', 'init', '--data-dir', dataDir], env());
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('imports 1,000 lines with 3 malformed ones: keeps 997 and names the 3 lines', async () => {
    const file = join(t.dir, 'cases.jsonl');
    expect((await runCli(['cases', 'generate', '--count', '1000', '--seed', '9', '--out', file])).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    lines[41] = '{"id": "case-broken", "direction": '; // line 42: truncated JSON
    lines[499] = (lines[499] ?? '').replace('"amount":"', '"amount":"-'); // line 500: negative amount
    lines[899] = JSON.stringify({ ...JSON.parse(lines[899] ?? '{}'), walletType: 'paper' }); // line 900
    writeFileSync(file, lines.join('\n') + '\n');

    const r = await runCli(['cases', 'import', '--data-dir', dataDir, file], env());
    expect(r.code).toBe(1); // a check failed: some lines were rejected
    expect(r.stdout).toContain('997 new');
    expect(r.stdout).toContain('3 rejected');
    expect(r.stderr).toMatch(/cases\.jsonl:42: not valid JSON/);
    expect(r.stderr).toMatch(/cases\.jsonl:500: amount:/);
    expect(r.stderr).toMatch(/cases\.jsonl:900: walletType:/);
    expect(r.stderr.trim().split('\n')).toHaveLength(3);

    const list = await runCli(['cases', 'list', '--data-dir', dataDir, '--json'], env());
    expect(JSON.parse(list.stdout).total).toBe(997);

    // Importing the same file again changes nothing (idempotent by id and version).
    const again = await runCli(['cases', 'import', '--data-dir', dataDir, file], env());
    expect(again.stdout).toContain('0 new, 0 updated, 997 unchanged, 3 rejected');
  });

  it('keeps the rejected lines in quarantine with their reasons', async () => {
    const key = await unlockVault(dataDir, TEST_PASSPHRASE);
    const db = new Database(join(dataDir, 'cases.db'), { readonly: true });
    applyCipher(db, key);
    const rows = db
      .prepare("SELECT location, reason FROM quarantine WHERE source = 'import:cases.jsonl' ORDER BY id LIMIT 3")
      .all();
    db.close();
    expect(rows).toEqual([
      { location: 'line 42', reason: expect.stringMatching(/not valid JSON/) },
      { location: 'line 500', reason: expect.stringMatching(/amount/) },
      { location: 'line 900', reason: expect.stringMatching(/walletType/) },
    ]);
  });

  it('verifies the audit trail, and names the event when one row was edited in the database', async () => {
    const ok = await runCli(['audit', 'verify', '--data-dir', dataDir], env());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Audit trail intact: \d+ events/);

    // Someone with the key edits event 7 directly in the file.
    const key = await unlockVault(dataDir, TEST_PASSPHRASE);
    const db = new Database(join(dataDir, 'cases.db'));
    applyCipher(db, key);
    db.exec('DROP TRIGGER audit_events_no_update');
    db.prepare("UPDATE audit_events SET actor = 'someone-else' WHERE seq = 7").run();
    db.close();

    const broken = await runCli(['audit', 'verify', '--data-dir', dataDir], env());
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at event 7/);
  });

  it('fails clearly with a wrong passphrase and leaks no key material', async () => {
    const r = await runCli(['cases', 'list', '--data-dir', dataDir], { WAYBILL_PASSPHRASE: 'not the passphrase' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/passphrase is not correct/);
    const vault = JSON.parse(readFileSync(join(dataDir, 'vault.json'), 'utf8'));
    expect(r.stderr).not.toContain(vault.slots[0].wrap.ciphertextB64);
  });

  // bin/waybill.mjs runs the build (out/cli) when it is current, as every other test here does after
  // `npm run build`; `npx waybill` right after `npm install` runs the TypeScript source through tsx instead.
  it('runs the same from the TypeScript source as from the build', async () => {
    const args = ['cases', 'list', '--data-dir', dataDir];
    const fromSource = await runCli(args, { ...env(), WAYBILL_FROM_SOURCE: '1' });
    const asUsual = await runCli(args, env());
    expect(fromSource.code).toBe(0);
    expect(fromSource.stdout).toContain('case-');
    expect(fromSource).toEqual(asUsual);
  });
});
