import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli';
import { tempDir } from '../support/temp';

const run = promisify(execFile);
const t = tempDir();
afterAll(() => t.cleanup());

describe('electronegativity gate', () => {
  it('fails on an insecure window, naming the finding', async () => {
    mkdirSync(join(t.dir, 'app'));
    writeFileSync(
      join(t.dir, 'app', 'main.js'),
      "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n",
    );
    const err = await run(process.execPath, [
      join(ROOT, 'test/support/electronegativity.mjs'),
      join(t.dir, 'app'),
    ]).then(
      () => null,
      (e: { code: number; stdout: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(/FAIL MEDIUM\s+SANDBOX_JS_CHECK main.js/);
    expect(err?.stdout).toMatch(/FAIL HIGH\s+CONTEXT_ISOLATION_JS_CHECK/);
  });
});
