import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli';

// The unit project runs many test files in one process per worker (`isolate: false` in vitest.config.ts),
// which is only honest while no test leaves state behind for the next file. These are the ways a test can:
// module mocks, spies, stubbed or assigned environment, fake timers, a changed working directory.
const LEAKS: [RegExp, string][] = [
  [/\bvi\.(mock|doMock|spyOn|stubEnv|stubGlobal|useFakeTimers)\s*\(/, 'vi.$1 leaves state for the next file'],
  [/\bprocess\.env(\.[A-Za-z_]\w*|\[[^\]]+\])\s*=(?!=)/, 'assigning process.env leaks into the next file'],
  [/\bdelete\s+process\.env\b/, 'deleting from process.env leaks into the next file'],
  [/\bprocess\.chdir\s*\(/, 'process.chdir changes the next file’s working directory'],
];

function leaksIn(source: string): string[] {
  return LEAKS.filter(([re]) => re.test(source)).map(([re, why]) => why.replace('$1', source.match(re)?.[1] ?? ''));
}

function testFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f));
}

describe('unit tests share a process: none leaves state behind', () => {
  it('recognises each kind of leak (the check can fail)', () => {
    expect(leaksIn("vi.mock('node:fs');")).toEqual(['vi.mock leaves state for the next file']);
    expect(leaksIn("vi.stubEnv('TZ', 'UTC')")).toHaveLength(1);
    expect(leaksIn("process.env.WAYBILL_DATA_DIR = '/tmp/x';")).toHaveLength(1);
    expect(leaksIn("process.env['TZ'] = 'UTC';")).toHaveLength(1);
    expect(leaksIn('delete process.env.TZ;')).toHaveLength(1);
    expect(leaksIn("process.chdir('/tmp');")).toHaveLength(1);
    // Reading is fine, and so is passing an environment to a child process.
    expect(leaksIn("if (process.env.TZ === 'UTC') spawn('x', [], { env: { ...process.env, TZ: 'UTC' } });")).toEqual(
      [],
    );
  });

  it('no test file in src-main, src-shared or test/lint does any of it', () => {
    const files = [...testFiles('src-main'), ...testFiles('src-shared'), ...testFiles('test/lint')].filter(
      (f) => !f.endsWith('shared-process.test.ts'),
    );
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((f) => leaksIn(readFileSync(join(ROOT, f), 'utf8')).map((why) => `${f}: ${why}`));
    expect(found).toEqual([]);
  });
});
