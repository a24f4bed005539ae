import { nameTokens } from './normalize';
import { letterMask, pairBound, pairScore, scorePairs, scoreTokens, tokenWeight, type TokenScore } from './score';
import type { ListSource, SanctionsEntry } from './types';

// The screening index: every listed name as comparison tokens, an inverted index from token keys to
// names (so one query scores tens of candidates, not every entry), and an exact index of wallet
// addresses. Built from the active list versions when they are first needed.

export interface IndexedList {
  source: ListSource;
  /** e.g. "ofac 2026-02-27 (a1b2c3d4)". */
  version: string;
  entries: SanctionsEntry[];
}

export interface NameHit {
  score: number;
  list: ListSource;
  listVersion: string;
  entryId: string;
  /** The entry's primary name. */
  name: string;
  /** The listed name (primary or alias) that matched best. */
  matchedName: string;
  kind: SanctionsEntry['kind'];
  /** The entry's dates of birth and countries, for the score's parts. */
  birthDates: string[];
  countries: string[];
  why: {
    nameScore: number;
    pairs: { query: string; listed: string; score: number }[];
    birthDate: 'same date' | 'same year' | 'different' | null;
    country: 'listed' | 'not listed' | null;
  };
}

export interface AddressHit {
  list: ListSource;
  listVersion: string;
  entryId: string;
  name: string;
  chain: string;
  address: string;
}

export interface SearchOptions {
  minScore: number;
  limit?: number;
  /** The screened party's date of birth (YYYY-MM-DD) and country, when known. */
  birthDate?: string | null;
  country?: string | null;
}

interface IndexedName {
  entry: number;
  name: string;
  tokens: string[];
  /** The tokens as vocabulary ids, so a pair's score is computed once per query, not once per name. */
  ids: Int32Array;
  /** Each token's weight in the listed side's coverage (surname tokens count twice), and their sum. */
  weights: Float64Array;
  total: number;
  /** Leading tokens that are the surname ("LAST, First" names of individuals). */
  surnames: number;
}

const VOWELS = /[aeiouy]/g;
/** Two keys per token: its first three letters, and its consonant skeleton's first three. */
function keys(token: string): string[] {
  if (token.length < 3) return [];
  const skeleton = token[0] + token.slice(1).replace(VOWELS, '');
  return [`p:${token.slice(0, 3)}`, `s:${skeleton.slice(0, 3)}`];
}

/** Address families: which listed chains an address on a given network can be. */
const CHAIN_FAMILY = new Map<string, string>(
  Object.entries({
    XBT: 'bitcoin',
    BTC: 'bitcoin',
    ETH: 'evm',
    ETC: 'evm',
    ARB: 'evm',
    BSC: 'evm',
    USDC: 'evm',
    LTC: 'litecoin',
    DASH: 'dash',
    XMR: 'monero',
    ZEC: 'zcash',
    BSV: 'bitcoin-sv',
    BCH: 'bitcoin-cash',
    BTG: 'bitcoin-gold',
    TRX: 'tron',
    XRP: 'xrpl',
    SOL: 'solana',
    XVG: 'verge',
  }),
);
const NETWORK_FAMILY = new Map<string, string>(
  Object.entries({
    bitcoin: 'bitcoin',
    ethereum: 'evm',
    polygon: 'evm',
    arbitrum: 'evm',
    bsc: 'evm',
    tron: 'tron',
    solana: 'solana',
    xrpl: 'xrpl',
    litecoin: 'litecoin',
  }),
);

export function chainFamily(chain: string, address: string): string {
  const c = chain.toUpperCase();
  // OFAC's USDT entries name the token, not the chain: the address format tells which.
  if (c === 'USDT') return /^0x/i.test(address) ? 'evm' : /^T/.test(address) ? 'tron' : 'unknown';
  return CHAIN_FAMILY.get(c) ?? c.toLowerCase();
}

export const networkFamily = (network: string) => NETWORK_FAMILY.get(network.toLowerCase()) ?? network.toLowerCase();

/** Case-folds only where the chain's address format is case-insensitive (hex EVM, bech32). */
export function normalizeAddress(address: string): string {
  const a = address.trim();
  if (/^0x[0-9a-f]{40}$/i.test(a) || /^(bc1|tb1|ltc1)/i.test(a)) return a.toLowerCase();
  return a;
}

