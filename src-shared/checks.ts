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
export type SideStatus = 'applies' | 'below_threshold' | 'not_required' | 'prohibited' | 'cannot_evaluate' | 'no_counterparty_vasp';

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

export const TRAVEL_RULE_OUTCOMES: readonly TravelRuleOutcome[] = ['applies', 'below_threshold', 'not_required', 'prohibited', 'cannot_evaluate'];

export interface TravelRuleEvaluation {
  outcome: TravelRuleOutcome;
  /** Plain sentences, in order: what an analyst (or an auditor) reads as the "why". */
  why: string[];
  warnings: string[];
  sides: SideEvaluation[];
  unhosted: UnhostedDuty | null;
  counterparty: { capability: 'protocol' | 'email' | 'self-hosted'; protocol: string | null; note: string };
  inputs: { transferTime: string; value: MoneyAmount; homeJurisdiction: string; counterpartyJurisdiction: string | null };
  rulePackDigest: string;
  /** Red flags an analyst must see (a jurisdiction that prohibits VASP activity). */
  redFlags?: string[];
  /** Jurisdictions whose unverified rule decided something in this evaluation, with why it is unverified. */
  unverified?: { jurisdiction: string; reason: string }[];
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
  disposition: { disposition: 'false_positive' | 'true_match'; note: string | null; analyst: string; decidedAt: string } | null;
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
