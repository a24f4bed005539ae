import { describe, expect, it } from 'vitest';
import { databaseAt, insertCase, migrateTo } from '../../../test/support/migrations';

describe('migration 0008: e-mail correspondence', () => {
  it('adds messages, attachments and counterparty keys to a version-7 database, keeping its cases', () => {
    const db = databaseAt(7);
    insertCase(db, 'c1');
    expect(migrateTo(db, 8)).toBe(8);
    const msg = db.prepare(
      "INSERT INTO mail_messages (case_id, direction, kind, message_id, subject, state, created_at) VALUES (?, 'out', 'data_notice', ?, 's', ?, 't')",
    );
    const id = Number(msg.run('c1', '<m1@waybill>', 'queued').lastInsertRowid);
    // Unmatched mail waits in triage without a case.
    msg.run(null, '<m2@waybill>', 'triage');
    expect(() => msg.run('c1', '<m1@waybill>', 'queued')).toThrow(/UNIQUE/); // a Message-ID is recorded once
    expect(() => msg.run('c1', '<m3@waybill>', 'lost')).toThrow(/CHECK/);
    expect(() => msg.run('no-such-case', '<m4@waybill>', 'queued')).toThrow(/FOREIGN KEY/);
    db.prepare(
      "INSERT INTO mail_attachments (message_id, filename, content_type, size, sha256, content) VALUES (?, 'a.pdf', 'application/pdf', 3, 'h', x'010203')",
    ).run(id);
    // A message's attachments go with it.
    db.prepare('DELETE FROM mail_messages WHERE id = ?').run(id);
    expect(db.prepare('SELECT count(*) AS n FROM mail_attachments').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM cases').get()).toEqual({ n: 1 });
  });
});
