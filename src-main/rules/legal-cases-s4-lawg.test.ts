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

// Issue 14 points 6 and 8: the why read as an analyst reads it, on transfers run through `rules evaluate`.
describe('the why, cleaned (third pass)', () => {
  const AT = '2026-11-02T10:00:00Z';
  const fresh = memoryRates([
    { base: 'EUR', quote: 'SGD', rate: '1.45', asOf: '2026-11-01T16:00:00Z', source: 'test' },
    { base: 'EUR', quote: 'USD', rate: '1.08', asOf: '2026-11-01T16:00:00Z', source: 'test' },
  ]);
  const why = (home: string, cp: string | null, value: string, currency: string, direction = 'withdrawal' as const) =>
    evaluateCase(caseWith({ counterparty: cp, value, currency, at: AT, direction }), {
      pack,
      rates: fresh,
      homeJurisdiction: home,
    }).result.why;
  const count = (lines: string[], re: RegExp) => lines.filter((l) => re.test(l)).length;

  it('31 CFR 1010.410(e): a value already in the rule currency is said once, not "5000.00 USD = 5000.00 USD"', () => {
    const w = why('US', 'SG', '5000', 'USD');
    expect(w).toContain(
      'US: US-1010.410f-CVC (local date 2026-11-02, America/New_York) applies — 5000.00 USD, from 3000.00 USD; tier: USD 3,000 and above. [unverified rule]',
    );
    expect(w.join('\n')).not.toMatch(/(\d+\.\d\d) USD = \1 USD/);
    // A converted value still shows its rate.
    expect(why('US', 'SG', '2000', 'EUR').join('\n')).toMatch(/2000\.00 EUR = 2160\.00 USD at EUR\/USD 1\.08/);
  });

  it('MAS PSN02 para 13 (no minimum, tiers at SGD 1,500): "no minimum", never "from 0.00 SGD"', () => {
    const w = why('SG', 'JP', '100', 'EUR').join('\n');
    expect(w).toMatch(
      /SG-PSN02-2020 .* applies — 100\.00 EUR = 145\.00 SGD at EUR\/SGD 1\.45 .*, no minimum; tier: up to SGD 1,500/,
    );
    expect(w).not.toMatch(/0\.00 SGD/);
  });

  it('Reg. (EU) 2023/1113 Art. 14(5)/16(2): a self-hosted wallet is named once, and the head promises no duty the rule lacks', () => {
    for (const direction of ['withdrawal', 'deposit'] as const) {
      const w = why('DE', null, '500', 'EUR', direction as 'withdrawal');
      expect(count(w, /self-hosted wallet, so there is no receiving or sending VASP/)).toBe(1);
      expect(count(w, /no counterparty VASP/)).toBe(0);
      expect(w.join('\n')).not.toMatch(/obtain, hold and record|send Travel Rule data to/);
      expect(w.join('\n')).toMatch(/at any amount: obtain and hold/);
      expect(w.join('\n')).not.toMatch(/500\.00 EUR = 500\.00 EUR/);
    }
  });

  it('31 CFR 1010.410(e): below $3,000 to a self-hosted wallet, the wallet is said once and "no further duty" is not claimed', () => {
    const w = why('US', null, '2000', 'USD');
    expect(w[0]).toBe('The Travel Rule does not apply: the transfer is below the threshold of every rule in force.');
    expect(count(w, /no counterparty VASP/)).toBe(1);
    expect(w).toContain('Self-hosted wallet: there is no counterparty VASP to exchange Travel Rule data with.');
    expect(w.join('\n')).toMatch(/US-1010\.410f-CVC: no duty specific to self-hosted wallets\./);
  });

  it('a territory following its sovereign (PR → US law, 31 CFR 1010.410) gets one "Unverified rule" line, naming both', () => {
    const w = why('US', 'PR', '5000', 'USD');
    expect(count(w, /^Unverified rule: /)).toBe(1);
    expect(w.join('\n')).toMatch(
      /^Unverified rule: US's rule version US-1010\.410f-CVC \(also deciding for PR\) is not verified/m,
    );
  });

  it('a rule note ends its own sentence: the local date follows inside it (TR before 25 Feb 2025)', () => {
    const w = evaluateCase(
      caseWith({ counterparty: 'TR', value: '100', currency: 'EUR', at: '2024-06-02T10:00:00Z' }),
      {
        pack,
        rates: fresh,
        homeJurisdiction: 'TR',
      },
    ).result.why.join('\n');
    expect(w).toMatch(
      /TR: not required on this side — TR-pre-2025: .*was not read \(local date 2024-06-02, Europe\/Istanbul\) \[unverified rule\]\./,
    );
    expect(w).not.toMatch(/\. \(local date/);
  });
});
