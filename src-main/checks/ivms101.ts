import type { CaseRecord } from '../../src-shared/case';
import type { Ivms101Check, StoredCheck } from '../../src-shared/checks';
import { evaluateCompleteness } from '../ivms101/completeness';
import { ENGINE_VERSION, readIvms101Shared } from '../ivms101/engine';
import type { Evaluation } from '../rules/evaluate';

/** IVMS101 validity, and completeness against the requirements the Travel Rule evaluation chose. */
export function ivms101Check(
  c: CaseRecord,
  evaluation: Evaluation,
  today: string,
): Omit<StoredCheck<Ivms101Check>, 'inputsDigest' | 'computedAt'> {
  const read = readIvms101Shared(c.ivms101, { today });
  const base = { name: 'ivms101', engineVersion: ENGINE_VERSION };
  if (!read.ok) {
    const result: Ivms101Check = {
      outcome: 'unreadable',
      engine: ENGINE_VERSION,
      edition: null,
      form: null,
      reason: read.reason,
      errors: [],
      warnings: [],
      completeness: null,
    };
    return { ...base, outcome: 'unreadable', summary: `Unreadable: ${read.reason}`, result };
  }
  const r = read.result;
  const completeness = evaluateCompleteness(r.model, r.edition, evaluation.requirements, evaluation.unknown);
  const outcome = !r.valid ? 'invalid' : completeness.complete ? 'pass' : 'incomplete';
  const parts = [
    r.errors.length ? `${r.errors.length} error${r.errors.length > 1 ? 's' : ''}` : null,
    completeness.missing.length ? `${completeness.missing.length} missing` : null,
    completeness.notEvaluated.length ? `not judged for ${completeness.notEvaluated.join(', ')}` : null,
    r.warnings.length ? `${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''}` : null,
  ].filter(Boolean);
  const result: Ivms101Check = {
    outcome,
    engine: ENGINE_VERSION,
    edition: r.edition,
    form: r.form,
    reason: null,
    errors: r.errors,
    warnings: r.warnings,
    completeness,
  };
  return { ...base, outcome, summary: parts.length ? parts.join(', ') : 'valid and complete', result };
}
