import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/contract';
import { MIN_PASSPHRASE_LENGTH } from '../../src-shared/domain';
import { runCli } from '../../test/support/cli';
import { tempDir } from '../../test/support/temp';
import { COMMANDS, EXIT, HELP, main } from './main';
import { route } from './table';

const t = tempDir();
afterAll(() => t.cleanup());

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('the CLI command table', () => {
  it('generates the help from the table: every command once, in table order', () => {
    const at = COMMANDS.map((c) => HELP.indexOf(`\n  ${c.name} ${c.usage}`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
  });

  it('routes one-word and two-word commands, and names an unknown one', async () => {
    expect(route(COMMANDS, ['serve', '--port', '0']).command?.name).toBe('serve');
    expect(route(COMMANDS, ['serve', '--port', '0']).args).toEqual(['--port', '0']);
    expect(route(COMMANDS, ['cases', 'hold', 'c-1']).args).toEqual(['c-1']);
    const r = await run(['vault', 'open']);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/Unknown command "vault open"/);
  });

  it("prints a command's own usage for --help instead of running it", async () => {
    for (const c of COMMANDS) {
      const r = await run([...c.name.split(' '), '--help']);
      expect(r.code, c.name).toBe(EXIT.ok);
      expect(r.stdout, c.name).toContain(`waybill ${c.name} ${c.usage}`);
    }
  });

  it('refuses a legal-hold reason the API refuses (cases.hold schema), naming the option, before asking for the passphrase', async () => {
    const reason = 'x'.repeat(501);
    expect(contract['cases.hold'].input.safeParse({ caseId: 'c-1', reason }).success).toBe(false);
    const r = await run(['cases', 'hold', '--data-dir', join(t.dir, 'none'), 'c-1', '--reason', reason]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--reason: .*500/);
    const longId = await run(['cases', 'hold', '--data-dir', join(t.dir, 'none'), 'c'.repeat(65), '--release']);
    expect(longId.code).toBe(EXIT.usage);
    expect(longId.stderr).toMatch(/CASE_ID: .*64/);
  });

  it('refuses an export selection the API refuses (export.start schema), naming the option', async () => {
    const r = await run([
      'export',
      'create',
      '--data-dir',
      join(t.dir, 'none'),
      '--from',
      '2026-01-01',
      '--to',
      '2026-02-01',
      '--status',
      'lost',
      '--out',
      join(t.dir, 'x.zip'),
    ]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--status: /);
    const day = await run([
      'export',
      'create',
      '--data-dir',
      join(t.dir, 'none'),
      '--from',
      '1 Jan',
      '--to',
      '2026-02-01',
      '--out',
      join(t.dir, 'x.zip'),
    ]);
    expect(day.code).toBe(EXIT.usage);
    expect(day.stderr).toMatch(/--from: a date as YYYY-MM-DD/);
  });

  it('refuses a short new passphrase with the vault.create schema (the same minimum as the UI)', async () => {
    const short = 'x'.repeat(MIN_PASSPHRASE_LENGTH - 1);
    expect(contract['vault.create'].input.safeParse({ passphrase: short }).success).toBe(false);
    const r = await runCli(['vault', 'init', '--data-dir', join(t.dir, 'short')], { WAYBILL_PASSPHRASE: short });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(new RegExp(`The passphrase: .*${MIN_PASSPHRASE_LENGTH}`));
  });
});
