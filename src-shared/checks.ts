// What the automatic checks store and the UI shows. Plain data, shared by core and UI.

export type Severity = 'error' | 'warning';
export type ConstraintId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6' | 'C7' | 'C8' | 'C9' | 'C10' | 'C11' | 'C12';

/** One IVMS101 finding, in an analyst's words, pointing into the payload exactly as it was received. */
export interface Problem {
  code: string;
  constraint: ConstraintId | null;
  /** JSON Pointer (RFC 6901) into the input as given, whichever edition or spelling it used. */
  path: string;
  message: string;
  severity: Severity;
}

export type Side = 'originator' | 'beneficiary';
export type DataItem = 'name' | 'account' | 'address' | 'nationalId' | 'customerId' | 'birth';

export interface MissingItem {
  side: Side;
  requirement: string;
  /** In an analyst's words. */
  label: string;
  /** The data to ask for: the closest alternative's missing items, with where they go. */
  items: { item: DataItem; label: string; path: string }[];
  /** Every alternative that would satisfy the requirement, each as its missing items (EU Art. 14(1)(d): both). */
  alternatives?: { item: DataItem; label: string; path: string }[][];
  /** Which jurisdictions' rules ask for it. */
  jurisdictions: string[];
}

export interface CompletenessResult {
  complete: boolean;
  evaluated: { jurisdiction: string; profile: string; tier: string; source: string; note: string | null }[];
  /** Jurisdictions with no profile: completeness could not be judged for them (never a silent pass). */
  notEvaluated: string[];
  missing: MissingItem[];
}

export type Ivms101Outcome = 'pass' | 'incomplete' | 'invalid' | 'unreadable';

export interface Ivms101Check {
  outcome: Ivms101Outcome;
  engine: string;
  /** Present when the payload could be read at all. */
  edition: '2020' | '2023' | null;
  /** How the payload was encoded (src-main/ivms101/read.ts Form; docs/ivms101-shapes.md). */
  form: 'json' | 'json-pascal-entities' | 'protobuf-json' | 'protobuf-json-snake' | null;
  reason: string | null;
  errors: Problem[];
  warnings: Problem[];
  completeness: CompletenessResult | null;
}

export interface StoredCheck<R> {
  name: string;
  outcome: string;
  summary: string;
  result: R;
  inputsDigest: string;
  engineVersion: string;
  computedAt: string;
}

// ---- Travel Rule threshold evaluation ----------------------------------------------------------

export interface MoneyAmount {
  amount: string;
  currency: string;
  exclusive?: boolean;
}

export interface RateUsed {
  base: string;
  quote: string;
  rate: string;
  asOf: string;
  source: string;
  direction: 'direct' | 'inverse';
  ageHours: number;
  stale: boolean;
}

export interface RuleSource {
  label: string;
  url: string;
  article?: string;
  quote?: string;
}

/**
 * `not_required`: the jurisdiction had no Travel Rule in force on that local date (verified), distinct from
 * `cannot_evaluate` (we do not know: unknown jurisdiction, missing or stale rate that decides, broken file).
 * `prohibited`: VASP business is banned there — a red flag.
 */
export type SideStatus =
  'applies' | 'below_threshold' | 'not_required' | 'prohibited' | 'cannot_evaluate' | 'no_counterparty_vasp';

/** One jurisdiction's view of the transfer: which rule, at what converted amount, which tier, why. */
export interface SideEvaluation {
  side: Side;
  party: 'us' | 'counterparty';
  jurisdiction: string | null;
  status: SideStatus;
  version: string | null;
  /** Which file the version came from: the jurisdiction itself or its group (EU). */
  via: string | null;
  threshold: MoneyAmount | null;
  /** The transfer's value in the rule's currency, and the rates that got it there. */
  converted: { amount: string; currency: string; rates: RateUsed[] } | null;
  tier: string | null;
  reason: string;
  sources: RuleSource[];
  /** The jurisdiction's local date the version was chosen for, and its legal time zone (absent in results stored before engine 2). */
  localDate?: string | null;
  timeZone?: string | null;
  /** A territory following another jurisdiction's law: that jurisdiction. */
  follows?: string | null;
  /** Whether the rule that decided this side was checked against the primary text; null when no rule decided. */
  verified?: boolean | null;
}

export interface UnhostedDuty {
  jurisdiction: string;
  version: string;
  duty: 'verify_ownership' | 'risk_based' | 'none';
  applies: boolean | null;
  threshold: MoneyAmount | null;
  reason: string;
  /** What the rule requires for a self-hosted wallet at any amount (e.g. EU: obtain and hold the data). */
  always?: string | null;
}

