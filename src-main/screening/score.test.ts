import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../test/support/shared';
import { parseOfacCsv } from './lists/ofac';
import { nameTokens } from './normalize';
import { letterMask, pairBound, pairScore, scorePairs, scoreTokens } from './score';

// The index skips a pair (and, summed, a whole name) when `pairBound` says it cannot reach the floor.
// That is only sound if the bound is never below the score: proved here over real listed tokens.

const vocabulary = [
  ...new Set(
    parseOfacCsv(sharedPath('fixtures', 'sanctions', 'ofac')).entries.flatMap((e) => e.names.flatMap(nameTokens)),
  ),
].sort();

describe('pairBound', () => {
  it('is never below pairScore, over 190,000 pairs of listed tokens (near neighbours included)', () => {
    let pairs = 0;
    let pruned = 0;
    let scored = 0;
    const under: string[] = [];
    // Every 60th token against a window of 500 alphabetical neighbours (the pairs that do match)
    // and against every 60th token (the pairs that do not).
    const sample = vocabulary.filter((_, i) => i % 60 === 0);
    for (const [i, q] of vocabulary.entries()) {
      if (i % 60) continue;
      const others = [...vocabulary.slice(Math.max(0, i - 250), i + 250), ...sample];
      for (const l of others) {
        const s = pairScore(q, l);
        const b = pairBound(q, l, letterMask(q), letterMask(l));
        pairs++;
        if (b === 0) pruned++;
        if (s > 0) scored++;
        if (b < s) under.push(`${q} ~ ${l}: bound ${b} < score ${s}`);
      }
    }
    expect(under).toEqual([]);
    expect(pairs).toBeGreaterThan(190_000);
    // It does its job: most pairs are ruled out without Jaro–Winkler, and real matches are present.
    expect(pruned / pairs).toBeGreaterThan(0.5);
    expect(scored).toBeGreaterThan(1000);
  });

  it('bounds transposed, missing and extra letters, digits and equal tokens', () => {
    const cases: [string, string][] = [
      ['muhammad', 'muhamad'],
      ['husayn', 'husyan'],
      ['ali', 'ali'],
      ['al', 'ali'],
      ['abc1', 'abc6'],
      ['sergey', 'sergei'],
      ['x', 'y'],
      ['tikriti', 'tikrit'],
    ];
    for (const [q, l] of cases)
      expect(pairBound(q, l, letterMask(q), letterMask(l))).toBeGreaterThanOrEqual(pairScore(q, l));
    expect(pairBound('ali', 'ali', letterMask('ali'), letterMask('ali'))).toBe(1);
    expect(pairBound('muhammad', 'xyz', letterMask('muhammad'), letterMask('xyz'))).toBe(0);
  });
});

describe('scorePairs', () => {
  it('scores as scoreTokens does from a precomputed pair matrix', () => {
    const q = ['muhammad', 'husayn', 'fadlallah'];
    const l = ['fadlallah', 'muhammad', 'husayn', 'al'];
    const matrix = new Float64Array(q.length * l.length);
    q.forEach((a, i) => l.forEach((b, j) => (matrix[i * l.length + j] = pairScore(a, b))));
    expect(scorePairs(q, l, 1, matrix)).toEqual(scoreTokens(q, l, 1));
    expect(scoreTokens(q, l, 1).score).toBeGreaterThan(0.9);
  });
});
