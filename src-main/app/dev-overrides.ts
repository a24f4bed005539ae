// ELECTRON_RENDERER_URL (electron-vite's dev server) and WAYBILL_DEVTOOLS change what the window loads and
// whose pages may call the API. A packaged app must not take either from its environment: anyone who can
// set a variable for the user's session would get the vault's API trusted for their own page. So both are
// honoured only when the build itself is a development build AND the app is not packaged; either alone is
// not enough (a packaged dev build, or a production build run from the source tree, ignores them).

export interface DevContext {
  /** Electron's app.isPackaged. */
  isPackaged: boolean;
  /** Set at build time: true only in `electron-vite dev` builds. */
  developmentBuild: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

export interface DevOverrides {
  /** The dev server's URL to load instead of app://; null means the built UI. */
  rendererUrl: string | null;
  devTools: boolean;
  /** Names of the variables that were set but ignored, for one warning in the log (never their values). */
  ignored: string[];
}

export function developmentOverrides(ctx: DevContext): DevOverrides {
  const allowed = ctx.developmentBuild && !ctx.isPackaged;
  const ignored: string[] = [];
  let rendererUrl: string | null = null;
  const requested = ctx.env.ELECTRON_RENDERER_URL;
  if (requested) {
    // Even in development only a loopback dev server: a typo or a stale variable must not load a remote page.
    if (allowed && isLoopbackHttp(requested)) rendererUrl = requested;
    else ignored.push('ELECTRON_RENDERER_URL');
  }
  const devToolsRequested = ctx.env.WAYBILL_DEVTOOLS === '1';
  if (devToolsRequested && !allowed) ignored.push('WAYBILL_DEVTOOLS');
  return { rendererUrl, devTools: devToolsRequested && allowed, ignored };
}

function isLoopbackHttp(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)
    );
  } catch {
    return false;
  }
}
