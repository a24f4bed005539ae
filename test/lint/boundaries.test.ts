import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli';

// The process boundaries are lint rules; these tests prove the rules fire.
const eslint = new ESLint({ cwd: ROOT });

async function errors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('process boundaries', () => {
  it('the renderer may not import the main process, Node or Electron', async () => {
    expect(
      await errors(
        'src-renderer/src/x.ts',
        "import { openDatabase } from '../../src-main/store/db';\nexport const x = openDatabase;",
      ),
    ).toHaveLength(1);
    expect(
      await errors('src-renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"),
    ).toHaveLength(1);
    expect(
      await errors('src-renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;"),
    ).toHaveLength(1);
  });

  it('shared code may not import Electron or Node', async () => {
    expect(await errors('src-shared/x.ts', "import { app } from 'electron';\nexport const x = app;")).toHaveLength(1);
    expect(
      await errors('src-shared/x.ts', "import { createHash } from 'node:crypto';\nexport const x = createHash;"),
    ).toHaveLength(1);
    expect(
      await errors('src-shared/x.ts', "import { createHash } from 'crypto';\nexport const x = createHash;"),
    ).toHaveLength(1);
  });

  it('the core outside src-main/electron may not import Electron', async () => {
    expect(await errors('src-main/store/x.ts', "import { app } from 'electron';\nexport const x = app;")).toHaveLength(
      1,
    );
    expect(
      await errors('src-main/electron/x.ts', "import { app } from 'electron';\nexport const x = app;"),
    ).toHaveLength(0);
  });

  it('allowed imports pass', async () => {
    expect(
      await errors(
        'src-renderer/src/x.ts',
        "import type { AppStatus } from '../../src-shared/contract';\nexport type X = AppStatus;",
      ),
    ).toHaveLength(0);
  });
});
