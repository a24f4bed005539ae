import { hash } from 'node:crypto';
import type { CaseRecord } from '../../src-shared/case';
import type {
  ListedEntryEvidence,
  MatchPart,
  ScreenedParty,
  ScreeningCheck,
  ScreeningHit,
} from '../../src-shared/checks';
import { canonicalJson } from '../audit/canonical-json';
import { readIvms101Shared } from '../ivms101/engine';
import type { Person } from '../ivms101/model';
import type { ReadableDB } from '../store/db';
import type { ScreeningIndex } from './search';
import { dispositionState, entryBy, entryDigest } from './store';
import type { SanctionsEntry } from './types';

// Every party and wallet of a case, screened against the active lists. A hit carries why it matched;
// an analyst's disposition is found again by digests of the party and of the listed entry, so the
// same false hit is not raised twice, and a changed party or entry is asked about afresh.

// 2: hits carry the listed entry's evidence, the score's parts and the disposition history's state.
export const SCREENING_ENGINE = 'screening/2';
export const DEFAULT_MIN_SCORE = 0.88;

/** A party before its digest: what the digest is taken of, as canonical JSON (equal texts, equal digests). */
interface PartyKey {
  role: ScreenedParty['role'];
  kind: ScreenedParty['kind'];
  value: string;
  birthDate: string | null;
  country: string | null;
  key: string;
}

function party(
  role: ScreenedParty['role'],
  kind: ScreenedParty['kind'],
  value: string,
  birthDate: string | null = null,
  country: string | null = null,
): PartyKey {
  return {
    role,
    kind,
    value,
    birthDate,
    country,
    key: canonicalJson({ kind, value: value.trim().toLowerCase(), birthDate, country }),
  };
}

// One-shot crypto.hash: the same hex as createHash().update().digest(), without a Hash object (issue 21).
const screened = (p: PartyKey): ScreenedParty => ({
  role: p.role,
  kind: p.kind,
  value: p.value,
  birthDate: p.birthDate,
  country: p.country,
  digest: hash('sha256', p.key, 'hex'),
});

function personParties(p: Person | undefined, role: 'originator' | 'beneficiary'): PartyKey[] {
  const out: PartyKey[] = [];
  const np = p?.naturalPerson;
  if (np) {
    const dob = np.dateAndPlaceOfBirth?.dateOfBirth ?? null;
    const country =
      np.countryOfResidence ?? np.geographicAddress?.[0]?.country ?? np.nationalIdentification?.countryOfIssue ?? null;
    const names = [...(np.name?.nameIdentifier ?? []), ...(np.name?.localNameIdentifier ?? [])]
      .map((n) => [n?.secondaryIdentifier, n?.primaryIdentifier].filter(Boolean).join(' ').trim())
      .filter(Boolean);
    for (const n of new Set(names)) out.push(party(role, 'name', n, dob, country));
  }
  const lp = p?.legalPerson;
  if (lp) {
    const names = [...(lp.name?.nameIdentifier ?? []), ...(lp.name?.localNameIdentifier ?? [])]
      .map((n) => n?.legalPersonName?.trim())
      .filter((n): n is string => !!n);
    for (const n of new Set(names)) out.push(party(role, 'name', n, null, lp.countryOfRegistration ?? null));
  }
  return out;
}

/**
 * The parties before their digests, each once per role. Two parties are the same when their digests
 * are, i.e. when the canonical texts hashed are: compared as texts, so a case hashes only what it keeps.
 */