/**
 * `not_required`: no Travel Rule in force on either side. `prohibited`: a side's jurisdiction bans VASP
 * business (red flag; the other side's duties are still listed). See docs/rule-pack.md.
 */
export type TravelRuleOutcome = 'applies' | 'below_threshold' | 'not_required' | 'prohibited' | 'cannot_evaluate';

export const TRAVEL_RULE_OUTCOMES: readonly TravelRuleOutcome[] = [
  'applies',
  'below_threshold',
  'not_required',
  'prohibited',
  'cannot_evaluate',
];

export interface TravelRuleEvaluation {
  outcome: TravelRuleOutcome;
  /** Plain sentences, in order: what an analyst (or an auditor) reads as the "why". */
  why: string[];
  warnings: string[];
  sides: SideEvaluation[];
  unhosted: UnhostedDuty | null;
  counterparty: { capability: 'protocol' | 'email' | 'self-hosted'; protocol: string | null; note: string };
  inputs: {
    transferTime: string;
    value: MoneyAmount;
    homeJurisdiction: string;
    counterpartyJurisdiction: string | null;
  };
  rulePackDigest: string;
  /** Red flags an analyst must see (a jurisdiction that prohibits VASP activity). */
  redFlags?: string[];
  /** Jurisdictions whose unverified rule decided something in this evaluation, with why it is unverified. */
  unverified?: { jurisdiction: string; version?: string; reason: string }[];
}

// ---- sanctions screening -------------------------------------------------------------------------

export interface ScreenedParty {
  role: 'originator' | 'beneficiary' | 'counterparty VASP' | 'originator wallet' | 'beneficiary wallet';
  kind: 'name' | 'wallet';
  value: string;
  birthDate: string | null;
  country: string | null;
  /** Identifies this party's screened facts: a disposition holds while they stay the same. */
  digest: string;
}

/** Why a hit was cleared: one code (and always a note). */
export const CLEAR_REASONS = {
  different_birth_date: 'Different date of birth',
  different_nationality: 'Different nationality or country',
  different_identifier: 'Different identity document or registration',
  different_party_type: 'A person versus an organisation (or the other way round)',
  names_differ: 'The names differ on inspection',
  verified_customer: "The customer's verified identity (KYC) rules it out",
  other: 'Other (explained in the note)',
} as const;
export type ClearReason = keyof typeof CLEAR_REASONS;

/** The listed entry as the analyst compares it with our party. */
export interface ListedEntryEvidence {
  kind: string;
  names: string[];
  birthDates: string[];
  birthPlaces: string[];
  countries: string[];
  identifiers: { type: string; value: string; country: string | null }[];
  postalAddresses: string[];
  walletAddresses: { chain: string; address: string }[];
  programs: string[];
  listedOn: string | null;
  remarks: string | null;
}

/** One part of the score: which of our fields met which of theirs, and what it added. */
export interface MatchPart {
  field: 'name' | 'name token' | 'date of birth' | 'country' | 'wallet address';
  ours: string;
  theirs: string;
  /** e.g. "0.96 Jaro–Winkler", "same date: +0.05", "exact". */
  effect: string;
}

export interface ScreeningDisposition {
  disposition: 'false_positive' | 'true_match';
  reasonCode: string | null;
  note: string | null;
  analyst: string;
  /** The second analyst who confirmed a true match (four eyes). */
  secondAnalyst: string | null;
  decidedAt: string;
  /** The list version the hit was decided on. */
  listVersion: string;
}

export interface ScreeningHit {
  party: ScreenedParty;
  /** 1 for an exact wallet address match. */
  score: number;
  list: string;
  listVersion: string;
  entryId: string;
  entryDigest: string;
  name: string;
  matchedName: string;
  why: string;
  /** The verdict in force for this party and this entry as it now reads. */
  disposition: ScreeningDisposition | null;
  /** A true match waiting for a second analyst. */
  pending?: { id: number; analyst: string; note: string | null; decidedAt: string } | null;
  /** A verdict on an earlier version of this entry: kept visible, but the changed entry is asked about again. */
  previous?: ScreeningDisposition | null;
  evidence?: ListedEntryEvidence;
  parts?: MatchPart[];
}

export type ScreeningOutcome = 'clear' | 'potential_match' | 'true_match' | 'not_screened';

export interface ScreeningCheck {
  outcome: ScreeningOutcome;
  lists: string[];
  minScore: number;
  parties: number;
  hits: ScreeningHit[];
  /** A true match blocks acceptance unless the case is escalated. */
  blocksAcceptance: boolean;
}
