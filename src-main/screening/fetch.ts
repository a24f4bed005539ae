import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { WritableDB } from '../store/db';
import { importList, type ImportOptions, type ImportResult } from './store';
import { ListFormatError, type ListSource } from './types';

// Fetching a list version: from the publisher's official URL or from the exchange backend. The
// download goes to a private temporary folder, is checked (TLS, status, size, the backend's
// SHA-256), parsed completely and only then put in force by importList; a failed fetch changes nothing.

/** The publishers' own URLs (each configurable). OFAC's is a folder URL: its four CSV files are fetched from it. */
export const OFFICIAL_URLS: Record<ListSource, string> = {
  ofac: 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports',
  un: 'https://scsanctions.un.org/resources/xml/en/consolidated.xml',
  eu: 'https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw',
  uk: 'https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv',
  csl: 'https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv',
};
export const OFAC_FILES = ['SDN.CSV', 'ALT.CSV', 'ADD.CSV', 'SDN_COMMENTS.CSV'] as const;
/** The file name each single-file list is saved under (the readers read by content, the name is for messages). */
const FILE_NAME: Record<Exclude<ListSource, 'ofac'>, string> = {
  un: 'un-consolidated.xml',
  eu: 'eu-consolidated.xml',
  uk: 'uk-conlist.csv',
  csl: 'csl.csv',
};

export const DEFAULT_MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;
const TIMEOUT_MS = 120_000;
const MAX_REDIRECTS = 5;

export interface DownloadOptions {
  /** An HTTP proxy (http://host:port): HTTPS goes through it with CONNECT, so TLS stays end to end. */
  proxy?: string | null;
  maxBytes?: number;
  headers?: Record<string, string>;
  /** The SHA-256 (hex) the file must have, where the sender states it. */
  sha256?: string;
  timeoutMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/**
 * Only HTTPS, with the certificate verified by Node's default trust store; plain HTTP is allowed to
 * a loopback address only (the tests' local server, a backend on the same machine), never beyond it.
 */
export function checkUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ListFormatError(raw, 'not a URL', 'download');
  }
  if (u.protocol === 'https:') return u;
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) return u;
  throw new ListFormatError(
    u.origin,
    'lists are fetched over HTTPS only (plain HTTP is allowed to this machine, 127.0.0.1, alone)',
    'download',
  );
}

function tunnel(proxy: URL, host: string, port: number, timeoutMs: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: proxy.hostname,
      port: Number(proxy.port || 80),
      method: 'CONNECT',
      path: `${host}:${port}`,
      timeout: timeoutMs,
    });
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(
          new ListFormatError(
            proxy.origin,
            `the proxy refused the tunnel to ${host}:${port} (${res.statusCode})`,
            'download',
          ),
        );
      } else resolve(socket);
    });
    req.on('timeout', () => req.destroy(new Error('proxy timeout')));
    req.on('error', (e) =>
      reject(
        new ListFormatError(
          proxy.origin,
          `the proxy could not be reached (${(e as NodeJS.ErrnoException).code ?? e.message})`,
          'download',
        ),
      ),
    );
    req.end();
  });
}

