import type { Migration } from './index';

export const migration0001: Migration = {
  version: 1,
  name: 'initial: cases, decisions, audit trail, quarantine, settings',
  up(db) {
    db.exec(`
      CREATE TABLE cases (
        id TEXT PRIMARY KEY,
        direction TEXT NOT NULL CHECK (direction IN ('withdrawal', 'deposit')),
        status TEXT NOT NULL,
        asset TEXT NOT NULL,
        network TEXT NOT NULL,
        amount TEXT NOT NULL,                 -- decimal string, exact
        fiat_amount TEXT,                     -- decimal string, exact
        fiat_currency TEXT,
        fiat_amount_minor INTEGER,            -- sort and filter key only; fiat_amount is the value
        transfer_time TEXT NOT NULL,
        originator_wallet TEXT NOT NULL,
        beneficiary_wallet TEXT NOT NULL,
        wallet_type TEXT NOT NULL CHECK (wallet_type IN ('hosted', 'unhosted')),
        counterparty_vasp_id TEXT,
        counterparty_name TEXT,
        counterparty_jurisdiction TEXT,
        counterparty TEXT,                    -- JSON as received
        originator_name TEXT,                 -- display names derived from the IVMS101 payload
        beneficiary_name TEXT,
        ivms101 TEXT NOT NULL,                -- JSON as received
        aml TEXT,                             -- the backend's AML/security results, JSON
        risk_score INTEGER,
        tx_hash TEXT,
        version INTEGER NOT NULL CHECK (version >= 1),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        received_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX cases_by_transfer_time ON cases (transfer_time, id);
      CREATE INDEX cases_by_updated_at ON cases (updated_at, id);
      CREATE INDEX cases_by_status ON cases (status, transfer_time);
      CREATE INDEX cases_by_fiat ON cases (fiat_amount_minor, id);
      CREATE INDEX cases_by_risk ON cases (risk_score, id);
      CREATE INDEX cases_by_asset ON cases (asset, transfer_time);

      CREATE TABLE decisions (
        id TEXT PRIMARY KEY,
        case_id TEXT NOT NULL REFERENCES cases (id),
        kind TEXT NOT NULL CHECK (kind IN ('accept', 'reject', 'request_information')),
        reason_codes TEXT NOT NULL DEFAULT '[]',
        note TEXT,
        analyst TEXT NOT NULL,
        case_version INTEGER NOT NULL,
        decided_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX decisions_by_case ON decisions (case_id, decided_at);

      -- Append-only, hash-chained. seq is assigned by the writer as previous + 1, so a deleted
      -- row shows as a gap; the triggers stop ordinary code from editing history.
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        case_id TEXT,
        payload TEXT,                         -- canonical JSON
        payload_digest TEXT NOT NULL,         -- SHA-256 of payload; what the chain covers
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_by_case ON audit_events (case_id, seq);
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

      -- Input that could not be accepted, kept with its reason so nothing is silently lost.
      CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,                 -- e.g. 'import:cases.jsonl', 'sync'
        location TEXT NOT NULL,               -- e.g. 'line 17'
        reason TEXT NOT NULL,
        raw TEXT NOT NULL,
        received_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};
