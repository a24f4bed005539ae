import type { CaseRecord, CaseSummary, QueueSortColumn } from '../../src-shared/case';
import { displayNames } from '../ivms101/display-names';
import type { ReadableDB, WritableDB } from './db';

/** "1234.5" → 123450 (cents), exactly, via BigInt: a sort key, not a value used in arithmetic. */
export function toMinorUnits(decimal: string, places = 2): number | null {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!m) return null;
  const whole = BigInt(m[1] ?? '0');
  const frac = (m[2] ?? '').padEnd(places, '0').slice(0, places);
  const minor = whole * 10n ** BigInt(places) + BigInt(frac || '0');
  return minor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(minor);
}

/** 'purged': the case's retention ended and its data was removed; it is never taken in again. */
export type UpsertOutcome = 'inserted' | 'updated' | 'unchanged' | 'purged';

function row(c: CaseRecord, receivedAt: string) {
  const names = displayNames(c.ivms101);
  return {
    id: c.id,
    direction: c.direction,
    status: c.status,
    asset: c.asset,
    network: c.network,
    amount: c.amount,
    fiat_amount: c.fiatValue?.amount ?? null,
    fiat_currency: c.fiatValue?.currency ?? null,
    fiat_amount_minor: c.fiatValue ? toMinorUnits(c.fiatValue.amount) : null,
    transfer_time: c.transferTime,
    originator_wallet: c.originatorWallet,
    beneficiary_wallet: c.beneficiaryWallet,
    wallet_type: c.walletType,
    counterparty_vasp_id: c.counterparty?.vaspId ?? null,
    counterparty_name: c.counterparty?.name ?? null,
    counterparty_jurisdiction: c.counterparty?.jurisdiction ?? null,
    counterparty: c.counterparty ? JSON.stringify(c.counterparty) : null,
    originator_name: names.originator,
    beneficiary_name: names.beneficiary,
    ivms101: JSON.stringify(c.ivms101),
    aml: c.aml ? JSON.stringify(c.aml) : null,
    risk_score: c.aml?.riskScore ?? null,
    tx_hash: c.txHash,
    version: c.version,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    received_at: receivedAt,
  };
}

type Row = ReturnType<typeof row>;
type Statements = { find: Statement; purged: Statement; insert: Statement; update: Statement };
type Statement = ReturnType<WritableDB['prepare']>;
// Prepared once per connection: bulk import and sync call upsertCase thousands of times.
const statements = new WeakMap<WritableDB, Statements>();

function prepared(db: WritableDB, sample: Row): Statements {
  let s = statements.get(db);
  if (!s) {
    const cols = Object.keys(sample);
    const sets = cols.filter((k) => k !== 'id').map((k) => `${k} = @${k}`);
    s = {
      find: db.prepare('SELECT version FROM cases WHERE id = ?'),
      purged: db.prepare('SELECT 1 FROM retention_tombstones WHERE case_id = ?'),
      insert: db.prepare(`INSERT INTO cases (${cols.join(', ')}) VALUES (${cols.map((k) => '@' + k).join(', ')})`),
      update: db.prepare(`UPDATE cases SET ${sets.join(', ')} WHERE id = @id`),
    };
    statements.set(db, s);
  }
  return s;
}

/**
 * Idempotent by (id, version): a newer version replaces the row, the same or an older one is
 * ignored. Replaying the same input twice therefore changes nothing.
 */
export function upsertCase(db: WritableDB, c: CaseRecord, receivedAt: string): UpsertOutcome {
  const r = row(c, receivedAt);
  const s = prepared(db, r);
  const existing = s.find.get(c.id) as { version: number } | undefined;
  if (existing && existing.version >= c.version) return 'unchanged';
  if (!existing && s.purged.get(c.id)) return 'purged';
  (existing ? s.update : s.insert).run(r);
  return existing ? 'updated' : 'inserted';
}

const SORT_SQL: Record<QueueSortColumn, string> = {
  transferTime: 'cases.transfer_time',
  updatedAt: 'cases.updated_at',
  fiatAmount: 'cases.fiat_amount_minor',
  riskScore: 'cases.risk_score',
  status: 'cases.status',
  asset: 'cases.asset',
};

export interface ListQuery {
  offset: number;
  limit: number;
  sort: { column: QueueSortColumn; direction: 'asc' | 'desc' };
}

export function countCases(db: ReadableDB): number {
  return (db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
}

export function listCases(db: ReadableDB, q: ListQuery): CaseSummary[] {
  const col = SORT_SQL[q.sort.column];
  const dir = q.sort.direction === 'asc' ? 'ASC' : 'DESC';
  return db
    .prepare(
      `SELECT id, direction, status, asset, network, amount,
              fiat_amount AS fiatAmount, fiat_currency AS fiatCurrency,
              originator_name AS originatorName, beneficiary_name AS beneficiaryName,
              counterparty_name AS counterpartyName, counterparty_jurisdiction AS counterpartyJurisdiction,
              wallet_type AS walletType, risk_score AS riskScore,
              transfer_time AS transferTime, updated_at AS updatedAt,
              k.outcome AS ivms101Outcome, k.summary AS ivms101Summary
       FROM cases
       LEFT JOIN case_checks k ON k.case_id = cases.id AND k.check_name = 'ivms101'
       ORDER BY ${col} ${dir}, cases.id ${dir} LIMIT ? OFFSET ?`,
    )
    .all(q.limit, q.offset) as CaseSummary[];
}

function rowToRecord(r: Record<string, unknown>): CaseRecord {
  return {
    id: r.id as string,
    direction: r.direction as CaseRecord['direction'],
    status: r.status as CaseRecord['status'],
    asset: r.asset as string,
    network: r.network as string,
    amount: r.amount as string,
    ...(r.fiat_amount ? { fiatValue: { amount: r.fiat_amount as string, currency: r.fiat_currency as string } } : {}),
    transferTime: r.transfer_time as string,
    originatorWallet: r.originator_wallet as string,
    beneficiaryWallet: r.beneficiary_wallet as string,
    walletType: r.wallet_type as CaseRecord['walletType'],
    counterparty: r.counterparty ? (JSON.parse(r.counterparty as string) as CaseRecord['counterparty']) : null,
    ivms101: JSON.parse(r.ivms101 as string) as Record<string, unknown>,
    ...(r.aml ? { aml: JSON.parse(r.aml as string) as NonNullable<CaseRecord['aml']> } : {}),
    txHash: (r.tx_hash as string | null) ?? null,
    version: r.version as number,
    createdAt: r.created_at as string,
    updatedAt: r.updated_at as string,
  };
}

export function getCaseRecord(db: ReadableDB, id: string): CaseRecord | null {
  const r = db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  return r ? rowToRecord(r) : null;
}

/** Cases in id order, a page at a time (keyset paging: writes may happen between pages). */
export function casePage(db: ReadableDB, afterId: string, limit: number): CaseRecord[] {
  return (db.prepare('SELECT * FROM cases WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as Record<string, unknown>[]).map(rowToRecord);
}

export function quarantine(db: WritableDB, q: { source: string; location: string; reason: string; raw: string; at: string }): void {
  db.prepare('INSERT INTO quarantine (source, location, reason, raw, received_at) VALUES (?, ?, ?, ?, ?)').run(
    q.source,
    q.location,
    q.reason,
    q.raw,
    q.at,
  );
}
