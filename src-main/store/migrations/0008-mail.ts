import type { Migration } from './index';

export const migration0008: Migration = {
  version: 8,
  name: "e-mail correspondence: messages (outbox and received), attachments, counterparties' OpenPGP keys",
  up(db) {
    db.exec(`
      -- Both directions in one table: a case's thread is one query. Outbound rows are the mail outbox:
      -- the Message-ID is chosen and stored before the first attempt, so a crash between the SMTP
      -- server's acceptance and our record is detected (state 'sending') and checked, not resent blind.
      CREATE TABLE mail_messages (
        id INTEGER PRIMARY KEY,
        case_id TEXT REFERENCES cases (id),   -- NULL: unmatched, waiting in triage
        direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
        kind TEXT NOT NULL,                   -- out: the template; in: 'reply'
        message_id TEXT NOT NULL UNIQUE,
        in_reply_to TEXT,
        refs TEXT,                            -- JSON array of Message-IDs
        subject TEXT NOT NULL,
        from_addr TEXT,
        to_addr TEXT,
        body_text TEXT,
        body_html TEXT,
        encrypted INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'matched', 'triage', 'attached')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error TEXT,
        triage_reason TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        received_at TEXT,
        imap_uid INTEGER
      ) STRICT;
      CREATE INDEX mail_by_case ON mail_messages (case_id, created_at);
      CREATE INDEX mail_due ON mail_messages (state, next_attempt_at);

      CREATE TABLE mail_attachments (
        id INTEGER PRIMARY KEY,
        message_id INTEGER NOT NULL REFERENCES mail_messages (id) ON DELETE CASCADE,
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        content BLOB                          -- NULL when over the size limit (the triage entry says so)
      ) STRICT;
      CREATE INDEX mail_attachments_by_message ON mail_attachments (message_id);

      CREATE TABLE counterparty_keys (
        vasp_id TEXT PRIMARY KEY,
        armored TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
