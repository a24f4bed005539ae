import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caseWith } from '../../test/support/cases';
import { tempDir } from '../../test/support/temp';
import { evaluateCase } from './evaluate';
import { memoryRates } from './fx';
import { defaultRulePack, DEFAULT_RULES_DIR, loadRulePack } from './pack';

// Issue 14 point 6, third pass (lawg): a rule whose own text reaches only transfers between two VASPs says
// so for a self-hosted wallet — "not required", never "applies" nor "obtain, hold and record".

const pack = defaultRulePack();
const t = tempDir();
afterAll(() => t.cleanup());

const FSC =
  'FSC notice 24 Mar 2022 (summarising Enforcement Decree Art. 10-10): "가상자산사업자가 다른 가상자산사업자에게" — VASP to VASP only';

describe('KR: the Travel Rule applies VASP to VASP only (self-hosted wallets are outside it)', () => {
  it.each([
    ['to a self-hosted wallet, KRW 2,000,000 (above the threshold)', 'withdrawal', '2000000'],
    ['to a self-hosted wallet, KRW 1,000,000 (at the threshold)', 'withdrawal', '1000000'],
    ['from a self-hosted wallet, KRW 5,000,000', 'deposit', '5000000'],
    ['to a self-hosted wallet, KRW 10', 'withdrawal', '10'],
  ] as const)(`KR %s — ${FSC}`, (_what, direction, value) => {
    const c = caseWith({ counterparty: null, value, currency: 'KRW', at: '2026-11-02T10:00:00Z', direction });
    const e = evaluateCase(c, { pack, rates: memoryRates([]), homeJurisdiction: 'KR' }).result;
    expect(e.outcome, e.why.join('\n')).toBe('not_required');
    const us = e.sides.find((s) => s.party === 'us')!;
    expect(us).toMatchObject({ status: 'not_required', version: 'KR-SFTI-2022', tier: null, verified: true });
    expect(e.unhosted).toMatchObject({ duty: 'none', applies: false, version: 'KR-SFTI-2022' });
    expect(e.why[0]).toBe(
      'Not required: the KR Travel Rule (KR-SFTI-2022) applies only to transfers between two VASPs; the other side is a self-hosted wallet, so there is no Travel Rule data to send or to obtain.',
    );
    // What remains, said as outside the rule: the exchanges' own practice, the Act's other duties.
    expect(e.unhosted?.reason).toMatch(/pre-registration of personal wallets is their own practice, not law/);
    const why = e.why.join('\n');
    expect(why).not.toMatch(/applies to this transfer|obtain, hold and record|[Uu]nverified rule/);
    expect(e.unverified).toEqual([]);
  });

  it('KR ↔ KR between two VASPs still applies from KRW 1,000,000 (the scope changes nothing there)', () => {
    const c = caseWith({ counterparty: 'KR', value: '1000000', currency: 'KRW', at: '2026-11-02T10:00:00Z' });
    const e = evaluateCase(c, { pack, rates: memoryRates([]), homeJurisdiction: 'KR' }).result;
    expect(e.outcome).toBe('applies');
    expect(e.unhosted).toBeNull();
  });

  it('a counterparty VASP in KR is a VASP-to-VASP transfer: its rule applies (DE → KR, KRW 2,000,000)', () => {
    const c = caseWith({ counterparty: 'KR', value: '2000000', currency: 'KRW', at: '2026-11-02T10:00:00Z' });
    const e = evaluateCase(c, { pack, rates: memoryRates([]), homeJurisdiction: 'DE' }).result;
    expect(e.sides.find((s) => s.party === 'counterparty')).toMatchObject({ jurisdiction: 'KR', status: 'applies' });
  });
});

describe('the "vasp_to_vasp" scope in a rule file', () => {
  it('is refused, by file and field, with a self-hosted duty or threshold beside it', () => {
    const dir = join(t.dir, 'rules');
    cpSync(DEFAULT_RULES_DIR(), dir, { recursive: true });
    const kr = JSON.parse(readFileSync(join(dir, 'KR.json'), 'utf8'));
    kr.versions[0].unhostedWallet = { duty: 'verify_ownership', scope: 'vasp_to_vasp', note: 'x' };
    writeFileSync(join(dir, 'KR.json'), JSON.stringify(kr));
    const loaded = loadRulePack(dir);
    const err = loaded.errors.find((e) => e.file === 'KR.json');
    expect(err?.field).toMatch(/unhostedWallet\.scope$/);
    expect(err?.message).toMatch(/duty must be "none"/);
    expect(loaded.broken.has('KR')).toBe(true);
    expect(loaded.files.has('CH')).toBe(true);
  });
});
