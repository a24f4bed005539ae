// Issue 14 point 9: "No invented dates: an unknown start date is stated as unknown." The reference data
// (cogentic-co/crypto-travel-rules) starts most rules on a handful of round dates that no cited source gives.
// A version may start on such a date only when it cites the words that date rests on; otherwise its start is
// unknown (effectiveFrom null, inForceBy the earliest date anything shows it in force).
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_DIR, loadRulePack, versionStart } from './pack';

const PLACEHOLDERS = new Set(['2024-01-01', '2024-06-01', '2025-01-01', '2025-06-01']);
const pack = loadRulePack(DEFAULT_RULES_DIR());

describe('rule pack start dates', () => {
  it('loads every file', () => {
    expect(pack.errors).toEqual([]);
  });

  it('starts no version on a placeholder date unless a quoted source gives that date', () => {
    const invented: string[] = [];
    for (const [code, f] of pack.files) {
      for (const v of f.versions) {
        if (v.effectiveFrom === null || !PLACEHOLDERS.has(v.effectiveFrom)) continue;
        const cited = v.sources.some((s) => s.quote !== undefined || s.article !== undefined);
        if (!cited && f.provenance === 'reference') invented.push(`${code} ${v.version} ${v.effectiveFrom}`);
      }
    }
    expect(invented).toEqual([]);
  });

  it('says when a copied rule is taken as in force, and never before', () => {
    const ad = pack.files.get('AD');
    expect(ad?.verified).toBe(false);
    const v = ad?.versions[0];
    expect(v?.effectiveFrom).toBeNull();
    expect(v && versionStart(v)).toBe('2026-11-29');
  });
});
