import { describe, expect, it } from 'vitest';
import { caseRecordSchema } from '../../src-shared/case';
import { displayNames } from '../ivms101/display-names';
import { isValidLeiChecksum } from '../ivms101/lei';
import { readIvms101 } from '../ivms101/engine';
import { generateCases } from './generate';

describe('synthetic case generator', () => {
  const cases = [...generateCases(2000, { seed: 42 })];

  it('is deterministic for a seed and differs across seeds', () => {
    expect([...generateCases(50, { seed: 42 })]).toEqual(cases.slice(0, 50));
    expect([...generateCases(50, { seed: 43 })][0]).not.toEqual(cases[0]);
  });

  it('gives our customer an id that reads cleanly under both editions (no 2020-charset warning on every case)', () => {
    const ids = cases.flatMap((c) => JSON.stringify(c.ivms101).match(/"customerIdentification":"[^"]*"/g) ?? []);
    expect(ids.length).toBeGreaterThan(1000);
    const warned = cases.slice(0, 300).flatMap((c) => {
      const read = readIvms101(c.ivms101, { today: '2026-01-01' });
      return read.ok ? read.result.warnings.filter((w) => w.path.endsWith('/customerIdentification')) : [];
    });
    expect(warned).toEqual([]);
  });

  it('writes every case in the contract shape, with unique ids', () => {
    for (const c of cases) expect(caseRecordSchema.safeParse(c).success).toBe(true);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it('spreads over jurisdictions, assets, directions and wallet types', () => {
    const jurisdictions = new Set(cases.map((c) => c.counterparty?.jurisdiction).filter(Boolean));
    expect(jurisdictions.size).toBeGreaterThanOrEqual(10);
    expect(new Set(cases.map((c) => c.asset)).size).toBeGreaterThanOrEqual(5);
    const withdrawals = cases.filter((c) => c.direction === 'withdrawal').length / cases.length;
    expect(withdrawals).toBeGreaterThan(0.5);
    expect(withdrawals).toBeLessThan(0.7);
    const unhosted = cases.filter((c) => c.walletType === 'unhosted').length / cases.length;
    expect(unhosted).toBeGreaterThan(0.08);
    expect(unhosted).toBeLessThan(0.16);
  });

  it('carries names, addresses, birth dates and ID numbers, in several scripts', () => {
    const json = JSON.stringify(cases);
    expect(json).toMatch(/"dateOfBirth":"\d{4}-\d{2}-\d{2}"/);
    expect(json).toMatch(/"nationalIdentifier":/);
    expect(json).toMatch(/"streetName":/);
    expect(json).toMatch(/[\u0400-\u04FF]/); // Cyrillic
    expect(json).toMatch(/[\u4E00-\u9FFF]/); // CJK
    expect(displayNames(cases[0]?.ivms101).originator).toBeTruthy();
  });

  it('makes about a fifth of the cases incomplete or invalid', () => {
    const bare = cases.filter((c) => {
      const s = JSON.stringify(c.ivms101);
      return (
        !s.includes('"dateOfBirth"') ||
        s.includes('"nameIdentifier":[]') ||
        s.includes('XK1') ||
        s.includes('2031-02-30') ||
        !/"streetName".*"streetName"|"beneficiaryPersons"/.test(s)
      );
    }).length;
    expect(bare / cases.length).toBeGreaterThan(0.12);
    expect(bare / cases.length).toBeLessThan(0.3);
  });

  it('gives counterparties well-formed LEIs and amounts as decimal strings', () => {
    for (const c of cases) {
      if (c.counterparty?.lei) expect(isValidLeiChecksum(c.counterparty.lei)).toBe(true);
      expect(c.amount).toMatch(/^\d+(\.\d+)?$/);
      expect(c.fiatValue?.amount).toMatch(/^\d+\.\d{2}$/);
    }
  });
});
