import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../app/csp';
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_INDEX_URL } from '../app/app-protocol';
import { createSecureWindow, hardenSession, hardenWebContents, isAppUrl, isTrustedSender } from './security';

const APP = APP_INDEX_URL;

describe('Electron security settings', () => {
  it('isolates and sandboxes the renderer', () => {
    let options: BrowserWindowConstructorOptions | undefined;
    class FakeWindow {
      constructor(o: BrowserWindowConstructorOptions) {
        options = o;
      }
    }
    expect(createSecureWindow(FakeWindow, '/opt/waybill/out/preload/index.cjs')).toBeInstanceOf(FakeWindow);
    const p = options?.webPreferences ?? {};
    expect(p).toMatchObject({
      preload: '/opt/waybill/out/preload/index.cjs',
      disableBlinkFeatures: 'Auxclick',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    expect(p.devTools).toBe(false);
    // DevTools only when the caller passes the development gate's answer (app/dev-overrides.ts).
    createSecureWindow(FakeWindow, '/p.cjs', true);
    expect(options?.webPreferences?.devTools).toBe(true);
  });

  it('has a CSP without unsafe-inline, unsafe-eval or remote sources', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|https?:|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
  });

  it('denies window.open, navigation away, redirects and webviews', () => {
    const handlers: Record<string, (e: { preventDefault(): void }, url: string) => void> = {};
    let openHandler: (() => { action: string }) | undefined;
    hardenWebContents(
      {
        on: ((name: string, fn: (e: { preventDefault(): void }, url: string) => void) => {
          handlers[name] = fn;
        }) as never,
        setWindowOpenHandler: ((fn: () => { action: string }) => {
          openHandler = fn;
        }) as never,
      },
      APP,
    );
    expect(openHandler?.()).toEqual({ action: 'deny' });
    const prevented = (name: string, url: string) => {
      let p = false;
      handlers[name]?.({ preventDefault: () => (p = true) }, url);
      return p;
    };
    expect(prevented('will-navigate', 'https://evil.example/')).toBe(true);
    expect(prevented('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(prevented('will-navigate', 'app://other/index.html')).toBe(true);
    expect(prevented('will-navigate', APP + '#queue')).toBe(false);
    expect(prevented('will-redirect', 'https://evil.example/')).toBe(true);
    expect(prevented('will-attach-webview', '')).toBe(true);
  });

  it('denies every permission and sets the CSP on every response', () => {
    let request: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    let headers:
      | ((
          d: { responseHeaders?: Record<string, string[]> },
          cb: (r: { responseHeaders: Record<string, string[]> }) => void,
        ) => void)
      | undefined;
    hardenSession({
      setPermissionRequestHandler: ((fn: typeof request) => (request = fn)) as never,
      setPermissionCheckHandler: ((fn: typeof check) => (check = fn)) as never,
      webRequest: { onHeadersReceived: ((fn: typeof headers) => (headers = fn)) as never } as never,
    });
    for (const perm of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      request?.({}, perm, (ok) => (granted = ok));
      expect(granted).toBe(false);
    }
    expect(check?.()).toBe(false);
    let out: Record<string, string[]> = {};
    headers?.({ responseHeaders: {} }, (r) => (out = r.responseHeaders));
    expect(out['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('answers IPC only from our own main frame showing our own page', () => {
    const main = { url: APP };
    expect(isTrustedSender(main, main, APP)).toBe(true);
    expect(isTrustedSender({ url: APP }, main, APP)).toBe(false); // a subframe, even with our URL
    expect(isTrustedSender({ url: 'https://evil.example/' }, { url: 'https://evil.example/' }, APP)).toBe(false);
    expect(isTrustedSender(null, main, APP)).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173/')).toBe(true);
    // A custom scheme's URL origin is "null": another app:// host, another custom scheme or an empty host
    // must not pass for ours.
    expect(isAppUrl('app://waybill/assets/x.js', APP)).toBe(true);
    expect(isAppUrl('app://evil/index.html', APP)).toBe(false);
    expect(isAppUrl('evil://waybill/index.html', APP)).toBe(false);
    expect(isAppUrl('app:///index.html', APP)).toBe(false);
    expect(isAppUrl('file:///opt/waybill/out/renderer/index.html', APP)).toBe(false);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
  });
});
