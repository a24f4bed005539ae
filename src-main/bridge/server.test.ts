import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BRIDGE_TOKEN_HEADER } from '../../src-shared/channels';
import { tempDir } from '../../test/support/temp';
import { silentLogger } from '../platform/log';
import { Workstation } from '../app/workstation';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { LAUNCH_CODE_TTL_MS, MAX_CONNECTIONS, startBridge, type Bridge } from './server';

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
let bridge: Bridge;

/** Raw HTTP, so the test controls Host and Origin as an attacker's page or a rebinding DNS would. */
function call(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: bridge.port,
        path,
        method: opts.method ?? 'GET',
        headers: { Host: `127.0.0.1:${bridge.port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
const invoke = (method: string, input: unknown, headers: Record<string, string> = {}) =>
  call(`/api/invoke/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [BRIDGE_TOKEN_HEADER]: bridge.token, ...headers },
    body: JSON.stringify(input),
  });

beforeAll(async () => {
  t = tempDir();
  const staticDir = join(t.dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Waybill</title>');
  writeFileSync(join(t.dir, 'secret.txt'), 'outside the static root');
  ws = new Workstation({ dataDir: join(t.dir, 'data'), mode: 'browser' });
  bridge = await startBridge({
    dispatch: createDispatcher(createHandlers(ws), silentLogger),
    events: ws.events,
    staticDir,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await bridge.close();
  ws.close();
  t.cleanup();
});

describe('browser-mode HTTP bridge', () => {
  it('listens on loopback only; the URL it hands out carries a one-time code, never the session credential', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(bridge.launchUrl).toMatch(new RegExp(`^${bridge.url}#code=[A-Za-z0-9_-]{43}$`));
    expect(bridge.launchUrl).not.toContain(bridge.token);
    expect(bridge.token.length).toBeGreaterThanOrEqual(43);
  });

  it('answers a call that carries the token', async () => {
    const r = await invoke('app.status', {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ ok: true, value: { vault: 'absent', mode: 'browser' } });
    // The core's time, which the queue benchmark reads in the page; a duration and nothing else.
    expect(r.headers['server-timing']).toMatch(/^core;dur=\d+\.\d$/);
  });

  it('refuses a call without the token, or with a wrong one', async () => {
    const none = await call('/api/invoke/app.status', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(403);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const wrong = await invoke('app.status', {}, { [BRIDGE_TOKEN_HEADER]: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
  });

  it('refuses a foreign Origin even with the right token, and never sends CORS headers', async () => {
    const r = await invoke('app.status', {}, { Origin: 'https://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/foreign origin/);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await call('/api/invoke/app.status', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    const own = await invoke('app.status', {}, { Origin: `http://127.0.0.1:${bridge.port}` });
    expect(own.status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await call('/api/invoke/app.status', {
      method: 'POST',
      headers: { Host: 'attacker.example', [BRIDGE_TOKEN_HEADER]: bridge.token },
    });
    expect(r.status).toBe(421);
  });

  it('serves the UI with the strict CSP and never serves files outside its root', async () => {
    const r = await call('/');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(r.headers['content-security-policy'])).not.toContain('unsafe');
    const traversal = await call('/..%2Fsecret.txt');
    expect(traversal.body).not.toContain('outside the static root');
  });

  it('rejects non-JSON and oversized bodies with a clear error', async () => {
    const r = await call('/api/invoke/app.status', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', [BRIDGE_TOKEN_HEADER]: bridge.token },
      body: '{}',
    });
    expect(r.status).toBe(415);
    const big = await invoke('vault.unlock', { passphrase: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body).toMatch(/larger than 1 MiB/);
    const broken = await call('/api/invoke/app.status', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [BRIDGE_TOKEN_HEADER]: bridge.token },
      body: '{"a":',
    });
    expect(broken.status).toBe(400);
    expect(broken.body).toMatch(/not valid JSON/);
  });

  it('closes promptly while a request is still in flight (a browser reconnecting during shutdown)', async () => {
    let received!: () => void;
    const inFlight = new Promise<void>((r) => (received = r));
    // A handler that never answers keeps its connection active, as a late event-stream request does.
    const other = await startBridge({
      dispatch: () => {
        received();
        return new Promise(() => {});
      },
      events: ws.events,
      staticDir: join(t.dir, 'static'),
      logger: silentLogger,
    });
    const req = request({
      host: '127.0.0.1',
      port: other.port,
      path: '/api/invoke/app.status',
      method: 'POST',
      headers: {
        Host: `127.0.0.1:${other.port}`,
        'Content-Type': 'application/json',
        [BRIDGE_TOKEN_HEADER]: other.token,
      },
    });
    req.on('error', () => {});
    req.end('{}');
    await inFlight;
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('pushes events to an authenticated stream, and refuses an unauthenticated one', async () => {
    expect((await call('/api/events')).status).toBe(403);
    const got = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: bridge.port,
          path: '/api/events',
          headers: { Host: `127.0.0.1:${bridge.port}`, [BRIDGE_TOKEN_HEADER]: bridge.token },
        },
        (res) => {
          let buf = '';
          res.on('data', (d: Buffer) => {
            buf += d.toString();
            if (buf.includes(': connected')) ws.events.emit('cases.changed', { count: 3 });
            if (buf.includes('cases.changed')) {
              req.destroy();
              resolve(buf);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(got).toContain('data: {"name":"cases.changed","payload":{"count":3}}');
  });

  it('cuts off a body that trickles in, with 408, long before it is complete', async () => {
    const slow = await startBridge({
      dispatch: createDispatcher(createHandlers(ws), silentLogger),
      events: ws.events,
      staticDir: join(t.dir, 'static'),
      logger: silentLogger,
      requestTimeoutMs: 1000,
    });
    try {
      const body = JSON.stringify({ passphrase: 'x'.repeat(200) });
      const socket = connect(slow.port, '127.0.0.1');
      let answer = '';
      let sent = 0;
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      const closed = new Promise<void>((r) => socket.on('close', () => r()));
      socket.on('error', () => {});
      socket.write(
        `POST /api/invoke/vault.unlock HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nContent-Type: application/json\r\n${BRIDGE_TOKEN_HEADER}: ${slow.token}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      // One byte every 100 ms: the whole body would take 20 s; the server must not wait for it.
      const trickle = setInterval(() => {
        if (socket.destroyed || sent >= body.length) return clearInterval(trickle);
        socket.write(body[sent++] ?? '');
      }, 100);
      await closed;
      clearInterval(trickle);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(sent).toBeLessThan(body.length);
    } finally {
      await slow.close();
    }
  });

  it(`holds at most ${MAX_CONNECTIONS} connections at once and serves again when they go`, async () => {
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const s = connect(bridge.port, '127.0.0.1', () => resolve(s));
        s.on('error', reject);
      });
    const held: Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) held.push(await open());
    // Each is a request whose headers never end: without the cap every one would be held.
    for (const s of held) s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\n`);
    const extra = await open();
    extra.on('error', () => {});
    const refused = await new Promise<string>((resolve) => {
      let got = '';
      extra.on('data', (d: Buffer) => (got += d.toString()));
      extra.on('close', () => resolve(got));
      extra.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${bridge.port}\r\nConnection: close\r\n\r\n`);
    });
    expect(refused).toBe('');
    await Promise.all(
      held.map((s) => new Promise<void>((r) => (s.destroyed ? r() : (s.once('close', () => r()), s.destroy())))),
    );
    // The server learns of the closes asynchronously; ask until it serves.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) status = (await call('/').catch(() => ({ status: 0 }))).status;
    expect(status).toBe(200);
  });

  describe('the launch code (issue 17.9)', () => {
    let clock = 0;
    let b: Bridge;
    const own = () => ({ Host: `127.0.0.1:${b.port}`, Origin: `http://127.0.0.1:${b.port}` });
    const raw = (path: string, headers: Record<string, string>, body = '{}') =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port: b.port,
            path,
            method: 'POST',
            headers: { 'Content-Type': 'application/json', ...headers },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const codeOf = (x: Bridge) => new URL(x.launchUrl).hash.slice('#code='.length);
    const exchange = (code: string, headers: Record<string, string> = own()) =>
      raw('/api/session', headers, JSON.stringify({ code }));
    const status = (cookie: string) => raw('/api/invoke/app.status', { ...own(), Cookie: cookie });
    const fresh = async () => {
      clock = 1_000_000;
      b = await startBridge({
        dispatch: createDispatcher(createHandlers(ws), silentLogger),
        events: ws.events,
        staticDir: join(t.dir, 'static'),
        logger: silentLogger,
        now: () => clock,
      });
    };
    afterEach(async () => b.close());

    it('is exchanged once for an HttpOnly, SameSite=Strict session cookie that opens the API', async () => {
      await fresh();
      const noSession = await raw('/api/invoke/app.status', own());
      expect(noSession.status).toBe(403);
      const r = await exchange(codeOf(b));
      expect(r.status).toBe(200);
      const cookie = String((r.headers['set-cookie'] as string[])[0]);
      expect(cookie).toBe(`${b.cookieName}=${b.token}; HttpOnly; SameSite=Strict; Path=/`);
      expect((await status(cookie.split(';')[0]!)).status).toBe(200);
    });

    it('opens nothing once used, and a used code presented again ends the session it opened', async () => {
      await fresh();
      const first = await exchange(codeOf(b));
      const cookie = String((first.headers['set-cookie'] as string[])[0]).split(';')[0]!;
      const again = await exchange(codeOf(b));
      expect(again.status).toBe(403);
      expect(again.headers['set-cookie']).toBeUndefined();
      expect(again.body).toMatch(/used or has expired/);
      expect((await status(cookie)).status).toBe(403);
    });

    it('says whether this browser holds the session with a 200 either way, so the page never meets a 403 before the exchange', async () => {
      await fresh();
      const ask = (headers: Record<string, string>) =>
        new Promise<{ status: number; body: unknown }>((resolve, reject) => {
          const req = request(
            { host: '127.0.0.1', port: b.port, path: '/api/session', method: 'GET', headers },
            (res) => {
              let text = '';
              res.on('data', (d: Buffer) => (text += d.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
            },
          );
          req.on('error', reject);
          req.end();
        });
      const before = await ask({ Host: `127.0.0.1:${b.port}`, 'Sec-Fetch-Site': 'same-origin' });
      expect(before).toEqual({ status: 200, body: { ok: true, value: { session: false } } });
      const cookie = String(((await exchange(codeOf(b))).headers['set-cookie'] as string[])[0]).split(';')[0]!;
      expect(await ask({ Host: `127.0.0.1:${b.port}`, Cookie: cookie })).toEqual({
        status: 200,
        body: { ok: true, value: { session: true } },
      });
      expect(await ask({ Host: `127.0.0.1:${b.port}`, Cookie: `${b.cookieName}=${'x'.repeat(43)}` })).toEqual({
        status: 200,
        body: { ok: true, value: { session: false } },
      });
      // Another site cannot even learn whether a session is open.
      expect((await ask({ Host: `127.0.0.1:${b.port}`, Origin: 'http://127.0.0.1:1', Cookie: cookie })).status).toBe(
        403,
      );
    });

    it('opens nothing after 60 seconds', async () => {
      await fresh();
      clock += LAUNCH_CODE_TTL_MS + 1;
      const r = await exchange(codeOf(b));
      expect(r.status).toBe(403);
      expect(r.headers['set-cookie']).toBeUndefined();
    });

    it('is refused from another origin, another port of 127.0.0.1, or without an Origin; a wrong code opens nothing', async () => {
      await fresh();
      expect((await exchange(codeOf(b), { Host: `127.0.0.1:${b.port}`, Origin: 'http://127.0.0.1:1' })).status).toBe(
        403,
      );
      expect((await exchange(codeOf(b), { ...own(), 'Sec-Fetch-Site': 'same-site' })).status).toBe(403);
      expect((await exchange(codeOf(b), { Host: `127.0.0.1:${b.port}` })).status).toBe(403);
      expect((await exchange('x'.repeat(43))).status).toBe(403);
      // None of these used the code up.
      expect((await exchange(codeOf(b))).status).toBe(200);
    });
  });
});