// Local bindings of the scorer's hot functions (a module namespace lookup per call shows in profiles).
const bound = pairBound;
const weightOf = tokenWeight;

function sameYear(a: string, b: string) {
  return a.slice(0, 4) === b.slice(0, 4);
}

/** Name passes kept per index (ScreeningIndex.namePass): a few hundred bytes each, most of them empty. */
const NAME_PASSES_KEPT = 8192;

export class ScreeningIndex {
  private readonly entries: { list: IndexedList; entry: SanctionsEntry }[] = [];
  private readonly names: IndexedName[] = [];
  private readonly byKey = new Map<string, number[]>();
  private readonly vocabulary = new Map<string, number>();
  private readonly words: string[] = [];
  // Per-query scratch, reused: which names are already candidates, and each query token's pair score
  // against each vocabulary word (valid where its stamp equals the query's generation).
  private seen = new Uint32Array(0);
  private wordMasks = new Int32Array(0);
  private readonly pairCache: Float64Array[] = [];
  private readonly pairStamp: Uint32Array[] = [];
  // Per vocabulary word, for the query: the most it can add to the query's matched weight, and its best
  // pair bound (valid where wordStamp equals the generation).
  private wordStamp = new Uint32Array(0);
  private wordQuery = new Float64Array(0);
  private wordBest = new Float64Array(0);
  private generation = 0;
  private readonly byAddress = new Map<string, { entry: number; chain: string; address: string }[]>();
  private readonly namePasses = new Map<string, { n: number; s: TokenScore }[]>();

  constructor(readonly lists: IndexedList[]) {
    for (const list of lists) {
      for (const entry of list.entries) {
        const e = this.entries.push({ list, entry }) - 1;
        for (const name of entry.names) {
          const tokens = nameTokens(name);
          if (!tokens.length) continue;
          const comma = entry.kind === 'individual' ? name.indexOf(',') : -1;
          const surnames = comma > 0 ? nameTokens(name.slice(0, comma)).length : 0;
          const ids = new Int32Array(tokens.length);
          const weights = new Float64Array(tokens.length);
          let total = 0;
          tokens.forEach((t, i) => {
            let id = this.vocabulary.get(t);
            if (id === undefined) this.vocabulary.set(t, (id = this.words.push(t) - 1));
            ids[i] = id;
            total += weights[i] = tokenWeight(t) * (i < surnames ? 2 : 1);
          });
          const n = this.names.push({ entry: e, name, tokens, ids, weights, total, surnames }) - 1;
          for (const k of new Set(tokens.flatMap(keys))) {
            const posting = this.byKey.get(k);
            if (posting) posting.push(n);
            else this.byKey.set(k, [n]);
          }
        }
        for (const a of entry.addresses) {
          const norm = normalizeAddress(a.address);
          const posting = this.byAddress.get(norm) ?? [];
          posting.push({ entry: e, chain: a.chain, address: a.address });
          this.byAddress.set(norm, posting);
        }
      }
    }
    this.seen = new Uint32Array(this.names.length);
    this.wordMasks = Int32Array.from(this.words, letterMask);
    this.wordStamp = new Uint32Array(this.words.length);
    this.wordQuery = new Float64Array(this.words.length);
    this.wordBest = new Float64Array(this.words.length);
  }

  get size(): { entries: number; names: number; addresses: number } {
    return { entries: this.entries.length, names: this.names.length, addresses: this.byAddress.size };
  }

  /** Names sharing a key with a query token, in first-seen order (ties keep the first name seen). */
  private candidates(tokens: string[], generation: number): number[] | null {
    const long = tokens.filter((t) => t.length >= 3);
    if (!long.length) return null; // only initials: nothing to narrow by, every name is a candidate
    const out: number[] = [];
    const seen = this.seen;
    for (const k of new Set(long.flatMap(keys)))
      for (const n of this.byKey.get(k) ?? [])
        if (seen[n] !== generation) {
          seen[n] = generation;
          out.push(n);
        }
    return out;
  }

