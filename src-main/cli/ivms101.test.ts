import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli';
import { sharedPath } from '../../test/support/shared';
import { tempDir } from '../../test/support/temp';

const t = tempDir();
afterAll(() => t.cleanup());
const fixture = (f: string) => sharedPath('fixtures', 'ivms101', f);

describe('waybill ivms101', () => {
  it('validate: exit 0 for a valid payload, with the documented JSON shape', async () => {
    const r = await runCli(['ivms101', 'validate', fixture('trisa/identity_payload.json'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ valid: true, edition: '2020', errors: [], missing: [] });
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['valid', 'edition', 'errors', 'warnings', 'missing']));
  });

  it('validate: exit 1 for an invalid payload, each problem with code, constraint, path, message and severity', async () => {
    const r = await runCli(['ivms101', 'validate', fixture('trisa/identity_payload.pb.json'), '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(false);
    expect(out.errors).toContainEqual({
      code: 'C9_RA_WITH_LEI',
      constraint: 'C9',
      path: '/originating_vasp/originating_vasp/legal_person/national_identification/registration_authority',
      message: expect.any(String),
      severity: 'error',
    });
  });

  it('validate: says which shape it read (form, envelope); a TRISA 2022-2024 payload with beneficiaryPerson is 2020 and valid', async () => {
    const shapes = join(__dirname, '..', 'ivms101', 'fixtures', 'shapes');
    const trisa = JSON.parse(
      (await runCli(['ivms101', 'validate', join(shapes, 'trisa-protojson-v1.3.0.json'), '--json'])).stdout,
    );
    expect(trisa).toMatchObject({ valid: true, edition: '2020', form: 'protobuf-json', envelope: null, errors: [] });
    const code = JSON.parse((await runCli(['ivms101', 'validate', join(shapes, 'code.json'), '--json'])).stdout);
    expect(code).toMatchObject({ valid: true, form: 'json-pascal-entities', envelope: '"ivms101" member' });
  });

  it('validate: exit 2 for what is not IVMS101 or not JSON', async () => {
    expect((await runCli(['ivms101', 'validate', fixture('envoy/transaction.json')])).code).toBe(2);
    const broken = join(t.dir, 'broken.json');
    writeFileSync(broken, '{"originator": ');
    const r = await runCli(['ivms101', 'validate', broken, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      valid: false,
      unreadable: true,
      reason: expect.stringMatching(/not valid JSON/),
    });
    expect((await runCli(['ivms101', 'validate', join(t.dir, 'absent.json')])).code).toBe(2);
  });

  it('validate: lists what the jurisdictions still need, by tier', async () => {
    const bare = join(t.dir, 'bare.json');
    writeFileSync(
      bare,
      JSON.stringify({
        originator: {
          originatorPersons: [
            {
              naturalPerson: {
                name: {
                  nameIdentifier: [
                    { primaryIdentifier: 'Tan', secondaryIdentifier: 'Wei Ling', nameIdentifierType: 'LEGL' },
                  ],
                },
                customerIdentification: 'C-1',
              },
            },
          ],
          accountNumber: ['0xabc'],
        },
        beneficiary: {
          beneficiaryPersons: [
            { naturalPerson: { name: { nameIdentifier: [{ primaryIdentifier: 'Lee', nameIdentifierType: 'LEGL' }] } } },
          ],
          accountNumber: ['0xdef'],
        },
      }),
    );
    const small = JSON.parse(
      (
        await runCli([
          'ivms101',
          'validate',
          bare,
          '--json',
          '--jurisdiction',
          'SG',
          '--amount',
          '1500',
          '--currency',
          'SGD',
        ])
      ).stdout,
    );
    expect(small.valid).toBe(true);
    expect(small.missing).toEqual([]);
    const big = JSON.parse(
      (
        await runCli([
          'ivms101',
          'validate',
          bare,
          '--json',
          '--jurisdiction',
          'SG',
          '--amount',
          '1500.01',
          '--currency',
          'SGD',
        ])
      ).stdout,
    );
    expect(big.missing).toHaveLength(1);
    expect(big.missing[0]).toMatchObject({ side: 'originator', jurisdictions: ['SG'] });
    expect(big.missing[0].items[0].path).toMatch(/^\/originator\/originatorPersons\/0\/naturalPerson\//);
    const text = await runCli(['ivms101', 'validate', bare, '--jurisdiction', 'DE']);
    expect(text.stdout).toMatch(
      /MISSING \(DE\) Originator's address with official document number and customer number, or date and place of birth/,
    );
  });

  it('convert: writes either edition, and the result validates in that edition', async () => {
    const out2023 = join(t.dir, 'p2023.json');
    const r = await runCli(['ivms101', 'convert', fixture('trp/inquiry.json'), '--to', '2023']);
    expect(r.code).toBe(0);
    writeFileSync(out2023, r.stdout);
    const v = JSON.parse((await runCli(['ivms101', 'validate', out2023, '--json'])).stdout);
    expect(v).toMatchObject({ valid: true, edition: '2023' });
    const back = await runCli(['ivms101', 'convert', out2023, '--to', '2020']);
    expect(JSON.parse(back.stdout).originator.originatorPersons).toHaveLength(1);
  });

  it('convert: refuses an invalid payload unless forced', async () => {
    const r = await runCli(['ivms101', 'convert', fixture('gtr/originator-example.json'), '--to', '2023']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid, not converted/);
    expect(
      (await runCli(['ivms101', 'convert', fixture('gtr/originator-example.json'), '--to', '2023', '--force'])).code,
    ).toBe(0);
    expect((await runCli(['ivms101', 'convert', fixture('trisa/address.json'), '--to', '2023'])).code).toBe(2);
  });
});
