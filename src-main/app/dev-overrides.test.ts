import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/cli';
import { developmentOverrides } from './dev-overrides';

// Issue 17 point 11: the dev server URL and DevTools come from the environment only in a development
// build run unpackaged; a packaged app (or a production build) ignores them and says which it ignored.
const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173/', WAYBILL_DEVTOOLS: '1' };

describe('development-only environment variables', () => {
  it('are honoured by a development build run from the source tree', () => {
    expect(developmentOverrides({ isPackaged: false, developmentBuild: true, env })).toEqual({
      rendererUrl: 'http://localhost:5173/',
      devTools: true,
      ignored: [],
    });
  });

  it.each([
    ['a packaged development build', true, true],
    ['a packaged production build', true, false],
    ['a production build run from the source tree', false, false],
  ])('are ignored, by name, in %s', (_name, isPackaged, developmentBuild) => {
    expect(developmentOverrides({ isPackaged, developmentBuild, env })).toEqual({
      rendererUrl: null,
      devTools: false,
      ignored: ['ELECTRON_RENDERER_URL', 'WAYBILL_DEVTOOLS'],
    });
  });

  it('load no non-loopback page even in development', () => {
    for (const url of [
      'https://evil.example/',
      'file:///tmp/x.html',
      'http://localhost.evil.example/',
      'javascript:alert(1)',
    ]) {
      expect(
        developmentOverrides({ isPackaged: false, developmentBuild: true, env: { ELECTRON_RENDERER_URL: url } }),
      ).toEqual({
        rendererUrl: null,
        devTools: false,
        ignored: ['ELECTRON_RENDERER_URL'],
      });
    }
  });

  it('change nothing when unset', () => {
    expect(developmentOverrides({ isPackaged: false, developmentBuild: true, env: {} })).toEqual({
      rendererUrl: null,
      devTools: false,
      ignored: [],
    });
  });
});

describe('the Electron shell uses the gate', () => {
  // The shell cannot run here, so its source is read: no file of it reads either variable itself, and
  // main.ts feeds the gate app.isPackaged and the build-time constant that only `electron-vite dev` sets.
  const dir = join(ROOT, 'src-main', 'electron');
  const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

  it('reads ELECTRON_RENDERER_URL and WAYBILL_DEVTOOLS only through developmentOverrides', () => {
    for (const f of sources) {
      expect(readFileSync(join(dir, f), 'utf8'), f).not.toMatch(/ELECTRON_RENDERER_URL|WAYBILL_DEVTOOLS/);
    }
    const main = readFileSync(join(dir, 'main.ts'), 'utf8');
    expect(main).toMatch(
      /developmentOverrides\(\{\s*isPackaged: app\.isPackaged,\s*developmentBuild: __WAYBILL_DEVELOPMENT_BUILD__,\s*env: process\.env,?\s*\}\)/,
    );
    expect(readFileSync(join(ROOT, 'electron.vite.config.ts'), 'utf8')).toContain(
      "__WAYBILL_DEVELOPMENT_BUILD__: JSON.stringify(mode === 'development')",
    );
  });
});
