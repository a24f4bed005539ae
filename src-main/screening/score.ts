// Token-pair Jaro–Winkler, in the spirit of moov-io/watchman's best-pairs scoring:
// every query token is paired with its best unused candidate token, the pair scores are weighted
// by token length, and what is left unmatched on either side pulls the score down.

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  // Scratch flags reused across calls (the index calls this thousands of times per query).
  if (la > flagsA.length) flagsA = new Uint8Array(la * 2);
  if (lb > flagsB.length) flagsB = new Uint8Array(lb * 2);
  const ma = flagsA.fill(0, 0, la);
  const mb = flagsB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    for (let j = lo; j <= hi; j++) {
      if (!mb[j] && a.charCodeAt(i) === b.charCodeAt(j)) {
        ma[i] = 1;
        mb[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let transpositions = 0;
  for (let i = 0; i < la; i++) {
    if (!ma[i]) continue;
    while (!mb[k]) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** Short tokens (initials, "al", "bin") say little about identity: they weigh less. */
const weight = (t: string) => (t.length <= 2 ? 0.3 : t.length);
/** Below this a token pair is not a match at all. */
const PAIR_FLOOR = 0.8;
const SHORT_PAIR_FLOOR = 0.9;

export interface TokenScore {
  score: number;
  /** For the "why": which query token matched which listed token, and how well. */
  pairs: { query: string; listed: string; score: number }[];
}

/**
 * One token pair's score as the scorer counts it: Jaro–Winkler, weighed down when the tokens' lengths
 * differ, and 0 below the pair floor (such a pair is no match at all). The index caches this per
 * (query token, listed token), so it must depend on nothing else.
 */
export function pairScore(q: string, l: string): number {
  let s = jaroWinkler(q, l);
  // Jaro–Winkler is generous with short strings ("san" ~ "sanne"): tokens of very different
  // length weigh less, and a short token must match closely to count at all.
  if (q !== l) s *= Math.sqrt(Math.min(q.length, l.length) / Math.max(q.length, l.length));
  const floor = Math.min(q.length, l.length) <= 4 ? SHORT_PAIR_FLOOR : PAIR_FLOOR;
  return s >= floor ? s : 0;
}

export const tokenWeight = weight;

/** Which letters a token holds, one bit each (digits share five bits: a coarser mask only loosens the bound). */
export function letterMask(t: string): number {
  let mask = 0;
  for (let i = 0; i < t.length; i++) mask |= 1 << letterBit(t.charCodeAt(i));
  return mask;
}
const letterBit = (c: number) => (c >= 97 && c <= 122 ? c - 97 : c >= 48 && c <= 57 ? 26 + ((c - 48) % 5) : 31);

/**
 * An upper bound of `pairScore(q, l)` in a few operations: a letter of one token absent from the other
 * cannot be a Jaro match (each absent distinct letter is at least one position), transpositions can only
 * lower the score, and the Winkler prefix is counted exactly. 0 means `pairScore` is 0 too, so the index
 * skips Jaro–Winkler for most of the pairs a common token ("muhammad", "al") brings in.
 */
export function pairBound(q: string, l: string, qMask: number, lMask: number): number {
  if (q === l) return 1;
  const la = q.length;
  const lb = l.length;
  if (la === 0 || lb === 0) return 0;
  const short = la < lb ? la : lb;
  const floor = short <= 4 ? SHORT_PAIR_FLOOR : PAIR_FLOOR;
  const lengths = Math.sqrt(short / (la < lb ? lb : la));
  if (lengths < floor) return 0;
  const m = Math.min(la - popcount(qMask & ~lMask), lb - popcount(lMask & ~qMask));
  if (m <= 0) return 0;
  const jaro = (m / la + m / lb + 1) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < short && q.charCodeAt(prefix) === l.charCodeAt(prefix)) prefix++;
  // A hair above the exact arithmetic, so that rounding can never put the bound under the score.
  const s = (jaro + prefix * 0.1 * (1 - jaro)) * lengths + 1e-9;
  return s >= floor ? s : 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

let scratch = new Float64Array(256);

/**
 * `surnames`: how many of the listed tokens, from the start, are the surname (lists write individuals
 * "LAST, First"). An unmatched surname is stronger evidence against a match than a missing middle name.
 */
export function scoreTokens(query: string[], listed: string[], surnames = 0): TokenScore {
  if (query.length === 0 || listed.length === 0) return { score: 0, pairs: [] };
  const m = listed.length;
  // A scratch matrix reused across calls (the scan calls this for every listed name).
  if (query.length * m > scratch.length) scratch = new Float64Array(query.length * m * 2);
  const matrix = scratch;
  for (let qi = 0; qi < query.length; qi++)
    for (let li = 0; li < m; li++) matrix[qi * m + li] = pairScore(query[qi]!, listed[li]!);
  return scorePairs(query, listed, surnames, matrix);
}

/**
 * The score from the pair scores already computed (`matrix[qi * listed.length + li]`, 0 for no match):
 * every query token is paired with its best unused listed token, best pairs first.
 */
export function scorePairs(query: string[], listed: string[], surnames: number, matrix: Float64Array): TokenScore {
  if (query.length === 0 || listed.length === 0) return { score: 0, pairs: [] };
  const m = listed.length;
  const all: { qi: number; li: number; s: number }[] = [];
  for (let qi = 0; qi < query.length; qi++) {
    for (let li = 0; li < m; li++) {
      const s = matrix[qi * m + li]!;
      if (s > 0) all.push({ qi, li, s });
    }
  }
  all.sort((x, y) => y.s - x.s);
  const usedQ = new Set<number>();
  const usedL = new Set<number>();
  const pairs: TokenScore['pairs'] = [];
  let qMatched = 0;
  let lMatched = 0;
  for (const p of all) {
    if (usedQ.has(p.qi) || usedL.has(p.li)) continue;
    usedQ.add(p.qi);
    usedL.add(p.li);
    qMatched += p.s * weight(query[p.qi]!);
    lMatched += p.s * weight(listed[p.li]!) * (p.li < surnames ? 2 : 1);
    pairs.push({ query: query[p.qi]!, listed: listed[p.li]!, score: Math.round(p.s * 1000) / 1000 });
  }
  const qTotal = query.reduce((s, t) => s + weight(t), 0);
  const lTotal = listed.reduce((s, t, i) => s + weight(t) * (i < surnames ? 2 : 1), 0);
  const qCoverage = qMatched / qTotal;
  const lCoverage = lMatched / lTotal;
  // The query must be explained (a dropped middle name costs less than an unexplained query token);
  // a one-word query against a longer listed name is weak evidence on its own.
  let score = 0.7 * qCoverage + 0.3 * lCoverage;
  if (usedQ.size === 1 && listed.length > 1 && query.length === 1) score *= 0.85;
  return { score: Math.round(score * 1000) / 1000, pairs };
}
