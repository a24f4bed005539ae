import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli';

// Issue 19 point 3: SQL lives in the areas (store/, cases/, sync/, mail/, …), never in the API
// handlers nor in the Workstation that wires the areas together. The lint rule is the guard; these
// tests prove it fires where it must and only there.
const eslint = new ESLint({ cwd: ROOT });
const SQL = "declare const db: { prepare(s: string): unknown };\nexport const x = db.prepare('SELECT 1');\n";

async function sqlErrors(file: string, code = SQL): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('no SQL in src-main/api nor src-main/app', () => {
  it('fires on .prepare( in a handler and in the Workstation', async () => {
    expect(await sqlErrors('src-main/api/handlers/x.ts')).toEqual([expect.stringMatching(/SQL belongs in the areas/)]);
    expect(await sqlErrors('src-main/api/x.ts')).toHaveLength(1);
    expect(await sqlErrors('src-main/app/x.ts')).toHaveLength(1);
    // However it is reached: a computed member, an optional call.
    expect(
      await sqlErrors(
        'src-main/app/x.ts',
        "declare const db: { prepare(s: string): unknown } | null;\nexport const x = db?.['prepare']('SELECT 1');\n",
      ),
    ).toHaveLength(1);
  });

  it('does not fire in the areas, nor in tests (which inspect the database they set up)', async () => {
    expect(await sqlErrors('src-main/store/x.ts')).toHaveLength(0);
    expect(await sqlErrors('src-main/cases/x.ts')).toHaveLength(0);
    expect(await sqlErrors('src-main/api/x.test.ts')).toHaveLength(0);
  });
});
