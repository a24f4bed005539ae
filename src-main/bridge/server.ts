import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { BRIDGE_TOKEN_HEADER } from '../../src-shared/channels';
import { fail } from '../../src-shared/result';
import { CONTENT_SECURITY_POLICY } from '../app/csp';
import type { EventBus } from '../platform/events';
import type { Logger } from '../platform/log';
import type { Dispatch } from '../api/dispatcher';

// Browser mode: the same UI and the same API contract, served on 127.0.0.1 only.
// The URL printed (and handed to xdg-open) carries only a one-time launch code, valid for 60 s, in its
// fragment (never sent to a server log or a Referer). The page exchanges it (POST /api/session) for
// the session credential, which the browser keeps in an HttpOnly, SameSite=Strict cookie that page
// scripts cannot read; so a URL found later in the browser's history or in `ps` opens nothing. A used
// code presented again revokes the session it opened: if someone raced the browser to the code, the
// session they won dies too. Host and Origin are checked on every API call so a web page elsewhere
// (or DNS rebinding) cannot drive the workstation, and no CORS header is ever sent.

export interface BridgeOptions {
  dispatch: Dispatch;
  events: EventBus;
  staticDir: string;
  logger: Logger;
  port?: number;
  token?: string;
  /** Time to receive a whole request, headers and body (default BODY_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** Connections open at once (default MAX_CONNECTIONS); past it a new one is closed at once. */
  maxConnections?: number;
  /** The clock the launch code's expiry is read from (tests move it). */
  now?: () => number;
}