  /** The pair-score matrix of the query against one listed name, each distinct pair computed once per query. */
  private fillPairs(tokens: string[], indexed: IndexedName, generation: number, matrix: Float64Array): void {
    const m = indexed.ids.length;
    for (let qi = 0; qi < tokens.length; qi++) {
      const cache = this.pairCache[qi]!;
      const stamp = this.pairStamp[qi]!;
      for (let li = 0; li < m; li++) {
        const id = indexed.ids[li]!;
        if (stamp[id] !== generation) {
          cache[id] = pairScore(tokens[qi]!, this.words[id]!);
          stamp[id] = generation;
        }
        matrix[qi * m + li] = cache[id]!;
      }
    }
  }

  /**
   * A first, cheap bound of the name's score, O(its tokens): each listed word is credited with its best
   * pair bound (`pairBound`) against any query token, for the query side (at that token's weight) and for
   * the listed side. Each matched pair uses one listed word, so the greedy pairing cannot score more.
   */
  private quickBound(
    tokens: string[],
    masks: number[],
    qTotal: number,
    indexed: IndexedName,
    generation: number,
  ): number {
    let q = 0;
    let l = 0;
    for (let li = 0; li < indexed.ids.length; li++) {
      const id = indexed.ids[li]!;
      if (this.wordStamp[id] !== generation) {
        const word = this.words[id]!;
        const mask = this.wordMasks[id]!;
        let wq = 0;
        let wb = 0;
        for (let qi = 0; qi < tokens.length; qi++) {
          const b = bound(tokens[qi]!, word, masks[qi]!, mask);
          if (b > 0) {
            wq = Math.max(wq, b * weightOf(tokens[qi]!));
            wb = Math.max(wb, b);
          }
        }
        this.wordQuery[id] = wq;
        this.wordBest[id] = wb;
        this.wordStamp[id] = generation;
      }
      q += this.wordQuery[id]!;
      l += this.wordBest[id]! * indexed.weights[li]!;
    }
    return 0.7 * (Math.min(q, qTotal) / qTotal) + 0.3 * (l / indexed.total);
  }

  /**
   * The most the name can score from these pair scores: each query token and each listed token at its
   * best pair, as if none competed. The greedy pairing can only score less, so a name whose bound is
   * under the threshold is skipped without pairing.
   */
  private static bound(tokens: string[], qTotal: number, indexed: IndexedName, matrix: Float64Array): number {
    const m = indexed.ids.length;
    let qBest = 0;
    for (let qi = 0; qi < tokens.length; qi++) {
      let best = 0;
      for (let li = 0; li < m; li++) best = Math.max(best, matrix[qi * m + li]!);
      qBest += best * tokenWeight(tokens[qi]!);
    }
    let lBest = 0;
    for (let li = 0; li < m; li++) {
      let best = 0;
      for (let qi = 0; qi < tokens.length; qi++) best = Math.max(best, matrix[qi * m + li]!);
      lBest += best * indexed.weights[li]!;
    }
    return 0.7 * (qBest / qTotal) + 0.3 * (lBest / indexed.total);
  }

  /**
   * The names that can reach `minScore` with date and country at their best, each with its name score, in
   * the order the search meets them: all a search reads of the query but its date and country, so it is
   * kept per token list and score floor (the index never changes once built; first in, first out past
   * NAME_PASSES_KEPT). A name asked with another date of birth or country is scored once.
   */
  private namePass(tokens: string[], minScore: number, naive: boolean): { n: number; s: TokenScore }[] {
    const key = naive ? null : JSON.stringify([minScore, tokens]);
    const kept = key === null ? undefined : this.namePasses.get(key);
    if (kept) return kept;
    const out: { n: number; s: TokenScore }[] = [];
    const generation = this.nextGeneration(tokens.length);
    const qTotal = tokens.reduce((s, t) => s + tokenWeight(t), 0);
    const masks = tokens.map(letterMask);
    const floor = minScore - 0.2; // date and country can add at most a little
    let matrix = new Float64Array(64);
    const candidates = naive ? null : this.candidates(tokens, generation);
    const count = candidates ? candidates.length : this.names.length;
    for (let i = 0; i < count; i++) {
      const n = candidates ? candidates[i]! : i;
      const indexed = this.names[n]!;
      let s: TokenScore;
      if (naive) s = scoreTokens(tokens, indexed.tokens, indexed.surnames);
      else {
        const cells = tokens.length * indexed.ids.length;
        if (cells > matrix.length) matrix = new Float64Array(cells * 2);
        // The score is rounded to 0.001 (at most 0.0005 up): a bound below by more than that cannot pass.
        // First from each pair's cheap bound, then from the pair scores themselves.
        if (this.quickBound(tokens, masks, qTotal, indexed, generation) + 0.001 < floor) continue;
        this.fillPairs(tokens, indexed, generation, matrix);
        if (ScreeningIndex.bound(tokens, qTotal, indexed, matrix) + 0.001 < floor) continue;
        s = scorePairs(tokens, indexed.tokens, indexed.surnames, matrix.subarray(0, cells));
      }
      if (s.score < floor) continue;
      out.push({ n, s });
    }
    if (key !== null) {
      if (this.namePasses.size >= NAME_PASSES_KEPT) this.namePasses.delete(this.namePasses.keys().next().value!);
      this.namePasses.set(key, out);
    }
    return out;
  }

