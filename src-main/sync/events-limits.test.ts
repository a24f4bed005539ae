import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseStreamError } from '../../src-shared/sse';
import { databaseAt } from '../../test/support/migrations';
import type { LogFields, Logger } from '../platform/log';
import type { WritableDB } from '../store/db';
import { LATEST_SCHEMA_VERSION } from '../store/migrations/index';
import { BackendClient, MAX_EVENT_CHARS } from './client';
import { SyncEngine } from './engine';

// Issue 17 follow-up: the backend's live event stream is bounded like every other answer. A
// notification only carries a cursor, so an event (or what buffers toward one) past MAX_EVENT_CHARS
// ends the stream with SseStreamError; the engine logs that name and connects again. A hostile backend
// on loopback, since the reference backend never misbehaves like this.

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

async function backend(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handle);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sse = (res: ServerResponse) => res.writeHead(200, { 'Content-Type': 'text/event-stream' });
const oversized = `data: {"cursor":1,"pad":"${'x'.repeat(MAX_EVENT_CHARS)}"}\n\n`;

describe('the backend event stream', () => {
  it('refuses an event past the limit by name, even sent whole in one write, and passes nothing of it on', async () => {
    const url = await backend((_req, res) => {
      sse(res);
      res.write(oversized + 'data: {"cursor":2}\n\n'); // stays open: only the refusal can end the read
    });
    const seen: number[] = [];
    const read = new BackendClient(url, 'token', 'ana').events((c) => seen.push(c), AbortSignal.timeout(30_000));
    await expect(read).rejects.toThrow(SseStreamError);
    await expect(read).rejects.toThrow(
      `The event stream sent an event of ${oversized.length - 'data: \n\n'.length} characters, larger than the limit of ${MAX_EVENT_CHARS}.`,
    );
    expect(seen).toEqual([]);
  });

  it('refuses a stream that keeps buffering toward an event it never ends', async () => {
    const url = await backend((_req, res) => {
      sse(res);
      res.write('data: {"cursor":1}\n\n');
      for (let i = 0; i < 8; i++) res.write(`data: ${'y'.repeat(MAX_EVENT_CHARS / 4)}\n`); // never a blank line
    });
    const seen: number[] = [];
    const read = new BackendClient(url, 'token', 'ana').events((c) => seen.push(c), AbortSignal.timeout(30_000));
    await expect(read).rejects.toThrow(
      `The event stream buffered more than ${MAX_EVENT_CHARS} characters without ending an event.`,
    );
    expect(seen).toEqual([1]); // the events before it were read
  });

  it('is followed again after a refusal: the engine logs SseStreamError and reconnects', async () => {
    let connections = 0;
    const url = await backend((req, res) => {
      if (req.url?.startsWith('/v1/events')) {
        connections++;
        sse(res);
        res.write(connections === 1 ? oversized : 'data: {"cursor":0}\n\n');
        return;
      }
      if (req.url?.startsWith('/v1/changes')) {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.end('{"next":0,"hasMore":false}\n');
        return;
      }
      res.writeHead(404).end();
    });
    const lines: { event: string; fields: LogFields | undefined }[] = [];
    const log: Logger = {
      info: (event, fields) => lines.push({ event, fields }),
      warn: (event, fields) => lines.push({ event, fields }),
      error: (event, fields) => lines.push({ event, fields }),
    };
    const db = databaseAt(LATEST_SCHEMA_VERSION) as unknown as WritableDB;
    const engine = new SyncEngine(
      () => db,
      new BackendClient(url, 'token', 'ana'),
      () => {
        throw new Error('no case arrives, so no check runs');
      },
      null,
      log,
      60_000,
    );
    engine.start();
    try {
      await expect.poll(() => connections, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      expect(lines).toContainEqual({ event: 'sync.events_reconnect', fields: { error: 'SseStreamError' } });
    } finally {
      await engine.stop();
    }
  });
});
