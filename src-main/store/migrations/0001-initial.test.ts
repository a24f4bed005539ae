import Database from 'better-sqlite3-multiple-ciphers';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index';
import { migration0001 } from './0001-initial';

describe('migration 0001: initial schema', () => {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, [migration0001]);
  const columns = (t: string) => (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);

  it('sets user_version to 1', () => expect(schemaVersion(db)).toBe(1));

  it('creates the case table with the contract fields', () => {
    expect(columns('cases')).toEqual(
      expect.arrayContaining([
        'id',
        'direction',
        'status',
        'asset',
        'network',
        'amount',
        'fiat_amount',
        'fiat_currency',
        'originator_wallet',
        'beneficiary_wallet',
        'wallet_type',
        'counterparty',
        'ivms101',
        'aml',
        'tx_hash',
        'version',
        'created_at',
        'updated_at',
      ]),
    );
  });

  it('keeps amounts as text so no float ever touches money', () => {
    const info = db.prepare('PRAGMA table_info(cases)').all() as { name: string; type: string }[];
    expect(info.find((c) => c.name === 'amount')?.type).toBe('TEXT');
    expect(info.find((c) => c.name === 'fiat_amount')?.type).toBe('TEXT');
  });

  it('creates decisions (with a foreign key to cases), audit_events, quarantine and settings', () => {
    expect(columns('decisions')).toEqual(
      expect.arrayContaining(['case_id', 'kind', 'reason_codes', 'analyst', 'case_version']),
    );
    expect(columns('audit_events')).toEqual([
      'seq',
      'at',
      'actor',
      'action',
      'case_id',
      'payload',
      'payload_digest',
      'prev_hash',
      'hash',
    ]);
    expect(columns('quarantine')).toEqual(expect.arrayContaining(['source', 'location', 'reason', 'raw']));
    expect(() =>
      db
        .prepare(
          "INSERT INTO decisions (id, case_id, kind, analyst, case_version, decided_at) VALUES ('d', 'nope', 'accept', 'a', 1, 't')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('rejects an unknown direction at the database level', () => {
    expect(() =>
      db
        .prepare(
          `INSERT INTO cases (id, direction, status, asset, network, amount, transfer_time, originator_wallet, beneficiary_wallet, wallet_type, ivms101, version, created_at, updated_at, received_at)
           VALUES ('x', 'sideways', 'pending_review', 'BTC', 'bitcoin', '1', 't', 'a', 'b', 'hosted', '{}', 1, 't', 't', 't')`,
        )
        .run(),
    ).toThrow(/CHECK/);
  });
});