export interface Bridge {
  url: string;
  /** The URL to open: it carries the one-time launch code in its fragment. */
  launchUrl: string;
  port: number;
  /** The session credential, for in-process callers (tests) only: never printed, never in a URL. */
  readonly token: string;
  /** The cookie that carries the session in a browser. */
  cookieName: string;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
/** How long the launch code in the printed URL can be exchanged, once. */
export const LAUNCH_CODE_TTL_MS = 60_000;
/** A request's headers and body must arrive within this; a body trickled in byte by byte is cut off (408). */
export const BODY_TIMEOUT_MS = 10_000;
/** One page needs a handful (a browser opens six per host, plus the event stream). */
export const MAX_CONNECTIONS = 32;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  let token = opts.token ?? randomBytes(32).toString('base64url');
  const now = opts.now ?? Date.now;
  const launch = { code: randomBytes(32).toString('base64url'), expires: now() + LAUNCH_CODE_TTL_MS, used: false };
  const staticRoot = resolve(opts.staticDir);
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const streams = new Set<ServerResponse>();

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      ...COMMON_HEADERS,
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  const cookieName = () => `waybill_session_${port}`;
  const fromCookie = (req: IncomingMessage): string | undefined => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === cookieName()) return part.slice(eq + 1).trim();
    }
    return undefined;
  };

  /** Origin and fetch-site: only our own page, never another site nor another port of 127.0.0.1. */
  const foreign = (req: IncomingMessage): string | null => {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return 'foreign origin';
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return 'cross-site request';
    return null;
  };

  /** The checks every API request passes; returns a refusal message or null. */
  const refuse = (req: IncomingMessage): string | null => {
    const f = foreign(req);
    if (f) return f;
    const header = req.headers[BRIDGE_TOKEN_HEADER];
    const given = typeof header === 'string' ? header : fromCookie(req);
    if (given === undefined) return 'no session (open the link waybill serve printed; it works once, within 60 s)';
    if (!sameToken(given, token)) return 'missing or wrong token';
    return null;
  };

  /** POST /api/session {code}: the one-time launch code for the session cookie. */
  const exchange = async (req: IncomingMessage, res: ServerResponse) => {
    const f = foreign(req);
    if (f || req.headers.origin === undefined)
      return json(res, 403, fail('forbidden', `Request refused: ${f ?? 'no origin'}.`));
    let body: unknown;
    try {
      body = await readBody(req);
    } catch {
      return json(res, 400, fail('invalid_input', 'Request body is not valid JSON.'));
    }
    const given = (body as { code?: unknown } | null)?.code;
    const matches = typeof given === 'string' && sameToken(given, launch.code);
    if (matches && !launch.used && now() <= launch.expires) {
      launch.used = true;
      res.setHeader('Set-Cookie', `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      opts.logger.info('bridge.session_opened', {});
      return json(res, 200, { ok: true, value: {} });
    }
    if (matches && launch.used) {
      // Someone else holds (or held) the session this code opened: end it, fail closed.
      token = randomBytes(32).toString('base64url');
      for (const s of streams) s.end();
      streams.clear();
      opts.logger.warn('bridge.launch_code_reused', {});
    } else opts.logger.warn('bridge.refused', { reason: matches ? 'launch_code_expired' : 'wrong_launch_code' });
    return json(
      res,
      403,
      fail(
        'forbidden',
        'This link has been used or has expired. Stop `waybill serve` and start it again for a new one.',
      ),
    );
  };

  const serveStatic = (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, fail('forbidden', 'Method not allowed.'));
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return json(res, 400, fail('invalid_input', 'Bad path.'));
    }
    const candidate = resolve(staticRoot, '.' + normalize(rel));
    const inside = candidate === staticRoot || candidate.startsWith(staticRoot + sep);
    // Unknown paths fall back to the app shell (client-side routing); traversal never leaves the root.
    const file =
      inside && existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(staticRoot, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(503, { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('The UI is not built. Run `npm run build` (or `npm run web`).');
    }
    res.writeHead(200, {
      ...COMMON_HEADERS,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'max-age=3600',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  };

  const readBody = (req: IncomingMessage): Promise<unknown> =>
    new Promise((resolveBody, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      // Past the limit the rest is drained and dropped, so the client still gets a clear answer.
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) chunks.push(c);
      });
      req.on('end', () => {
        if (size > MAX_BODY) return reject(new Error('too large'));
        try {
          resolveBody(size === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new Error('bad json'));
        }
      });
      req.on('error', reject);
    });

  const requestTimeout = opts.requestTimeoutMs ?? BODY_TIMEOUT_MS;
  const server: Server = createServer(
    // Node checks these timeouts on an interval (30 s by default); once a second keeps the bound close.
    { requestTimeout, headersTimeout: requestTimeout, connectionsCheckingInterval: Math.min(1000, requestTimeout) },
    (req, res) => {
      void (async () => {
        if (!allowedHosts().has(req.headers.host ?? ''))
          return json(res, 421, fail('forbidden', 'Unexpected Host header.'));
        const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
        if (!url.pathname.startsWith('/api/')) return serveStatic(req, res, url.pathname);
        if (req.method === 'OPTIONS') return json(res, 403, fail('forbidden', 'Cross-origin requests are not served.'));
        if (url.pathname === '/api/session' && req.method === 'GET') {
          // Whether this browser already holds the session: the page asks before presenting a launch
          // code (a used code revokes the session), and asking never answers 4xx to our own page.
          const f = foreign(req);
          if (f) return json(res, 403, fail('forbidden', `Request refused: ${f}.`));
          const given = fromCookie(req);
          return json(res, 200, { ok: true, value: { session: given !== undefined && sameToken(given, token) } });
        }
        if (url.pathname === '/api/session' && req.method === 'POST') {
          if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
            return json(res, 415, fail('invalid_input', 'API calls must be application/json.'));
          return exchange(req, res);
        }
        const refusal = refuse(req);
        if (refusal) {
          opts.logger.warn('bridge.refused', { reason: (refusal.split(' (')[0] ?? refusal).replace(/ /g, '_') });
          return json(res, 403, fail('forbidden', `Request refused: ${refusal}.`));
        }
        if (url.pathname === '/api/events' && req.method === 'GET') {
          res.writeHead(200, {
            ...COMMON_HEADERS,
            'Content-Type': 'text/event-stream',
            'Cache-Control': 'no-store',
            Connection: 'keep-alive',
          });
          res.write(': connected\n\n');
          streams.add(res);
          req.on('close', () => streams.delete(res));
          return;
        }
        const m = /^\/api\/invoke\/([A-Za-z.]{1,64})$/.exec(url.pathname);
        if (!m || req.method !== 'POST') return json(res, 404, fail('not_found', 'No such API endpoint.'));
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          return json(res, 415, fail('invalid_input', 'API calls must be application/json.'));
        }
        let body: unknown;
        try {
          body = await readBody(req);
        } catch (e) {
          const tooLarge = e instanceof Error && e.message === 'too large';
          return json(
            res,
            tooLarge ? 413 : 400,
            fail('invalid_input', tooLarge ? 'Request body is larger than 1 MiB.' : 'Request body is not valid JSON.'),
          );
        }
        const began = performance.now();
        const answer = await opts.dispatch(m[1] ?? '', body);
        // The core's share of the round trip, which the page reads from its resource timing (the queue
        // benchmark splits the analyst's wait with it). A duration only: nothing of the call or its data.
        json(res, 200, answer, { 'Server-Timing': `core;dur=${(performance.now() - began).toFixed(1)}` });
      })().catch(() => {
        if (!res.headersSent) json(res, 500, fail('internal', 'Internal error.'));
      });
    },
  );
  server.maxConnections = opts.maxConnections ?? MAX_CONNECTIONS;

  const unsubscribe = opts.events.subscribe((name, payload) => {
    const frame = `event: message\ndata: ${JSON.stringify({ name, payload })}\n\n`;
    for (const s of streams) s.write(frame);
  });
  // Keep-alive comments stop idle proxies and the browser from dropping the stream.
  const heartbeat = setInterval(() => streams.forEach((s) => s.write(': ping\n\n')), 15_000).unref();

  await new Promise<void>((ok, err) => {
    server.once('error', err);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    launchUrl: `${url}#code=${launch.code}`,
    port,
    get token() {
      return token;
    },
    cookieName: cookieName(),
    close: async () => {
      unsubscribe();
      clearInterval(heartbeat);
      for (const s of streams) s.end();
      streams.clear();
      // close() waits for every connection to end; a browser holds keep-alive sockets open
      // indefinitely, so drop them first or shutdown hangs.
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      server.closeAllConnections();
      await closed;
    },
  };
}
