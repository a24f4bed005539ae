import type { Ivms101Check, ScreeningCheck, TravelRuleEvaluation } from '../../../../src-shared/checks';
import type { CaseDetail } from '../../../../src-shared/contract';

/** One stored check as a panel reads it; the result's type is the check's own (by name). */
export interface PanelCheck<T> {
  outcome: string;
  summary: string;
  result: T;
  computedAt: string;
  engineVersion: string;
}

function check<T>(d: CaseDetail, name: string): PanelCheck<T> | undefined {
  // The check's name fixes its result's shape (src-shared/checks.ts); the wire type is unknown.
  return d.checks.find((c) => c.name === name) as PanelCheck<T> | undefined;
}

export const ivmsCheck = (d: CaseDetail) => check<Ivms101Check>(d, 'ivms101');
export const travelCheck = (d: CaseDetail) => check<TravelRuleEvaluation>(d, 'travel_rule');
export const screeningCheck = (d: CaseDetail) => check<ScreeningCheck>(d, 'screening');
