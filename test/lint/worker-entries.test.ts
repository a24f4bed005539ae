import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKER_ENTRIES } from '../../src-main/platform/worker-entries';

// A worker thread started by a built name that neither build makes would start from source (tests, the
// bench) and fail only in the Electron app or the built CLI: the store upgrade's worker was missing from
// the CLI's build for a moment (30 Nov 2026). Every startWorker call names an entry both builds take.

const root = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('worker thread entries', () => {
  const calls = sources(join(root, 'src-main')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/source:\s*'([^']+)',\s*built:\s*'([^']+)\.cjs'/g)].map((m) => ({
      file,
      source: m[1]!,
      built: m[2]!,
    })),
  );

  it('finds the startWorker calls (store checkpoints, export, intake, store upgrade, report PDF)', () => {
    expect(calls.map((c) => c.built).sort()).toEqual([
      'checkpoint-worker',
      'export-worker',
      'intake-worker',
      'migrate-worker',
      'pdf-worker',
    ]);
  });

  it('names, for each, an entry both builds take, whose file is the source the call loads', () => {
    for (const c of calls) {
      const listed = (WORKER_ENTRIES as Record<string, string>)[c.built];
      expect(listed, `${c.built} in src-main/platform/worker-entries.ts`).toBeDefined();
      expect(resolve(root, listed!)).toBe(resolve(c.file, '..', c.source));
    }
  });

  it('is how both build configurations list their inputs', () => {
    for (const config of ['electron.vite.config.ts', 'cli.vite.config.ts']) {
      const text = readFileSync(join(root, config), 'utf8');
      expect(text, config).toMatch(/Object\.entries\(WORKER_ENTRIES\)/);
      expect(text, config).not.toMatch(/-worker':/);
    }
  });
});
