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
  form: 'json' | 'protobuf-json' | null;
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
