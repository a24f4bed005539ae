import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PASSPHRASE, tempDir } from '../../test/support/temp';
import { Workstation } from '../app/workstation';
import { readAttachment } from './attachments';

// Issue 18, 9: a received attachment is opened only when its name is on the allow-list and its bytes
// are what the name says; everything else is refused by name, and stays stored.

let t: ReturnType<typeof tempDir>;
let ws: Workstation;
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('IHDR-rest-of-image')]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
const ids: Record<string, number> = {};

beforeEach(async () => {
  t = tempDir();
  ws = new Workstation({ dataDir: join(t.dir, 'ws'), mode: 'cli', actor: 'analyst-a' });
  await ws.createVault(TEST_PASSPHRASE);
  const db = ws.database();
  const mail = Number(
    db
      .prepare(
        "INSERT INTO mail_messages (direction, kind, message_id, subject, state, created_at) VALUES ('in', 'reply', '<m1@x>', 'Re: data', 'triage', ?)",
      )
      .run(new Date().toISOString()).lastInsertRowid,
  );
  const add = (filename: string, content: Buffer | null) =>
    Number(
      db
        .prepare(
          'INSERT INTO mail_attachments (message_id, filename, content_type, size, sha256, content) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          mail,
          filename,
          'application/octet-stream',
          content?.length ?? 20_000_000,
          createHash('sha256')
            .update(content ?? '')
            .digest('hex'),
          content,
        ).lastInsertRowid,
    );
  ids.png = add('passport.PNG', PNG);
  ids.pdf = add('address.pdf', PDF);
  ids.exe = add('invoice.pdf.exe', Buffer.from('MZ\x90\x00'));
  ids.html = add('photo.png', Buffer.from('<html><script>alert(1)</script></html>'));
  ids.none = add('README', Buffer.from('text'));
  ids.big = add('scan.png', null);
});
afterEach(() => {
  ws.close();
  t.cleanup();
});

describe('readAttachment (mail/attachments.ts)', () => {
  it('shows an image whose bytes are an image, and offers a PDF for saving only', () => {
    const db = ws.database();
    expect(readAttachment(db, ids.png!)).toMatchObject({
      contentType: 'image/png',
      view: true,
      dataBase64: PNG.toString('base64'),
    });
    expect(readAttachment(db, ids.pdf!)).toMatchObject({
      contentType: 'application/pdf',
      view: false,
      size: PDF.length,
    });
  });

  it('refuses, by name, a type off the allow-list, a file that lies about its type, and one never stored', () => {
    const db = ws.database();
    expect(() => readAttachment(db, ids.exe!)).toThrow(
      /does not open or save \.exe attachments: only png, jpg, jpeg, gif, webp, pdf/,
    );
    expect(() => readAttachment(db, ids.none!)).toThrow(/extensionless/);
    expect(() => readAttachment(db, ids.html!)).toThrow(/named \.png but its content is not image\/png/);
    expect(() => readAttachment(db, ids.big!)).toThrow(/over the size limit/);
    expect(() => readAttachment(db, 999)).toThrow(/No attachment 999/);
    // Refused is not removed: the evidence stays.
    expect(db.prepare('SELECT count(*) AS n FROM mail_attachments').get()).toEqual({ n: 6 });
  });
});
