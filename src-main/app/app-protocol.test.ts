import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp';
import { APP_INDEX_URL, resolveAppPath, serveAppRequest } from './app-protocol';
import { CONTENT_SECURITY_POLICY } from './csp';

// Electron security checklist item 18 ("avoid file://, prefer custom protocols") and issue 17 point 10:
// the UI comes from app://waybill/ with the CSP as a response header, and nothing outside the build leaks.
const t = tempDir();
afterAll(() => t.cleanup());
const root = join(t.dir, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Waybill</title>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(t.dir, 'secret.html'), 'outside the build');
writeFileSync(join(root, 'assets', 'notes.exe'), 'MZ');
symlinkSync(join(t.dir, 'secret.html'), join(root, 'assets', 'link.html'));
mkdirSync(join(root, 'dir.js'));

describe('app:// path resolution', () => {
  it('maps the index and assets inside the build folder', () => {
    expect(resolveAppPath(root, APP_INDEX_URL)).toEqual({
      ok: true,
      file: join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppPath(root, 'app://waybill/')).toMatchObject({ ok: true, file: join(root, 'index.html') });
    expect(resolveAppPath(root, 'app://waybill/assets/index-abc.js?v=1#x')).toMatchObject({
      ok: true,
      file: join(root, 'assets', 'index-abc.js'),
    });
  });

  it.each([
    ['app://waybill/assets/..%2F..%2Fsecret.html', 403],
    ['app://waybill/assets/%2E%2E%2F%2E%2E%2Fsecret.html', 403],
    ['app://waybill/..%5C..%5Csecret.html', 400],
    ['app://waybill/index.html%00.js', 400],
    ['app://waybill/%E0%A4%A', 400],
    ['app://evil/index.html', 403],
    ['file:///etc/passwd', 403],
    ['https://waybill/index.html', 403],
    ['app://waybill/assets/notes.exe', 404],
    ['not a url', 400],
  ])('refuses %s with %i', (url, status) => {
    expect(resolveAppPath(root, url)).toMatchObject({ ok: false, status });
  });

  it('folds ../ and %2e%2e/ at the origin (the URL parser does), so they cannot climb out either', () => {
    for (const url of ['app://waybill/../../../secret.html', 'app://waybill/%2e%2e/%2E%2E/secret.html']) {
      expect(resolveAppPath(root, url)).toMatchObject({ ok: true, file: join(root, 'secret.html') });
    }
  });
});

describe('app:// responses', () => {
  it('serves a file with the CSP, nosniff and the isolation headers', async () => {
    const r = await serveAppRequest(root, APP_INDEX_URL);
    expect(r.status).toBe(200);
    expect(r.body?.toString()).toContain('<title>Waybill</title>');
    expect(r.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Referrer-Policy': 'no-referrer',
    });
  });

  it('refuses traversal, a symlink out of the build, folders, missing files and other methods, with headers and no body', async () => {
    for (const [url, status, method] of [
      ['app://waybill/assets/..%2F..%2Fsecret.html', 403, 'GET'],
      ['app://waybill/assets/link.html', 403, 'GET'],
      ['app://waybill/dir.js', 404, 'GET'],
      ['app://waybill/missing.js', 404, 'GET'],
      [APP_INDEX_URL, 405, 'POST'],
    ] as const) {
      const r = await serveAppRequest(root, url, method);
      expect({ url, status: r.status, body: r.body }).toEqual({ url, status, body: null });
      expect(r.headers['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers['X-Content-Type-Options']).toBe('nosniff');
    }
  });
});
