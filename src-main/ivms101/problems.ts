export type Severity = 'error' | 'warning';
export type ConstraintId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6' | 'C7' | 'C8' | 'C9' | 'C10' | 'C11' | 'C12';

/** One finding, in an analyst's words, pointing into the payload exactly as it was received. */
export interface Problem {
  code: string;
  constraint: ConstraintId | null;
  /** JSON Pointer (RFC 6901) into the input as given, whichever edition or spelling it used. */
  path: string;
  message: string;
  severity: Severity;
}

export const pointer = (parent: string, key: string | number): string =>
  `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