function partyKeys(c: CaseRecord): PartyKey[] {
  const read = readIvms101Shared(c.ivms101);
  const m = read.ok ? read.result.model : null;
  const out: PartyKey[] = [];
  for (const p of m?.originator?.originatorPerson ?? []) out.push(...personParties(p, 'originator'));
  for (const p of m?.beneficiary?.beneficiaryPerson ?? []) out.push(...personParties(p, 'beneficiary'));
  if (c.counterparty)
    out.push(party('counterparty VASP', 'name', c.counterparty.name, null, c.counterparty.jurisdiction));
  const wallets = new Map<string, ScreenedParty['role']>([
    [c.originatorWallet, 'originator wallet'],
    [c.beneficiaryWallet, 'beneficiary wallet'],
  ]);
  for (const a of m?.originator?.accountNumber ?? []) if (!wallets.has(a)) wallets.set(a, 'originator wallet');
  for (const a of m?.beneficiary?.accountNumber ?? []) if (!wallets.has(a)) wallets.set(a, 'beneficiary wallet');
  for (const [address, role] of wallets) out.push(party(role, 'wallet', address));
  const seen = new Set<string>();
  return out.filter((p) => {
    const id = `${p.role}\u0000${p.key}`;
    return seen.has(id) ? false : (seen.add(id), true);
  });
}

export function partiesOf(c: CaseRecord): ScreenedParty[] {
  return partyKeys(c).map(screened);
}

export function evidenceOf(e: SanctionsEntry): ListedEntryEvidence {
  return {
    kind: e.kind,
    names: e.names,
    birthDates: e.birthDates,
    birthPlaces: e.birthPlaces ?? [],
    countries: e.countries,
    identifiers: e.identifiers ?? [],
    postalAddresses: e.postalAddresses ?? [],
    walletAddresses: e.addresses,
    programs: e.programs,
    listedOn: e.listedOn ?? null,
    remarks: e.remarks ?? null,
  };
}

/** The score's parts, field by field: what of ours met what of theirs, and what it added or took away. */
function nameParts(p: ScreenedParty, h: ReturnType<ScreeningIndex['search']>[number]): MatchPart[] {
  const parts: MatchPart[] = [
    { field: 'name', ours: p.value, theirs: h.matchedName, effect: `name score ${h.why.nameScore}` },
  ];
  for (const x of h.why.pairs)
    parts.push({
      field: 'name token',
      ours: x.query,
      theirs: x.listed,
      effect: x.score === 1 ? 'identical' : `${x.score} Jaro–Winkler`,
    });
  if (h.why.birthDate) {
    const effect = h.why.birthDate === 'same date' ? '+0.05' : h.why.birthDate === 'same year' ? '+0.02' : '−0.15';
    parts.push({
      field: 'date of birth',
      ours: p.birthDate ?? '',
      theirs: h.birthDates.join(', '),
      effect: `${h.why.birthDate}: ${effect}`,
    });
  }
  if (h.why.country)
    parts.push({
      field: 'country',
      ours: p.country ?? '',
      theirs: h.countries.join(', '),
      effect: h.why.country === 'listed' ? 'listed: +0.02' : 'not listed: −0.05',
    });
  return parts;
}

/** A hit as the index found it, before the analysts' dispositions (in the database) are laid over it. */
export type FoundHit = Omit<ScreeningHit, 'entryDigest' | 'disposition' | 'pending' | 'previous' | 'evidence'>;

/** What screening finds without the database: the parties' hits in the index (null: no list, not screened). */
export interface FoundScreening {
  lists: string[] | null;
  minScore: number;
  parties: number;
  hits: FoundHit[];
}

/**
 * Name searches already made on an index, by everything a search reads (the index is never changed after
 * it is built, so the same query finds the same hits): a counterparty VASP's name, with its jurisdiction,
 * comes back in case after case. First in, first out past SEARCHES_KEPT queries. The hits are shared
 * between cases and only read (findHits copies what it keeps).
 */
const SEARCHES_KEPT = 16_384;
const searches = new WeakMap<ScreeningIndex, Map<string, ReturnType<ScreeningIndex['search']>>>();

function searchOnce(
  index: ScreeningIndex,
  value: string,
  opts: { minScore: number; limit: number; birthDate: string | null; country: string | null },
): ReturnType<ScreeningIndex['search']> {
  let made = searches.get(index);
  if (!made) searches.set(index, (made = new Map()));
  const key = JSON.stringify([opts.minScore, opts.limit, opts.birthDate, opts.country, value]);
  let hits = made.get(key);
  if (hits === undefined) {
    hits = index.search(value, opts);
    if (made.size >= SEARCHES_KEPT) made.delete(made.keys().next().value!);
    made.set(key, hits);
  }
  return hits;
}

