import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../app/csp';

// Every security setting of the Electron shell lives here, and security.test.ts asserts each one.

/**
 * Creates the one application window. The options are written out literally here (not built by a
 * helper) so that static analysers such as electronegativity can read them.
 */
export function createSecureWindow<W>(
  BrowserWindowCtor: new (options: BrowserWindowConstructorOptions) => W,
  preloadPath: string,
  // Only a development build run from the source tree may have DevTools (app/dev-overrides.ts).
  allowDevTools = false,
): W {
  return new BrowserWindowCtor({
    width: 1400,
    height: 900,
    show: false,
    title: 'Waybill',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick',
      devTools: allowDevTools,
    },
  });
}

/** The app's own pages: only these may load in the window or call the API. */
export function isAppUrl(url: string, appIndexUrl: string): boolean {
  try {
    const u = new URL(url);
    const app = new URL(appIndexUrl);
    // Scheme and host compared directly: for a custom scheme such as app:// the URL origin is "null",
    // which would make every app:// (or any other custom-scheme) URL look like ours.
    if (app.protocol === 'file:') return u.protocol === 'file:' && u.pathname === app.pathname;
    return u.protocol === app.protocol && u.host === app.host && u.host !== '';
  } catch {
    return false;
  }
}

/** Navigation away from the app, new windows and every permission are denied. */
export function hardenWebContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  appIndexUrl: string,
): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appIndexUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appIndexUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function hardenSession(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>,
): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}

/** IPC is answered only for our window's main frame showing our own page. */
export function isTrustedSender(
  frame: { url: string } | null | undefined,
  mainFrame: unknown,
  appIndexUrl: string,
): boolean {
  return !!frame && frame === mainFrame && isAppUrl(frame.url, appIndexUrl);
}
