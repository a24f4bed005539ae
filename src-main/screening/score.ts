// Token-pair Jaro–Winkler, in the spirit of moov-io/watchman's best-pairs scoring:
// every query token is paired with its best unused candidate token, the pair scores are weighted
// by token length, and what is left unmatched on either side pulls the score down.

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  const ma = new Uint8Array(la);
  const mb = new Uint8Array(lb);
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
 * `surnames`: how many of the listed tokens, from the start, are the surname (lists write individuals
 * "LAST, First"). An unmatched surname is stronger evidence against a match than a missing middle name.
 */
export function scoreTokens(query: string[], listed: string[], surnames = 0): TokenScore {
  if (query.length === 0 || listed.length === 0) return { score: 0, pairs: [] };
  const all: { qi: number; li: number; s: number }[] = [];
  for (let qi = 0; qi < query.length; qi++) {
    for (let li = 0; li < listed.length; li++) {
      const q = query[qi]!;
      const l = listed[li]!;
      let s = jaroWinkler(q, l);
      // Jaro–Winkler is generous with short strings ("san" ~ "sanne"): tokens of very different
      // length weigh less, and a short token must match closely to count at all.
      if (q !== l) s *= Math.sqrt(Math.min(q.length, l.length) / Math.max(q.length, l.length));
      const floor = Math.min(q.length, l.length) <= 4 ? SHORT_PAIR_FLOOR : PAIR_FLOOR;
      if (s >= floor) all.push({ qi, li, s });
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