/** The search half of screenCase: needs no database, so it runs on the intake's worker threads too. */
export function findHits(c: CaseRecord, index: ScreeningIndex | null, minScore = DEFAULT_MIN_SCORE): FoundScreening {
  const keys = partyKeys(c);
  // Not screened: only the count is kept, so no party is hashed.
  if (!index || index.lists.length === 0) return { lists: null, minScore, parties: keys.length, hits: [] };
  const parties = keys.map(screened);
  const hits: FoundHit[] = [];
  for (const p of parties) {
    if (p.kind === 'wallet') {
      for (const h of index.findAddress(p.value, c.network)) {
        hits.push({
          party: p,
          score: 1,
          list: h.list,
          listVersion: h.listVersion,
          entryId: h.entryId,
          name: h.name,
          matchedName: `${h.chain} ${h.address}`,
          why: `The ${p.role} ${p.value} is listed as a ${h.chain} digital currency address of this entry.`,
          parts: [
            { field: 'wallet address', ours: p.value, theirs: `${h.chain} ${h.address}`, effect: 'exact: score 1' },
          ],
        });
      }
      continue;
    }
    for (const h of searchOnce(index, p.value, { minScore, limit: 5, birthDate: p.birthDate, country: p.country })) {
      const pairs = h.why.pairs
        .map((x) => (x.score === 1 ? x.listed : `${x.query}≈${x.listed} (${x.score})`))
        .join(', ');
      const extra = [
        h.why.birthDate ? `date of birth: ${h.why.birthDate}` : null,
        h.why.country ? `country: ${h.why.country}` : null,
      ]
        .filter(Boolean)
        .join('; ');
      hits.push({
        party: p,
        score: h.score,
        list: h.list,
        listVersion: h.listVersion,
        entryId: h.entryId,
        name: h.name,
        matchedName: h.matchedName,
        why: `Name score ${h.why.nameScore} on ${pairs}${extra ? `; ${extra}` : ''}.`,
        parts: nameParts(p, h),
      });
    }
  }
  return { lists: index.lists.map((l) => l.version), minScore, parties: parties.length, hits };
}

/** The database half: each hit with the listed entry as stored and the analysts' disposition of it. */
export function withDispositions(db: ReadableDB, found: FoundScreening): ScreeningCheck {
  const { lists, minScore, parties } = found;
  if (lists === null)
    return { outcome: 'not_screened', lists: [], minScore, parties, hits: [], blocksAcceptance: false };
  const hits: ScreeningHit[] = found.hits.map((h) => {
    const e = entryBy(db, h.list, h.entryId);
    const d = e ? entryDigest(e) : 'unknown';
    const state = dispositionState(db, h.party.digest, h.list, h.entryId, d);
    // Spread after the found fields: the stored JSON keeps the key order it always had.
    return {
      ...h,
      entryDigest: d,
      disposition: state.current,
      pending: state.pending,
      previous: state.previous,
      ...(e ? { evidence: evidenceOf(e) } : {}),
    };
  });
  const open = hits.filter((h) => !h.disposition || (h.disposition.disposition === 'false_positive' && h.pending));
  const trueMatch = hits.some((h) => h.disposition?.disposition === 'true_match');
  return {
    outcome: trueMatch ? 'true_match' : open.length ? 'potential_match' : 'clear',
    lists,
    minScore,
    parties,
    hits: hits.sort((a, b) => b.score - a.score),
    blocksAcceptance: trueMatch,
  };
}

export function screenCase(
  db: ReadableDB,
  c: CaseRecord,
  index: ScreeningIndex | null,
  minScore = DEFAULT_MIN_SCORE,
): ScreeningCheck {
  return withDispositions(db, findHits(c, index, minScore));
}
