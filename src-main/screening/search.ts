import { nameTokens } from './normalize';
import { scoreTokens } from './score';
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

function sameYear(a: string, b: string) {
  return a.slice(0, 4) === b.slice(0, 4);
}

export class ScreeningIndex {
  private readonly entries: { list: IndexedList; entry: SanctionsEntry }[] = [];
  private readonly names: IndexedName[] = [];
  private readonly byKey = new Map<string, number[]>();
  private readonly byAddress = new Map<string, { entry: number; chain: string; address: string }[]>();

  constructor(readonly lists: IndexedList[]) {
    for (const list of lists) {
      for (const entry of list.entries) {
        const e = this.entries.push({ list, entry }) - 1;
        for (const name of entry.names) {
          const tokens = nameTokens(name);
          if (!tokens.length) continue;
          const comma = entry.kind === 'individual' ? name.indexOf(',') : -1;
          const surnames = comma > 0 ? nameTokens(name.slice(0, comma)).length : 0;
          const n = this.names.push({ entry: e, name, tokens, surnames }) - 1;
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
  }

  get size(): { entries: number; names: number; addresses: number } {
    return { entries: this.entries.length, names: this.names.length, addresses: this.byAddress.size };
  }

  private candidates(tokens: string[]): Iterable<number> {
    const long = tokens.filter((t) => t.length >= 3);
    if (!long.length) return this.names.keys(); // only initials: nothing to narrow by
    const seen = new Set<number>();
    for (const k of new Set(long.flatMap(keys))) for (const n of this.byKey.get(k) ?? []) seen.add(n);
    return seen;
  }

  /** Name search over the index (`naive` scores every listed name: for measuring the index). */
  search(query: string, opts: SearchOptions, naive = false): NameHit[] {
    const tokens = nameTokens(query);
    if (!tokens.length) return [];
    const best = new Map<number, NameHit>();
    for (const n of naive ? this.names.keys() : this.candidates(tokens)) {
      const indexed = this.names[n]!;
      const s = scoreTokens(tokens, indexed.tokens, indexed.surnames);
      if (s.score < opts.minScore - 0.2) continue; // date and country can add at most a little
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
        why: { nameScore: s.score, pairs: s.pairs, birthDate, country },
      });
    }
    return [...best.values()]
      .sort((a, b) => b.score - a.score || a.list.localeCompare(b.list) || a.entryId.localeCompare(b.entryId))
      .slice(0, opts.limit ?? 20);
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
