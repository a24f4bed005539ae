import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from './csp';

// The Electron shell serves its UI from app://waybill/ instead of file:// (Electron's security checklist,
// item 18): a standard, secure origin of its own, and the CSP sent as a response header rather than only a
// <meta> tag. This module is the whole of that server except the two Electron calls, so it runs and is
// tested in plain Node; src-main/electron/main.ts only wraps its answer in a Response.

export const APP_SCHEME = 'app';
export const APP_HOST = 'waybill';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

// Only the kinds of file the renderer build produces; anything else is not ours to serve.
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** Headers on every app:// response, errors included. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

export type AppPathResult =
  { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps an app:// URL to a file under `root` (the renderer build), or says why not. Pure: no disk access,
 * so every refusal (other host, encoded traversal, backslashes, NUL, unknown file kinds) is decided on the
 * URL alone; serveAppRequest adds the check that a symlink does not lead out of `root`.
 */
export function resolveAppPath(root: string, url: string): AppPathResult {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST)
    return { ok: false, status: 403, reason: `not ${APP_SCHEME}://${APP_HOST}` };
  // URL parsing already folds plain "/../"; what is left to catch hides behind percent-encoding.
  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding in the path' };
  }
  if (path.includes('\0')) return { ok: false, status: 400, reason: 'NUL in the path' };
  if (path.includes('\\')) return { ok: false, status: 400, reason: 'backslash in the path' };
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.'))
    return { ok: false, status: 403, reason: 'dot segment in the path' };
  if (segments.length === 0) segments.push('index.html');
  const base = resolve(root);
  const file = resolve(base, ...segments);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel))
    return { ok: false, status: 403, reason: 'outside the application folder' };
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!contentType) return { ok: false, status: 404, reason: 'not a kind of file the application serves' };
  return { ok: true, file, contentType };
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | null;
}

/** Answers one app:// request from the files under `root`. Never throws; never names a local path. */
export async function serveAppRequest(root: string, url: string, method = 'GET'): Promise<AppResponse> {
  const refuse = (status: number): AppResponse => ({
    status,
    headers: appResponseHeaders('text/plain; charset=utf-8'),
    body: null,
  });
  if (method !== 'GET' && method !== 'HEAD') return refuse(405);
  const r = resolveAppPath(root, url);
  if (!r.ok) return refuse(r.status);
  try {
    // A symlink inside the build must not lead out of it.
    const [realRoot, realFile] = await Promise.all([realpath(resolve(root)), realpath(r.file)]);
    if (!realFile.startsWith(realRoot + sep)) return refuse(403);
    if (!(await stat(realFile)).isFile()) return refuse(404);
    const body = await readFile(realFile);
    return { status: 200, headers: appResponseHeaders(r.contentType), body: method === 'HEAD' ? null : body };
  } catch {
    return refuse(404);
  }
}
