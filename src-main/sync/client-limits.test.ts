import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, MAX_LINE_BYTES } from '../input/limits';
import { BackendClient, feedItem, MAX_PAGE_BYTES } from './client';

// Issue 17.2: what the sync client reads from a backend is bounded like a file: each line within
// the line limit, deep nesting refused before parsing, and the page itself within MAX_PAGE_BYTES.
// A hostile backend on loopback, since the reference backend never misbehaves like this.

let server: Server;
let url: string;
let page: (res: ServerResponse) => void = () => {};

beforeAll(async () => {
  server = createServer((_req, res) => page(res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = () => new BackendClient(url, 'token', 'analyst');

describe('sync client reading a hostile backend', () => {
  it('refuses a line past the limit and a deeply nested one, and keeps the rest of the page', async () => {
    const long = `{"cursor":1,"case":{"id":"${'a'.repeat(MAX_LINE_BYTES)}"}}`;
    page = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.write(`${long}\n`);
      res.write(`{"cursor":2,"case":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`);
      res.write('{"cursor":3,"case":{"id":"ok"}}\n');
      res.end('{"next":3,"hasMore":false}\n');
    };
    const p = await client().changes(0);
    expect(p.next).toBe(3);
    expect(p.items.map((i) => [i.cursor, i.error])).toEqual([
      [1, `line is ${long.length} bytes, longer than the limit of ${MAX_LINE_BYTES} bytes; not read`],
      [2, `nests deeper than ${MAX_JSON_DEPTH} levels (at character ${19 + MAX_JSON_DEPTH})`],
      [3, null],
    ]);
    expect(p.items[0]!.raw.length).toBeLessThan(10_000);
    expect(p.items[2]!.value).toEqual({ id: 'ok' });
  });

  it(`refuses a page past ${MAX_PAGE_BYTES} bytes while it arrives`, async () => {
    let sent = 0;
    page = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      const line = Buffer.from(`{"cursor":1,"case":{"id":"${'b'.repeat(60_000)}"}}\n`);
      const more = () => {
        // Endless: only the client's limit ends it.
        while (!res.destroyed && res.write(line)) sent += line.length;
        if (!res.destroyed) res.once('drain', more);
      };
      res.on('close', () => {});
      more();
    };
    await expect(client().changes(0)).rejects.toThrow(`the changes page is larger than ${MAX_PAGE_BYTES} bytes`);
    expect(sent).toBeLessThan(MAX_PAGE_BYTES * 2);
  });
});

describe('a page fetched unparsed, for the intake workers to parse', () => {
  it("knows each line's cursor as parsing would, whatever the line holds, and reads each line alike later", async () => {
    const lines = [
      '{"cursor":1,"case":{"id":"a"}}',
      '{"cursor":2}',
      '{"case":{"id":"b"},"cursor":3}', // not first: parsed
      '{"cursor":4,"case":{"id":"c"},"cursor":40}', // repeated: JSON.parse keeps the last
      '{"cursor":5,"case":{"note":"a \\"cursor\\" in a string"}}',
      '{"cursor":6.5,"case":{}}',
      '{"cursor":7e2,"case":{}}',
      '{"cursor":-8,"case":{}}',
      '{"cursor":123456789012345678,"case":{}}', // past 15 digits: parsed (and rounded alike)
      '{"cursor":010,"case":{}}', // not JSON: the loose cursor, as before
      '{"cursor":11,"case":{"id":"broken"', // not JSON
      `{"cursor":12,"case":${'['.repeat(MAX_JSON_DEPTH + 5)}${']'.repeat(MAX_JSON_DEPTH + 5)}}`, // too deep
      '{"cursor":"13","case":{}}', // a string: no cursor
      'null',
      `{"cursor":14,"case":{"id":"${'x'.repeat(MAX_LINE_BYTES)}"}}`, // past the line limit
    ];
    page = (res) => {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.end(`${lines.join('\n')}\n{"next":14,"hasMore":false}\n`);
    };
    const parsed = await client().changes(0);
    const unparsed = await client().changes(0, 500, { parse: false });
    expect(unparsed.items.map((l) => l.cursor)).toEqual(parsed.items.map((i) => i.cursor));
    expect(parsed.items.map((i) => i.cursor)).toEqual([
      1,
      2,
      3,
      40,
      5,
      6.5,
      700,
      -8,
      123456789012345680,
      10,
      11,
      12,
      null,
      null,
      14,
    ]);
    // Only the transport's refusals are known before parsing; feedItem then gives each line as changes(0) did.
    expect(unparsed.items.map((l) => l.error !== null)).toEqual(lines.map((_, i) => i === lines.length - 1));
    expect(unparsed.items.map(feedItem)).toEqual(parsed.items);
    expect(unparsed.next).toBe(14);
  });
});