  /** Forgets the kept name passes: the screening suite times each query's first search. */
  forgetNamePasses(): void {
    this.namePasses.clear();
  }

  /** Name search over the index (`naive` scores every listed name: for measuring the index). */
  search(query: string, opts: SearchOptions, naive = false): NameHit[] {
    const tokens = nameTokens(query);
    if (!tokens.length) return [];
    const best = new Map<number, NameHit>();
    for (const { n, s } of this.namePass(tokens, opts.minScore, naive)) {
      const indexed = this.names[n]!;
      const { entry, list } = this.entries[indexed.entry]!;
      let score = s.score;
      let birthDate: NameHit['why']['birthDate'] = null;
      if (opts.birthDate && entry.birthDates.length) {
        if (entry.birthDates.includes(opts.birthDate)) {
          birthDate = 'same date';
          score += 0.05;
        } else if (entry.birthDates.some((d) => sameYear(d, opts.birthDate!))) {
          birthDate = 'same year';
          score += 0.02;
        } else if (
          !entry.birthDates.some((d) => Math.abs(Number(d.slice(0, 4)) - Number(opts.birthDate!.slice(0, 4))) <= 1)
        ) {
          birthDate = 'different';
          score -= 0.15;
        }
      }
      let country: NameHit['why']['country'] = null;
      if (opts.country && entry.countries.length) {
        country = entry.countries.includes(opts.country) ? 'listed' : 'not listed';
        score += country === 'listed' ? 0.02 : -0.05;
      }
      score = Math.round(Math.min(1, Math.max(0, score)) * 1000) / 1000;
      if (score < opts.minScore) continue;
      const prev = best.get(indexed.entry);
      if (prev && prev.score >= score) continue;
      best.set(indexed.entry, {
        score,
        list: list.source,
        listVersion: list.version,
        entryId: entry.entryId,
        name: entry.names[0] ?? indexed.name,
        matchedName: indexed.name,
        kind: entry.kind,
        birthDates: entry.birthDates,
        countries: entry.countries,
        // A copy: the name pass is kept and shared by later searches.
        why: { nameScore: s.score, pairs: s.pairs.map((x) => ({ ...x })), birthDate, country },
      });
    }
    return [...best.values()]
      .sort((a, b) => b.score - a.score || a.list.localeCompare(b.list) || a.entryId.localeCompare(b.entryId))
      .slice(0, opts.limit ?? 20);
  }

  /** A fresh generation for the per-query scratch, with a pair cache for each query token. */
  private nextGeneration(queryTokens: number): number {
    if (++this.generation === 0xffffffff) {
      this.generation = 1;
      this.seen.fill(0);
      this.pairStamp.forEach((s) => s.fill(0));
      this.wordStamp.fill(0);
    }
    while (this.pairCache.length < queryTokens) {
      this.pairCache.push(new Float64Array(this.words.length));
      this.pairStamp.push(new Uint32Array(this.words.length));
    }
    return this.generation;
  }

  /** Exact wallet address match, limited to listed chains of the same family as the network. */
  findAddress(address: string, network?: string): AddressHit[] {
    const hits = this.byAddress.get(normalizeAddress(address)) ?? [];
    return hits
      .filter((h) => !network || chainFamily(h.chain, h.address) === networkFamily(network))
      .map((h) => {
        const { entry, list } = this.entries[h.entry]!;
        return {
          list: list.source,
          listVersion: list.version,
          entryId: entry.entryId,
          name: entry.names[0] ?? '',
          chain: h.chain,
          address: h.address,
        };
      });
  }
}
