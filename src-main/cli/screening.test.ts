import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScreeningCheck } from '../../src-shared/checks';
import { caseWith } from '../../test/support/cases';
import { runCli } from '../../test/support/cli';
import { enrolled } from '../../test/support/export';
import { sharedPath } from '../../test/support/shared';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { silentLogger } from '../platform/log';
import { Workstation } from '../app/workstation';
import { startBackend } from '../../reference-backend/server';

const t = tempDir();
const dataDir = join(t.dir, 'data');
const env = { WAYBILL_PASSPHRASE: TEST_PASSPHRASE, WAYBILL_ANALYST: 'analyst-7' }; // the vault's creator and first supervisor
beforeAll(async () => {
  expect((await runCli(['vault', 'init', '--data-dir', dataDir], env)).code).toBe(0);
  // One case sends to a wallet on OFAC's list; its beneficiary bears a listed name.
  const c = caseWith({ counterparty: 'US', value: '900', currency: 'EUR', at: '2026-11-02T10:00:00Z' });
  const ivms = structuredClone(c.ivms101) as { beneficiary: { beneficiaryPersons: { naturalPerson: unknown }[] } };
  ivms.beneficiary.beneficiaryPersons[0]!.naturalPerson = {
    name: {
      nameIdentifier: [{ primaryIdentifier: 'MORENO', secondaryIdentifier: 'Daniel', nameIdentifierType: 'LEGL' }],
    },
  };
  const listed = {
    ...c,
    id: 'case-listed',
    network: 'bitcoin',
    beneficiaryWallet: '12udabs2TkX7NXCSj6KpqXfakjE52ZPLhz',
    ivms101: ivms,
  };
  writeFileSync(join(t.dir, 'cases.jsonl'), JSON.stringify(listed) + '\n');
  expect((await runCli(['cases', 'import', '--data-dir', dataDir, join(t.dir, 'cases.jsonl')], env)).code).toBe(0);
});
afterAll(() => t.cleanup());

