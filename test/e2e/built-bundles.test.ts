import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKER_ENTRIES } from '../../src-main/platform/worker-entries';
import { ROOT } from '../support/cli';
import { HEAVY, HEAVY_USED } from '../support/heavy-modules';

// The built core, as the desktop app (out/main) and the CLI (out/cli) run it: the tests run from
// source, so a defect only the bundler makes shows here. Two did (30 Nov 2026): in out/main the intake
// pool sat in chunks/ and looked there for its worker (an import of 4 MiB or more could not start one),
// and any-ascii, an ES module only, was required from CommonJS: its default export read as the
// namespace, and every screening name normalisation threw a TypeError. The build runs first
// (`npm test`'s gates; or `npm run build`).

const BUILDS = ['out/main', 'out/cli'] as const;
/** Every .cjs under a build folder, subfolders included. */
const files = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.cjs'))
    .map((f) => join(ROOT, dir, f));

describe('the built bundles', () => {
  it('are built', () => {
    for (const b of BUILDS) expect(existsSync(join(ROOT, b)), `${b}: run npm run build`).toBe(true);
  });

  it.each(BUILDS)('%s: every worker a file starts is built beside that file', (dir) => {
    const found = new Set<string>();
    for (const f of files(dir))
      for (const m of readFileSync(f, 'utf8').matchAll(/["']([a-z]+-worker)\.cjs["']/g)) {
        found.add(m[1]!);
        expect(existsSync(join(dirname(f), `${m[1]}.cjs`)), `${m[1]}.cjs beside ${f}`).toBe(true);
      }
    expect([...found].sort()).toEqual(Object.keys(WORKER_ENTRIES).sort());
  });

  it.each(BUILDS)('%s: requires no package that is an ES module only (it must be bundled)', (dir) => {
    const req = createRequire(join(ROOT, 'package.json'));
    const esmOnly: string[] = [];
    for (const f of files(dir))
      for (const m of readFileSync(f, 'utf8').matchAll(/require\("((?:@[\w.-]+\/)?[\w.-]+)(?:\/[^"]*)?"\)/g)) {
        const name = m[1]!;
        if (
          name.startsWith('.') ||
          name.startsWith('node:') ||
          name === 'electron' ||
          !existsSync(join(ROOT, 'node_modules', name))
        )
          continue;
        const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
          type?: string;
          exports?: unknown;
          main?: string;
        };
        const conditions = JSON.stringify(pkg.exports ?? {});
        const cjsMain = pkg.type !== 'module' || /\.cjs$/.test(pkg.main ?? '') || /"require"|"node"/.test(conditions);
        if (!cjsMain) esmOnly.push(`${name} (in ${f.slice(ROOT.length + 1)})`);
      }
    expect(esmOnly).toEqual([]);
    expect(req.resolve('any-ascii')).toBeTruthy(); // the package the check was written for is still a dependency
  });

  // Issue 21: the mail and PDF libraries load on first use (test/lint/lazy-heavy-modules.test.ts checks the source).
  // The bundler keeps an `await import()` lazy only as long as it neither inlines the package nor hoists the
  // require to the top of a chunk.
  it.each(BUILDS)('%s: requires the mail and PDF libraries only inside the functions that use them', (dir) => {
    const eager: string[] = [];
    const lazy = new Set<string>();
    for (const f of files(dir))
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(/require\("((?:@[\w.-]+\/)?[\w.-]+)(?:\/[^"]*)?"\)/g)) {
            if (!HEAVY.includes(m[1]!)) continue;
            if (/Promise\.resolve\(\)\.then\(\(\) =>/.test(line)) lazy.add(m[1]!);
            else eager.push(`${f.slice(ROOT.length + 1)}:${i + 1}: ${line.trim().slice(0, 120)}`);
          }
        });
    expect(eager).toEqual([]);
    expect([...lazy].sort()).toEqual(HEAVY_USED);
  });

  it('out/cli: `waybill --help` loads none of the mail and PDF libraries', () => {
    const script = `
      const { main } = require(${JSON.stringify(join(ROOT, 'out/cli/waybill.cjs'))});
      main(['--help']).then((code) => {
        const loaded = Object.keys(require.cache).map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(p)?.[1]).filter(Boolean);
        process.stderr.write('LOADED ' + JSON.stringify({ code, loaded: [...new Set(loaded)] }));
      });`;
    const child = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    const report = JSON.parse(/LOADED (.*)$/.exec(child.stderr)?.[1] ?? 'null') as {
      code: number;
      loaded: string[];
    } | null;
    expect(report, child.stderr).not.toBeNull();
    expect(report!.code).toBe(0);
    expect(child.stdout).toContain('Usage: waybill');
    expect(report!.loaded).toContain('better-sqlite3-multiple-ciphers'); // the check sees what the CLI does load
    expect(report!.loaded.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('out/main: screening normalises a non-Latin name and finds it, in the bundle the desktop app loads', () => {
    const chunk = files('out/main').find((f) => readFileSync(f, 'utf8').includes('exports, "ScreeningIndex"'));
    expect(chunk, 'the out/main chunk exporting ScreeningIndex').toBeDefined();
    const script = `
      const { ScreeningIndex } = require(${JSON.stringify(chunk)});
      const entry = { entryId: '1', kind: 'individual', names: ['Иван Петров'], birthDates: [], countries: [], programs: [], addresses: [] };
      const index = new ScreeningIndex([{ source: 'ofac', version: 'test', entries: [entry] }]);
      const hits = index.search('Ivan Petrov', { minScore: 0.8 });
      process.stdout.write(JSON.stringify(hits.map((h) => [h.entryId, h.matchedName])));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([['1', 'Иван Петров']]);
  });
});
