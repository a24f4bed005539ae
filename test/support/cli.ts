import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const WAYBILL_BIN = resolve(ROOT, 'bin', 'waybill.mjs');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `waybill` binary in a child process, as an analyst or a script would. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [WAYBILL_BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, VITEST: undefined, NODE_ENV: undefined, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
