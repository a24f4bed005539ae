import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';
import openapiTS, { astToString } from 'openapi-typescript';
import { pathToFileURL } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BackendCase } from '../../src-shared/backend';
import type { CaseRecord } from '../../src-shared/case';
import { caseRecordSchema } from '../../src-shared/case';
import { ROOT } from '../support/cli';

const doc = parse(readFileSync(join(ROOT, 'resources', 'openapi.yaml'), 'utf8')) as Record<string, unknown>;

describe('the backend contract (resources/openapi.yaml)', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const v = new Validator();
    const r = await v.validate(doc);
    expect(r.errors ?? []).toEqual([]);
    expect(r.valid).toBe(true);
    expect(v.version).toBe('3.1');
  });

  it("describes the same Case fields the workstation's schema accepts", () => {
    const schemas = (
      doc.components as { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> }
    ).schemas;
    expect(Object.keys(schemas.Case!.properties).sort()).toEqual(Object.keys(caseRecordSchema.shape).sort());
  });

  it('names every endpoint the outline asks for', () => {
    expect(Object.keys(doc.paths as object).sort()).toEqual(
      [
        '/v1/health',
        '/v1/changes',
        '/v1/events',
        '/v1/cases/{caseId}/decisions',
        '/v1/cases/{caseId}/counterparty-responses',
        '/v1/cases/{caseId}/ivms101-repairs',
        '/v1/reference/fx-rates',
        '/v1/reference/vasps',
        '/v1/sanctions-lists',
        '/v1/sanctions-lists/{source}/files/{name}',
        '/v1/exchange/create_tx',
        '/v1/exchange/cases/{caseId}/send_transaction',
        // The team across workstations (issue 15 point 4).
        '/v1/team/me',
        '/v1/team/analysts',
        '/v1/team/analysts/{name}',
        '/v1/team/changes',
        '/v1/cases/{caseId}/assignment',
        '/v1/cases/{caseId}/proposals',
        '/v1/cases/{caseId}/proposals/{proposalId}/decline',
      ].sort(),
    );
  });

  it('has generated types that match it (run `npm run gen:api` after changing the contract)', async () => {
    const fresh = astToString(await openapiTS(pathToFileURL(join(ROOT, 'resources', 'openapi.yaml'))));
    const committed = readFileSync(join(ROOT, 'src-shared', 'backend-api.ts'), 'utf8');
    // Layout aside (a formatter may re-indent the file), the declarations must be the generator's.
    const shape = (ts: string) =>
      ts
        .replace(/\/\*\*[\s\S]*?\*\//g, '')
        .replace(/\s+/g, '')
        .replace(/"/g, "'")
        .replace(/[,;]([}\])])/g, '$1');
    expect(shape(committed)).toBe(shape(fresh));
    // And the generated Case has the workstation's fields (checked by the typecheck).
    expectTypeOf<keyof BackendCase>().toEqualTypeOf<keyof CaseRecord>();
  });
});
