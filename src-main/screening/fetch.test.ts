import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { openTestDb } from '../../test/support/db';
import { sharedPath } from '../../test/support/shared';
import { tempDir } from '../../test/support/temp';
import type { WritableDB } from '../store/db';
import { checkUrl, fetchList, officialPlan } from './fetch';
import { listVersions } from './store';

// Fetching lists, against a local HTTP server serving the fixture files. Nothing here reaches the
// internet: plain HTTP is accepted only to a loopback address (which is what lets this test run
// without TLS); anywhere else a list must come over HTTPS with a verified certificate.

let server: Server;
let base: string;
const hits: string[] = [];
const FILES: Record<string, { body: Buffer; status?: number; length?: number }> = {
  '/ofac/SDN.CSV': { body: readFileSync(sharedPath('fixtures', 'sanctions', 'ofac-small', 'sdn.csv')) },
  '/ofac/ALT.CSV': { body: readFileSync(sharedPath('fixtures', 'sanctions', 'ofac-small', 'alt.csv')) },
  '/ofac/ADD.CSV': { body: readFileSync(sharedPath('fixtures', 'sanctions', 'ofac-small', 'add.csv')) },
  '/ofac/SDN_COMMENTS.CSV': {
    body: readFileSync(sharedPath('fixtures', 'sanctions', 'ofac-small', 'sdn_comments.csv')),
  },
  '/un.xml': { body: readFileSync(sharedPath('fixtures', 'sanctions', 'un', 'UN_consolidated.xml')) },
  '/bomb.xml': { body: Buffer.from('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<CONSOLIDATED_LIST/>') },
  '/short.xml': { body: Buffer.from('<CONSOLIDATED_LIST>'), length: 1000 },
};
beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const f = FILES[req.url ?? ''];
    if (req.url === '/moved') res.writeHead(302, { Location: '/un.xml' }).end();
    else if (req.url === '/loop') res.writeHead(302, { Location: '/loop' }).end();
    else if (!f) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Length': f.length ?? f.body.length }).end(f.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

let t: ReturnType<typeof tempDir>;
let db: WritableDB;
beforeEach(() => {
  t = tempDir();
  db = openTestDb(t.dir).db;
});
afterEach(() => {
  db.close();
  t.cleanup();
});

describe('fetching a list', () => {
  it("OFAC's four CSV files from a folder URL, parsed and put in force", async () => {
    const v = await fetchList(db, 'ofac', officialPlan('ofac', `${base}/ofac/`), {
      tmpRoot: join(t.dir, 'tmp'),
      importedBy: 'analyst-1',
    });
    expect(v).toMatchObject({ changed: true, source: 'ofac', origin: `url ${base}/ofac`, importedBy: 'analyst-1' });
    expect(
      ['/ofac/SDN.CSV', '/ofac/ALT.CSV', '/ofac/ADD.CSV', '/ofac/SDN_COMMENTS.CSV'].every((p) => hits.includes(p)),
    ).toBe(true);
    const again = await fetchList(db, 'ofac', officialPlan('ofac', `${base}/ofac`), { tmpRoot: join(t.dir, 'tmp') });
    expect(again.changed).toBe(false);
    expect(listVersions(db)).toHaveLength(1);
  });

  it('follows a redirect; the SHA-256 stated by the sender is checked', async () => {
    const v = await fetchList(
      db,
      'un',
      { origin: 'backend test', files: [{ url: `${base}/moved`, name: 'un.xml' }] },
      { tmpRoot: join(t.dir, 'tmp') },
    );
    expect(v.entryCount).toBe(1003);
    await expect(
      fetchList(
        db,
        'un',
        { origin: 'x', files: [{ url: `${base}/un.xml`, name: 'un.xml', sha256: '0'.repeat(64) }] },
        { tmpRoot: join(t.dir, 'tmp'), allowShrink: true },
      ),
    ).rejects.toMatchObject({
      code: 'download',
      message: expect.stringMatching(/the file's SHA-256 is [0-9a-f]{12}…, not the 000000000000… stated/),
    });
  });

  it('refuses what does not arrive whole and verified, and the version in force stays', async () => {
    const first = await fetchList(db, 'un', officialPlan('un', `${base}/un.xml`), { tmpRoot: join(t.dir, 'tmp') });
    const tmp = { tmpRoot: join(t.dir, 'tmp') };
    await expect(fetchList(db, 'un', officialPlan('un', `${base}/missing.xml`), tmp)).rejects.toMatchObject({
      code: 'download',
      message: expect.stringMatching(/missing\.xml: answered 404$/),
    });
    await expect(
      fetchList(db, 'un', officialPlan('un', `${base}/un.xml`), { ...tmp, maxBytes: 1000 }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/declares \d+ bytes, more than the 1000 allowed/) });
    await expect(fetchList(db, 'un', officialPlan('un', `${base}/short.xml`), tmp)).rejects.toMatchObject({
      code: 'download',
    });
    await expect(fetchList(db, 'un', officialPlan('un', `${base}/loop`), tmp)).rejects.toMatchObject({
      message: expect.stringMatching(/more than 5 redirects/),
    });
    await expect(fetchList(db, 'un', officialPlan('un', `${base}/bomb.xml`), tmp)).rejects.toMatchObject({
      code: 'xml_declaration_refused',
    });
    expect(
      listVersions(db)
        .filter((v) => v.active)
        .map((v) => v.id),
    ).toEqual([first.id]);
  });

  it('HTTPS only, except to this machine', () => {
    expect(() => checkUrl('http://example.org/list.xml')).toThrow(/over HTTPS only/);
    expect(() => checkUrl('ftp://127.0.0.1/list.xml')).toThrow(/over HTTPS only/);
    expect(checkUrl('https://scsanctions.un.org/resources/xml/en/consolidated.xml').protocol).toBe('https:');
    expect(checkUrl('http://127.0.0.1:8080/x').hostname).toBe('127.0.0.1');
  });
});
