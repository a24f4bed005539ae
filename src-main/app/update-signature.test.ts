import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp';
import {
  MAX_SIGNATURE_BYTES,
  publicKeyFromBase64,
  publicKeyToBase64,
  signUpdateFile,
  verifyDownloadedUpdate,
} from './update-signature';

// Issue 20 point 4: a Linux AppImage update installs only if its detached Ed25519 signature, made at
// packaging with our key, verifies under the public key embedded in the app. A real HTTP server on
// loopback plays the update feed; each update is downloaded from it as electron-updater would, then checked.
const t = tempDir();
const feed = join(t.dir, 'feed');
const downloads = join(t.dir, 'downloads');
const ours = generateKeyPairSync('ed25519');
const theirs = generateKeyPairSync('ed25519');
const ourPem = ours.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const theirPem = theirs.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
// What the build embeds: the base64 of the raw public key.
const embedded = publicKeyFromBase64(publicKeyToBase64(ours.publicKey));
const content = randomBytes(3 * 1024 * 1024 + 17);

let server: Server;
let feedUrl = '';
const served = new Map<string, Buffer>();

beforeAll(async () => {
  mkdirSync(feed, { recursive: true });
  mkdirSync(downloads, { recursive: true });
  const publish = async (
    name: string,
    bytes: Buffer,
    signWith: string | null,
    version = '1.2.0',
    signedBytes: Buffer = bytes,
  ) => {
    // Sign what the publisher built, then serve what the feed holds (the same bytes, unless tampered).
    const built = join(feed, name);
    writeFileSync(built, signedBytes);
    served.set(name, bytes);
    if (signWith) served.set(`${name}.sig`, Buffer.from(await signUpdateFile(built, version, signWith)));
  };
  await publish('Waybill-1.2.0.AppImage', content, ourPem);
  const tampered = Buffer.from(content);
  tampered[1_000_000] = tampered[1_000_000]! ^ 0x01;
  await publish('Waybill-1.2.1.AppImage', tampered, ourPem, '1.2.1', content);
  await publish('Waybill-1.2.2.AppImage', content.subarray(0, content.length - 4096), ourPem, '1.2.2', content);
  await publish('Waybill-1.2.3.AppImage', content, theirPem, '1.2.3');
  await publish('Waybill-1.2.4.AppImage', content, null, '1.2.4');
  await publish('Waybill-1.2.5.AppImage', content, ourPem, '1.2.5');
  served.set('Waybill-1.2.6.AppImage', content);
  served.set('Waybill-1.2.6.AppImage.sig', Buffer.from('not a signature\n'));
  served.set('Waybill-1.2.7.AppImage', content);
  served.set('Waybill-1.2.7.AppImage.sig', Buffer.alloc(MAX_SIGNATURE_BYTES * 4, 0x41));
  server = createServer((req, res) => {
    const body = served.get(decodeURIComponent((req.url ?? '').slice('/updates/'.length)));
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length });
    Readable.from([body]).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/updates/`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  t.cleanup();
});

/** Downloads one update file from the feed as electron-updater does (streamed to its cache folder). */
async function download(name: string): Promise<string> {
  const res = await fetch(new URL(name, feedUrl));
  expect(res.status).toBe(200);
  const file = join(downloads, name);
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file));
  return file;
}

describe('AppImage update signatures', () => {
  it('accepts the update signed with our key, as the version the feed announces', async () => {
    const file = await download('Waybill-1.2.0.AppImage');
    const r = await verifyDownloadedUpdate({ file, version: '1.2.0', feedUrl, publicKey: embedded });
    expect(r).toMatchObject({
      ok: true,
      facts: { fileName: 'Waybill-1.2.0.AppImage', size: content.length, version: '1.2.0' },
    });
  });

  it.each([
    [
      'a tampered file (one bit flipped)',
      'Waybill-1.2.1.AppImage',
      '1.2.1',
      /does not match Waybill-1\.2\.1\.AppImage/,
    ],
    ['a truncated file', 'Waybill-1.2.2.AppImage', '1.2.2', /does not match/],
    ['a file signed with another key', 'Waybill-1.2.3.AppImage', '1.2.3', /does not match/],
    ['a file with no signature beside it', 'Waybill-1.2.4.AppImage', '1.2.4', /no signature file/],
    ['a signed older release announced as a newer version', 'Waybill-1.2.5.AppImage', '9.9.9', /as version 9\.9\.9/],
    ['a signature file that is not a signature', 'Waybill-1.2.6.AppImage', '1.2.6', /not one base64 Ed25519 signature/],
    ['an oversized signature file', 'Waybill-1.2.7.AppImage', '1.2.7', /too large/],
  ])('refuses %s', async (_what, name, version, reason) => {
    const file = await download(name);
    const r = await verifyDownloadedUpdate({ file, version, feedUrl, publicKey: embedded });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason).toMatch(reason);
  });

  it('refuses a download the feed cannot vouch for: an http feed off loopback, a missing file', async () => {
    const file = await download('Waybill-1.2.0.AppImage');
    const remote = await verifyDownloadedUpdate({
      file,
      version: '1.2.0',
      feedUrl: 'http://updates.example/',
      publicKey: embedded,
    });
    expect(remote).toMatchObject({ ok: false, reason: expect.stringMatching(/must be an https URL/) });
    const missing = await verifyDownloadedUpdate({
      file: join(downloads, 'Waybill-1.2.0.AppImage.gone'),
      version: '1.2.0',
      feedUrl,
      publicKey: embedded,
    });
    expect(missing.ok).toBe(false);
  });

  it('verifies a file it streams, byte for byte the one signed', async () => {
    // The same file re-read through a stream pipeline verifies again: the check is a pure function of the bytes.
    const file = await download('Waybill-1.2.0.AppImage');
    const copy = join(downloads, 'copy', 'Waybill-1.2.0.AppImage');
    mkdirSync(join(downloads, 'copy'));
    await pipeline(createReadStream(file), createWriteStream(copy));
    expect((await verifyDownloadedUpdate({ file: copy, version: '1.2.0', feedUrl, publicKey: embedded })).ok).toBe(
      true,
    );
  });

  it('takes only a 32-byte Ed25519 public key as the embedded key', () => {
    expect(() => publicKeyFromBase64('')).toThrow(/32-byte Ed25519/);
    expect(() => publicKeyFromBase64(randomBytes(31).toString('base64'))).toThrow(/32-byte Ed25519/);
    expect(() => publicKeyFromBase64('not base64 at all!')).toThrow(/32-byte Ed25519/);
  });
});
