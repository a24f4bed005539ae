export type { ConstraintId, Problem, Severity } from '../../src-shared/checks';

export function pointer(parent: string, key: string | number): string {
  const k = String(key);
  // Escaping (RFC 6901) is rarely needed; skip the regexes when it is not.
  return k.includes('~') || k.includes('/')
    ? `${parent}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`
    : `${parent}/${k}`;
}