describe('waybill screening', () => {
  it('imports a list version and re-screens every case', async () => {
    const r = await runCli(
      [
        'screening',
        'import',
        '--data-dir',
        dataDir,
        '--source',
        'ofac',
        sharedPath('fixtures', 'sanctions', 'ofac-small'),
      ],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /Imported ofac \d{4}-\d{2}-\d{2} \([0-9a-f]{8}\): \d+ entries, now in force\. Re-screened 1 cases: 1 check results changed/,
    );
  });

  it('rejects a broken list naming the file and line, and keeps the version in force', async () => {
    const broken = join(t.dir, 'OFAC-BROKEN');
    cpSync(sharedPath('fixtures', 'sanctions', 'ofac-small'), broken, { recursive: true });
    const lines = readFileSync(join(broken, 'sdn.csv'), 'latin1').split('\n');
    lines[4] = '"unterminated';
    writeFileSync(join(broken, 'sdn.csv'), lines.join('\n'));
    const r = await runCli(['screening', 'import', '--data-dir', dataDir, '--source', 'ofac', broken], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Rejected \(malformed\): sdn\.csv:5: a quoted cell is never closed/);
    expect(r.stderr).toMatch(/The version in force stays ofac \d{4}-\d{2}-\d{2}/);
  });

  it('search prints hits as {score, list, entryId, name, matchedName}', async () => {
    const r = await runCli(['screening', 'search', '--data-dir', dataDir, 'Daniel Moreno', '--json'], env);
    const hits = JSON.parse(r.stdout);
    expect(hits[0]).toEqual({
      score: 1,
      list: 'ofac',
      entryId: '15102',
      name: 'MORENO, Daniel',
      matchedName: 'MORENO, Daniel',
    });
    const none = await runCli(
      ['screening', 'search', '--data-dir', dataDir, 'Daniel Moreno', '--json', '--min-score', '1.5'],
      env,
    );
    expect(none.code).toBe(2);
  });

  it('the analyst disposes of hits through the API; a true match blocks acceptance', async () => {
    const ws = new Workstation({ dataDir, mode: 'cli', actor: 'analyst-7' });
    await ws.unlock(TEST_PASSPHRASE);
    const dispatch = createDispatcher(createHandlers(ws), silentLogger);
    const get = async () =>
      (
        (await dispatch('cases.get', { id: 'case-listed' })) as {
          ok: true;
          value: { checks: { name: string; result: unknown }[] };
        }
      ).value;
    const screening = (await get()).checks.find((c) => c.name === 'screening')!.result as ScreeningCheck;
    expect(screening.outcome).toBe('potential_match');
    const wallet = screening.hits.find((h) => h.party.kind === 'wallet')!;
    const name = screening.hits.find((h) => h.party.kind === 'name' && h.entryId === '15102')!;
    expect(wallet).toMatchObject({ score: 1, party: { role: 'beneficiary wallet' } });

    // Clearing needs a reason code and a note.
    expect(
      await dispatch('screening.dispose', {
        caseId: 'case-listed',
        partyDigest: name.party.digest,
        list: 'ofac',
        entryId: '15102',
        disposition: 'false_positive',
        note: 'other person',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(
      await dispatch('screening.dispose', {
        caseId: 'case-listed',
        partyDigest: name.party.digest,
        list: 'ofac',
        entryId: '15102',
        disposition: 'false_positive',
        reasonCode: 'different_birth_date',
        note: ' ',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const d1 = await dispatch('screening.dispose', {
      caseId: 'case-listed',
      partyDigest: name.party.digest,
      list: 'ofac',
      entryId: '15102',
      disposition: 'false_positive',
      reasonCode: 'different_birth_date',
      note: 'other person: born 1990, the listed one 1975',
    });
    expect(d1.ok).toBe(true);
    const after = (await get()).checks.find((c) => c.name === 'screening')!.result as ScreeningCheck;
    expect(after.outcome).toBe('potential_match'); // the wallet is still open
    expect(after.hits.find((h) => h.entryId === '15102')!.disposition).toMatchObject({
      reasonCode: 'different_birth_date',
      analyst: 'analyst-7',
      listVersion: expect.stringMatching(/^ofac /),
    });
    // A true match needs a note and, by the default policy, a second analyst.
    const d2 = await dispatch('screening.dispose', {
      caseId: 'case-listed',
      partyDigest: wallet.party.digest,
      list: 'ofac',
      entryId: wallet.entryId,
      disposition: 'true_match',
      note: 'the very address on the SDN list',
    });
    expect(d2.ok).toBe(true);
    const proposed = (await get()).checks.find((c) => c.name === 'screening')!.result as ScreeningCheck;
    expect(proposed).toMatchObject({ outcome: 'potential_match', blocksAcceptance: false });
    const pending = proposed.hits.find((h) => h.entryId === wallet.entryId)!.pending!;
    expect(pending).toMatchObject({ analyst: 'analyst-7', note: 'the very address on the SDN list' });
    await enrolled(ws, 'analyst-8', 'second analyst passphrase');
    const confirm = { caseId: 'case-listed', proposalId: pending.id, approve: true };
    expect(
      await dispatch('screening.confirm', { ...confirm, approver: 'analyst-8', passphrase: 'not the passphrase' }),
    ).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    expect(
      await dispatch('screening.confirm', {
        ...confirm,
        approver: 'analyst-8',
        passphrase: 'second analyst passphrase',
      }),
    ).toMatchObject({ ok: true });
    const final = (await get()).checks.find((c) => c.name === 'screening')!.result as ScreeningCheck;
    expect(final).toMatchObject({ outcome: 'true_match', blocksAcceptance: true });
    expect(final.hits.find((h) => h.entryId === wallet.entryId)!.disposition).toMatchObject({
      disposition: 'true_match',
      analyst: 'analyst-7',
      secondAnalyst: 'analyst-8',
    });
    expect(
      await dispatch('screening.confirm', {
        ...confirm,
        approver: 'analyst-8',
        passphrase: 'second analyst passphrase',
      }),
    ).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const history = await dispatch('screening.history', {
      partyDigest: wallet.party.digest,
      list: 'ofac',
      entryId: wallet.entryId,
    });
    expect(history).toMatchObject({
      ok: true,
      value: [
        { state: 'proposed', analyst: 'analyst-7' },
        { state: 'in_force', secondAnalyst: 'analyst-8', refersTo: pending.id },
      ],
    });
    const audit = ws
      .database()
      .prepare(
        "SELECT actor, action FROM audit_events WHERE action LIKE 'screening.%' AND action NOT LIKE 'screening.list%' ORDER BY seq",
      )
      .all() as { actor: string; action: string }[];
    expect(audit.map((a) => a.action)).toEqual([
      'screening.disposition',
      'screening.true_match_proposed',
      'screening.confirm_refused',
      'screening.true_match_confirmed',
    ]);
    expect(
      await dispatch('screening.dispose', {
        ...{
          caseId: 'case-listed',
          partyDigest: 'f'.repeat(64),
          list: 'ofac',
          entryId: '1',
          disposition: 'true_match',
          note: 'x',
        },
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    ws.close();
  });

  it('a list that shrank by more than 20 % is refused unless --allow-shrink confirms it', async () => {
    const full = await runCli(
      ['screening', 'import', '--data-dir', dataDir, '--source', 'ofac', sharedPath('fixtures', 'sanctions', 'ofac')],
      env,
    );
    expect(full.code).toBe(0);
    const small = await runCli(
      [
        'screening',
        'import',
        '--data-dir',
        dataDir,
        '--source',
        'ofac',
        sharedPath('fixtures', 'sanctions', 'ofac-small'),
      ],
      env,
    );
    expect(small.code).toBe(1);
    expect(small.stderr).toMatch(
      /^Rejected \(shrink\): ofac-small: \d+ entries where the version in force \(ofac .*\) has 7379: 100 % fewer, more than the 20 % allowed/,
    );
    expect(small.stderr).toMatch(/The version in force stays ofac \d{4}-\d{2}-\d{2} \(/);
    const confirmed = await runCli(
      [
        'screening',
        'import',
        '--data-dir',
        dataDir,
        '--source',
        'ofac',
        '--allow-shrink',
        sharedPath('fixtures', 'sanctions', 'ofac-small'),
      ],
      env,
    );
    expect(confirmed.code).toBe(0);
    const same = await runCli(
      [
        'screening',
        'import',
        '--data-dir',
        dataDir,
        '--source',
        'ofac',
        sharedPath('fixtures', 'sanctions', 'ofac-small'),
      ],
      env,
    );
    expect(same).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/is already in force \(the same files\): nothing changed/),
    });
  }, 240_000); // four CLI runs, each unlocking the vault (Argon2id) and reading the full OFAC list

  it('with a backend configured, the import succeeds and the CLI exits cleanly (no vault_locked after the fact)', async () => {
    const backend = await startBackend({ testHooks: false });
    try {
      const r = await runCli(
        [
          'screening',
          'import',
          '--data-dir',
          dataDir,
          '--source',
          'un',
          sharedPath('fixtures', 'sanctions', 'un', 'UN_consolidated.xml'),
        ],
        { ...env, WAYBILL_BACKEND_URL: backend.url, WAYBILL_BACKEND_TOKEN: backend.token },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Imported un 2026-02-27 \([0-9a-f]{8}\): 1003 entries, now in force\./);
    } finally {
      await backend.close();
    }
  });
});
