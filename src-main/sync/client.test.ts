import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendClient, isConnectionReset } from './client';

// A loopback backend that resets a kept-alive connection the way a server (or a proxy) that timed it
// out does: the client's next request on that socket meets a TCP RST. Issue 19 point 9.

interface Seen {
  method: string;
  url: string;
  key: string | undefined;
  socket: number;
}

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s) await new Promise<void>((r) => s.close(() => r()));
});

/** resetOn(n, socket): reset (instead of answering) the n-th request overall. */
async function backend(
  resetOn: (n: number, requestOnSocket: number) => boolean,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const sockets = new Map<Socket, { id: number; requests: number }>();
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let info = sockets.get(req.socket);
    if (!info) sockets.set(req.socket, (info = { id: sockets.size + 1, requests: 0 }));
    info.requests++;
    const key = req.headers['idempotency-key'];
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      key: typeof key === 'string' ? key : undefined,
      socket: info.id,
    });
    req.resume();
    req.on('end', () => {
      if (resetOn(seen.length, info.requests)) {
        req.socket.resetAndDestroy();
        return;
      }
      res.setHeader('Content-Type', 'application/json');
      if (req.url?.startsWith('/v1/changes')) res.end('{"cursor":1,"case":{"id":"c-1"}}\n{"next":1,"hasMore":false}\n');
      else res.end(JSON.stringify({ ok: true, n: seen.length }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('BackendClient on a reset connection', () => {
  it('a changes page whose kept-alive connection is reset is fetched again, once, on a new connection', async () => {
    let reused = 0;
    // The first request that reuses a kept-alive socket meets a reset; everything else is answered.
    const b = await backend((_n, onSocket) => onSocket > 1 && reused++ === 0);
    const client = new BackendClient(b.url, 'token-123456', 'ana');
    for (let i = 0; i < 5; i++) expect((await client.changes(0)).items[0]?.value).toEqual({ id: 'c-1' });
    expect(reused).toBeGreaterThan(0); // a connection was reused, and reset
    const reset = b.seen.findIndex((_s, i) => i > 0 && b.seen.slice(0, i).some((x) => x.socket === b.seen[i]!.socket));
    expect(b.seen[reset + 1]?.url).toBe(b.seen[reset]?.url); // the same page asked again, at once
    expect(b.seen).toHaveLength(6); // five pages, one of them twice
  });

  it('a push is sent again after a reset with the same Idempotency-Key (so the backend applies it once)', async () => {
    const b = await backend((n) => n === 2);
    const client = new BackendClient(b.url, 'token-123456', 'ana');
    await client.get('/v1/health');
    const r = await client.post('/v1/cases/c-1/decisions', 'key-42', { kind: 'accept' }, 3);
    expect(r.status).toBe(200);
    const posts = b.seen.filter((s) => s.method === 'POST');
    expect(posts.map((p) => p.key)).toEqual(['key-42', 'key-42']);
  });

  it('retries only once: a backend that resets every connection is an error, named as a reset', async () => {
    const b = await backend(() => true);
    const client = new BackendClient(b.url, 'token-123456', 'ana');
    const err: unknown = await client.get('/v1/health').then(
      () => null,
      (e: unknown) => e,
    );
    expect(isConnectionReset(err)).toBe(true);
    expect(b.seen).toHaveLength(2);
  });

  it('a refused connection (backend down) is not retried and is not a reset', async () => {
    const b = await backend(() => false);
    const s = server!;
    server = null;
    await new Promise<void>((r) => s.close(() => r()));
    const err: unknown = await new BackendClient(b.url, 'token-123456', 'ana').get('/v1/health').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(isConnectionReset(err)).toBe(false);
  });
});
