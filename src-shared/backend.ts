import type { components } from './backend-api';

// The backend contract's types, generated from resources/openapi.yaml (`npm run gen:api` writes
// backend-api.ts; test/lint/openapi.test.ts fails when it is stale). Named here for the code that
// talks to a backend; what arrives is still validated (src-shared/case.ts) before it is trusted.

type Schemas = components['schemas'];
export type BackendCase = Schemas['Case'];
export type ChangeItem = Schemas['ChangeItem'];
export type PageEnd = Schemas['PageEnd'];
export type DecisionRequest = Schemas['DecisionRequest'];
export type DecisionResponse = Schemas['DecisionResponse'];
export type BackendFxRate = Schemas['FxRate'];
export type BackendVasp = Schemas['Vasp'];
export type Problem = Schemas['Problem'];

/** The line that closes a changes page: `{"next": n, "hasMore": bool}`. */
export function isPageEnd(v: unknown): v is PageEnd {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof Reflect.get(v, 'next') === 'number' &&
    typeof Reflect.get(v, 'hasMore') === 'boolean'
  );
}
