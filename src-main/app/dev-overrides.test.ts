import { describe, expect, it } from 'vitest';
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
    for (const url of ['https://evil.example/', 'file:///tmp/x.html', 'http://localhost.evil.example/', 'javascript:alert(1)']) {
      expect(developmentOverrides({ isPackaged: false, developmentBuild: true, env: { ELECTRON_RENDERER_URL: url } })).toEqual({
        rendererUrl: null,
        devTools: false,
        ignored: ['ELECTRON_RENDERER_URL'],
      });
    }
  });

  it('change nothing when unset', () => {
    expect(developmentOverrides({ isPackaged: false, developmentBuild: true, env: {} })).toEqual({ rendererUrl: null, devTools: false, ignored: [] });
  });
});