/** Downloads one URL to `dest`, following up to five redirects (each checked like the first). */
export async function download(
  url: string,
  dest: string,
  opts: DownloadOptions = {},
  redirects = 0,
): Promise<{ bytes: number; sha256: string }> {
  const u = checkUrl(url);
  const max = opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const timeoutMs = opts.timeoutMs ?? TIMEOUT_MS;
  const proxy = opts.proxy ? new URL(opts.proxy) : null;
  const where = `${u.origin}${u.pathname}`;
  const fail = (msg: string) => new ListFormatError(where, msg, 'download');
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  let req: http.ClientRequest;
  const responded = new Promise<http.IncomingMessage>((resolve, reject) => {
    const headers = { 'User-Agent': 'Waybill sanctions list fetch', ...opts.headers };
    const start = async () => {
      if (u.protocol === 'https:') {
        const socket = proxy ? await tunnel(proxy, u.hostname, port, timeoutMs) : null;
        req = https.request({
          host: u.hostname,
          port,
          path: u.pathname + u.search,
          headers,
          timeout: timeoutMs,
          agent: false,
          ...(socket ? { createConnection: () => tls.connect({ socket, servername: u.hostname }) } : {}),
        });
      } else if (proxy) {
        req = http.request({
          host: proxy.hostname,
          port: Number(proxy.port || 80),
          path: u.href,
          headers: { ...headers, Host: u.host },
          timeout: timeoutMs,
          agent: false,
        });
      } else {
        // A connection of its own per file: a kept-alive socket the server has just closed would fail the download.
        req = http.request({
          host: u.hostname,
          port,
          path: u.pathname + u.search,
          headers,
          timeout: timeoutMs,
          agent: false,
        });
      }
      req.on('response', resolve);
      req.on('timeout', () => req.destroy(fail(`no answer within ${timeoutMs / 1000} s`)));
      req.on('error', (e) =>
        reject(
          e instanceof ListFormatError
            ? e
            : fail(`could not be fetched (${(e as NodeJS.ErrnoException).code ?? e.message})`),
        ),
      );
      req.end();
    };
    start().catch(reject);
  });
  const res = await responded;
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400 && res.headers.location) {
    res.resume();
    if (redirects >= MAX_REDIRECTS) throw fail(`more than ${MAX_REDIRECTS} redirects`);
    return download(new URL(res.headers.location, u).href, dest, opts, redirects + 1);
  }
  if (status !== 200) {
    res.resume();
    throw fail(`answered ${status}`);
  }
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (declared > max) {
    res.destroy();
    throw fail(`declares ${declared} bytes, more than the ${max} allowed`);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(dest, { mode: 0o600 });
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > max) {
        res.destroy();
        out.destroy();
        reject(fail(`sent more than the ${max} bytes allowed`));
        return;
      }
      hash.update(chunk);
      if (!out.write(chunk)) res.pause();
    });
    out.on('drain', () => res.resume());
    res.on('end', () => out.end());
    res.on('aborted', () => reject(fail('the connection broke off before the end')));
    res.on('error', (e) => reject(fail(`the download failed (${e.message})`)));
    out.on('finish', () => resolve());
    out.on('error', (e) => reject(fail(`could not be saved (${e.message})`)));
  });
  if (Number.isFinite(declared) && bytes !== declared) throw fail(`sent ${bytes} bytes where it declared ${declared}`);
  const sha256 = hash.digest('hex');
  if (opts.sha256 && opts.sha256.toLowerCase() !== sha256)
    throw fail(`the file's SHA-256 is ${sha256.slice(0, 12)}…, not the ${opts.sha256.slice(0, 12)}… stated`);
  return { bytes, sha256 };
}

export interface FetchListOptions extends DownloadOptions, Omit<ImportOptions, 'origin'> {
  /** A private folder for the download (inside the data folder); removed afterwards. */
  tmpRoot: string;
}

/** One file (or, for OFAC, one folder of files) to fetch. */
export interface FetchPlan {
  origin: string;
  files: { url: string; name: string; sha256?: string; headers?: Record<string, string> }[];
}

/** The plan for a publisher's URL (OFAC: a folder URL holding its four CSV files). */
export function officialPlan(source: ListSource, url = OFFICIAL_URLS[source]): FetchPlan {
  if (source === 'ofac') {
    const base = url.replace(/\/+$/, '');
    return { origin: `url ${base}`, files: OFAC_FILES.map((f) => ({ url: `${base}/${f}`, name: f })) };
  }
  return { origin: `url ${url}`, files: [{ url, name: FILE_NAME[source] }] };
}

/** Downloads every file of the plan, then imports them as one version. Throws ListFormatError; nothing changes then. */
export async function fetchList(
  db: WritableDB,
  source: ListSource,
  plan: FetchPlan,
  opts: FetchListOptions,
): Promise<ImportResult & { bytes: number }> {
  mkdirSync(opts.tmpRoot, { recursive: true, mode: 0o700 });
  const dir = mkdtempSync(join(opts.tmpRoot, `${source}-`));
  try {
    let bytes = 0;
    for (const f of plan.files) {
      if (!/^[A-Za-z0-9_.-]+$/.test(f.name)) throw new ListFormatError(f.name, 'not a plain file name', 'download');
      const r = await download(f.url, join(dir, f.name), {
        ...opts,
        headers: { ...opts.headers, ...f.headers },
        ...(f.sha256 ? { sha256: f.sha256 } : {}),
      });
      bytes += r.bytes;
    }
    const path = source === 'ofac' ? dir : join(dir, plan.files[0]!.name);
    const { tmpRoot: _t, proxy: _p, maxBytes: _m, headers: _h, sha256: _s, timeoutMs: _x, ...importOpts } = opts;
    return { ...importList(db, source, path, { ...importOpts, origin: plan.origin }), bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
