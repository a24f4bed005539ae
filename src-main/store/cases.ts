import { isDeepStrictEqual } from 'node:util';
import {
  OPEN_STATUSES,
  type CaseRecord,
  type CaseSummary,
  type QueueFilter,
  type QueueSortColumn,
} from '../../src-shared/case';
import { cached, casesHighWater, type ReadableDB, type WritableDB } from './db';
import { WhereBuilder } from './where';

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

/**
 * The parties' names for the queue (list, sort, full-text search), read from the IVMS101 payload by
 * the caller (cases/intake.ts, with ivms101/display-names.ts): the store keeps what it is given and
 * does not read IVMS101 itself, so it stays below the engine.
 */
export interface CaseNames {
  originator: string | null;
  beneficiary: string | null;
}

/**
 * The checks' outcomes, written with the row when the intake computed them first: one write of the
 * row and its indexes instead of four (store/checks.ts keeps them in step after that).
 */
export interface CaseOutcomes {
  travelRule: string | null;
  ivms101: string | null;
  screening: string | null;
}
const OUTCOME_COLUMNS = ['travel_rule_outcome', 'ivms101_outcome', 'screening_outcome'] as const;

function row(c: CaseRecord, receivedAt: string, names: CaseNames, ivms101Text?: string) {
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
    ivms101: ivms101Text ?? JSON.stringify(c.ivms101),
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
type Statement = ReturnType<WritableDB['prepare']>;
interface Statements {
  /** The row's columns in the order the statements bind them (positionally: no lookup of 30 names a case). */
  cols: (keyof Row)[];
  find: Statement;
  purged: Statement;
  insert: Statement;
  update: Statement;
  insertWithOutcomes: Statement;
  updateWithOutcomes: Statement;
}
// Prepared once per connection: bulk import and sync call upsertCase thousands of times.
const statements = new WeakMap<WritableDB, Statements>();

function prepared(db: WritableDB, sample: Row): Statements {
  let s = statements.get(db);
  if (!s) {
    const cols = Object.keys(sample) as (keyof Row)[];
    const sets = cols.filter((k) => k !== 'id').map((k) => `${k} = ?`);
    const withOutcomes = [...cols, ...OUTCOME_COLUMNS];
    const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
    s = {
      cols,
      find: db.prepare('SELECT version FROM cases WHERE id = ?'),
      purged: db.prepare('SELECT 1 FROM retention_tombstones WHERE case_id = ?'),
      // arrived_at is written here, at the first admission, and never updated: the SLA's clock (migration 0015).
      insert: db.prepare(`INSERT INTO cases (${cols.join(', ')}, arrived_at) VALUES (${marks(cols.length + 1)})`),
      update: db.prepare(`UPDATE cases SET ${sets.join(', ')} WHERE id = ?`),
      insertWithOutcomes: db.prepare(
        `INSERT INTO cases (${withOutcomes.join(', ')}, arrived_at) VALUES (${marks(withOutcomes.length + 1)})`,
      ),
      updateWithOutcomes: db.prepare(
        `UPDATE cases SET ${[...sets, ...OUTCOME_COLUMNS.map((k) => `${k} = ?`)].join(', ')} WHERE id = ?`,
      ),
    };
    statements.set(db, s);
  }
  return s;
}

/**
 * Idempotent by (id, version): a newer version replaces the row, the same or an older one is
 * ignored. Replaying the same input twice therefore changes nothing. `stored`: the stored version
 * when the caller read it in this transaction (cases/intake.ts), so it is not read twice. `ivms101Text`:
 * JSON.stringify(c.ivms101) when the caller has it already (an intake worker wrote it).
 */
export function upsertCase(
  db: WritableDB,
  c: CaseRecord,
  receivedAt: string,
  names: CaseNames,
  outcomes?: CaseOutcomes,
  stored?: { version: number } | null,
  ivms101Text?: string,
): UpsertOutcome {
  const r = row(c, receivedAt, names, ivms101Text);
  const s = prepared(db, r);
  const existing = stored !== undefined ? stored : (s.find.get(c.id) as { version: number } | undefined);
  if (existing && existing.version >= c.version) return 'unchanged';
  if (!existing && s.purged.get(c.id)) return 'purged';
  const values: unknown[] = [];
  // An update sets every column but id, then names the row by id; an insert binds them all, then arrived_at.
  for (const k of s.cols) if (!existing || k !== 'id') values.push(r[k]);
  if (outcomes) values.push(outcomes.travelRule, outcomes.ivms101, outcomes.screening);
  values.push(existing ? r.id : r.received_at);
  (outcomes ? (existing ? s.updateWithOutcomes : s.insertWithOutcomes) : existing ? s.update : s.insert).run(values);
  return existing ? 'updated' : 'inserted';
}

/** The values the queue's filters offer: assets, jurisdictions, counterparties (by name), assignees. */
export function caseFacets(db: ReadableDB): {
  assets: string[];
  jurisdictions: string[];
  counterparties: { vaspId: string; name: string }[];
  assignees: string[];
} {
  const col = (sql: string) => (db.prepare(sql).all() as { v: string }[]).map((r) => r.v);
  return {
    // queue_counts holds a row per combination of values present among the cases (its triggers delete
    // a row whose count reaches zero): the same distinct values, without an index of their own on cases.
    assets: col('SELECT DISTINCT asset AS v FROM queue_counts ORDER BY asset'),
    jurisdictions: col(
      'SELECT DISTINCT counterparty_jurisdiction AS v FROM queue_counts WHERE counterparty_jurisdiction IS NOT NULL ORDER BY v',
    ),
    // Each with the name of its latest transfer (counterparty_names, kept by triggers: migration 0027).
    counterparties: (
      db
        .prepare(
          `SELECT q.v AS vaspId, coalesce(n.name, q.v) AS name
             FROM (SELECT DISTINCT counterparty_vasp_id AS v FROM queue_counts WHERE counterparty_vasp_id IS NOT NULL) q
             LEFT JOIN counterparty_names n ON n.vasp_id = q.v`,
        )
        .all() as { vaspId: string; name: string }[]
    ).sort((a, b) => a.name.localeCompare(b.name)),
    assignees: col('SELECT DISTINCT assigned_to AS v FROM cases WHERE assigned_to IS NOT NULL'),
  };
}

const JSON_COLUMNS = new Set(['counterparty', 'ivms101', 'aml']);

/** The stored version and status of a case, or null: what the intake rules compare an arrival with. */
export function caseHead(db: ReadableDB, id: string): { status: string; version: number } | null {
  return (
    (cached(db, 'SELECT status, version FROM cases WHERE id = ?').get(id) as
      { status: string; version: number } | undefined) ?? null
  );
}

/**
 * The stored columns in which `c` differs from the stored row of the same case (compared as stored,
 * so equal content in another key order or time offset is equal). Empty when identical or not stored.
 */
export function storedDifferences(db: ReadableDB, c: CaseRecord, names: CaseNames): string[] {
  const stored = cached(db, 'SELECT * FROM cases WHERE id = ?').get(c.id) as Record<string, unknown> | undefined;
  if (!stored) return [];
  const incoming: Record<string, unknown> = row(c, '', names);
  const same = (k: string) => {
    const a = incoming[k] ?? null;
    const b = stored[k] ?? null;
    if (a === b) return true;
    // JSON columns: the same content written with its keys in another order is the same content.
    return (
      JSON_COLUMNS.has(k) &&
      typeof a === 'string' &&
      typeof b === 'string' &&
      isDeepStrictEqual(JSON.parse(a), JSON.parse(b))
    );
  };
  return Object.keys(incoming).filter((k) => k !== 'received_at' && !same(k));
}

const SORT_SQL: Record<QueueSortColumn, string> = {
  transferTime: 'cases.transfer_time',
  updatedAt: 'cases.updated_at',
  fiatAmount: 'cases.fiat_amount_minor',
  riskScore: 'cases.risk_score',
  status: 'cases.status',
  asset: 'cases.asset',
  arrivedAt: 'cases.arrived_at',
};

/** The index whose order is each sort's order, (column, id), carrying every filter column (migration 0019). */
const SORT_INDEX: Record<QueueSortColumn, string> = {
  transferTime: 'cases_page_by_transfer_time',
  updatedAt: 'cases_page_by_updated_at',
  fiatAmount: 'cases_page_by_fiat',
  riskScore: 'cases_page_by_risk',
  status: 'cases_page_by_status',
  asset: 'cases_page_by_asset',
  arrivedAt: 'cases_page_by_arrived_at',
};
/** Every filter and sort column, narrow (migration 0010): combined filters are answered from it alone. */
const QUEUE_INDEX = 'cases_queue';
/** (risk_score, id), every filter column and every other sort column (migration 0021): a risk floor's seek. */
const RISK_INDEX = 'cases_page_by_risk';
/** (status, direction, risk_score), every sort and filter column (migration 0026): the triage view's seek. */
const TRIAGE_INDEX = 'cases_triage';
/**
 * Sort-index entries a text search's page may walk, testing the filter in each (the entries carry
 * every filter column, migration 0019), before starting from its hits instead. About 25 entries fit a
 * 4 KiB page: 40,000 is some 1,600 page reads.
 */
const WALK_ENTRIES_MAX = 40_000;

export interface ListQuery {
  offset: number;
  limit: number;
  sort: { column: QueueSortColumn; direction: 'asc' | 'desc' };
  filter?: QueueFilter;
}

export interface FilterContext {
  /** Now, for the SLA: open cases that arrived here before now − slaHours are in breach. */
  now: string;
  slaHours: number;
}

/**
 * Words become quoted prefix terms ("petr"* "ivan"*), so nothing the analyst types is read as
 * FTS5 syntax. Returns null when nothing searchable is left.
 */
export function ftsQuery(search: string): string | null {
  const words = search
    .normalize('NFC')
    .split(/[\s"]+/)
    .map((w) => w.replace(/[^\p{L}\p{N}_\-.:]/gu, ''))
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length ? words.map((w) => `"${w}"*`).join(' ') : null;
}

/** The WHERE clause for a filter, over `cases` aliased c; every value is a bound parameter. */
export function filterWhere(
  f: QueueFilter | undefined,
  ctx: FilterContext,
): { sql: string; params: Record<string, unknown>; conditions: number; search: boolean } {
  const w = new WhereBuilder();
  if (!f) return { sql: w.sql, params: w.params, conditions: 0, search: false };
  if (f.status?.length)
    w.add(
      `c.status IN (${f.status.map((_, i) => `@status${i}`).join(', ')})`,
      Object.fromEntries(f.status.map((st, i) => [`status${i}`, st])),
    );
  w.equals('c.direction', 'direction', f.direction)
    .equals('c.counterparty_jurisdiction', 'jurisdiction', f.jurisdiction)
    .equals('c.counterparty_vasp_id', 'vasp', f.counterpartyVaspId)
    .equals('c.asset', 'asset', f.asset);
  if (f.minRisk !== undefined) w.add('c.risk_score >= @minRisk', { minRisk: f.minRisk });
  if (f.missingFields) w.add("c.ivms101_outcome IN ('incomplete', 'invalid', 'unreadable')");
  if (f.sanctionsHit) w.add("c.screening_outcome IN ('potential_match', 'true_match')");
  // potential_match: at least one hit without a disposition in force (a proposed true match included).
  if (f.sanctionsAwaiting) w.add("c.screening_outcome = 'potential_match'");
  if (f.travelRule?.length)
    w.add(
      `c.travel_rule_outcome IN (${f.travelRule.map((_, i) => `@travel${i}`).join(', ')})`,
      Object.fromEntries(f.travelRule.map((o, i) => [`travel${i}`, o])),
    );
  if (f.slaBreached) {
    // From arrival in the workstation, not from the transfer's creation (issue 18 point 12).
    w.add(`c.status IN (${OPEN_STATUSES.map((x) => `'${x}'`).join(', ')}) AND c.arrived_at < @slaCutoff`, {
      slaCutoff: new Date(Date.parse(ctx.now) - ctx.slaHours * 3600_000).toISOString(),
    });
  }
  if (f.assignedTo === 'unassigned') w.add('c.assigned_to IS NULL');
  else w.equals('c.assigned_to', 'assignedTo', f.assignedTo);
  const q = f.search ? ftsQuery(f.search) : null;
  // The text search: the few hits come from the FTS index, never a scan.
  if (q) w.add('c.rowid IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH @fts)', { fts: q });
  return { sql: w.sql, params: w.params, conditions: w.conditions, search: q !== null };
}

/**
 * Past this many text-search hits, a search combined with other filters is counted over the queue
 * index (each entry tested against the hits, which SQLite gathers once) instead of reading each hit's
 * case row: "Anna" read 4,005 case rows at 100k cases (83 ms CPU) to count 696.
 */
const SEARCH_ROWS_MAX = 2000;

/**
 * Which index answers a count. One condition: its own index covers it. Two or more: the queue
 * index, which holds them all; left to itself SQLite picks one condition's index and reads a case
 * row per entry to test the rest (8 s at a million cases). A text search starts from its hits when
 * they are few, else from the queue index.
 */
function countIndex(w: Where, hits: number | undefined, index = QUEUE_INDEX): string {
  if (w.search) return hits !== undefined && hits > SEARCH_ROWS_MAX ? `INDEXED BY ${QUEUE_INDEX}` : '';
  return w.conditions >= 2 ? `INDEXED BY ${index}` : '';
}

/** A text search's hits, counted in the FTS index alone. */
function searchHits(db: ReadableDB, w: Where): number {
  return (cached(db, 'SELECT count(*) AS n FROM cases_fts WHERE cases_fts MATCH ?').get(w.params.fts) as { n: number })
    .n;
}

/**
 * A filter of plain row values only (no SLA, no text search; a risk floor in tens) is counted from
 * `queue_counts` (migration 0018: cases per combination of those values, kept by triggers): a sum over
 * its rows instead of a count over up to a million index entries. The WHERE clause is the same text
 * (the columns have the same names there), the risk floor read as a band: risk_score >= 10k exactly
 * when its band, risk_score / 10 truncated, is >= k (k >= 1).
 */
function countsQuery(
  filter: QueueFilter | undefined,
  ctx: FilterContext,
): { sql: string; params: Record<string, unknown> } | null {
  if (filter?.slaBreached) return null;
  const risk = filter?.minRisk;
  if (risk !== undefined && !(Number.isInteger(risk) && risk >= 10 && risk % 10 === 0)) return null;
  const w = filterWhere(risk === undefined ? filter : { ...filter, minRisk: undefined }, ctx);
  if (w.search) return null;
  const band = risk === undefined ? '' : ` AND c.risk_band >= ${risk / 10}`;
  return { sql: `SELECT coalesce(sum(c.n), 0) AS n FROM queue_counts c WHERE ${w.sql}${band}`, params: w.params };
}

/**
 * The count's statement, exported so a test can read its query plan. `hits`: a text search's hits,
 * when the filter has one and other conditions besides.
 */
export function countQuery(
  filter: QueueFilter | undefined,
  ctx: FilterContext,
  hits?: number,
  /** The index a combined filter without a search is counted over (countCases picks the narrower seek). */
  index?: typeof QUEUE_INDEX | typeof TRIAGE_INDEX,
): { sql: string; params: Record<string, unknown> } {
  const counts = countsQuery(filter, ctx);
  if (counts) return counts;
  const w = filterWhere(filter, ctx);
  // A search alone is its hits, counted in the FTS index (kept in step with cases by triggers): no case row is read.
  if (w.search && w.conditions === 1)
    return { sql: 'SELECT count(*) AS n FROM cases_fts WHERE cases_fts MATCH @fts', params: { fts: w.params.fts } };
  return { sql: `SELECT count(*) AS n FROM cases c ${countIndex(w, hits, index)} WHERE ${w.sql}`, params: w.params };
}

export function countCases(
  db: ReadableDB,
  filter?: QueueFilter,
  ctx: FilterContext = { now: new Date().toISOString(), slaHours: 24 },
): number {
  const sla = filter?.slaBreached ? slaCount(db, filter, ctx) : null;
  if (sla !== null) return sla;
  const w = filterWhere(filter, ctx);
  const q = countQuery(
    filter,
    ctx,
    w.search && w.conditions > 1 ? searchHits(db, w) : undefined,
    countSeek(db, filter, ctx, w),
  );
  return (db.prepare(q.sql).get(q.params) as { n: number }).n;
}

/**
 * The index a count that queue_counts cannot answer seeks (a risk floor outside the tens, an SLA):
 * the triage index when its range holds fewer entries than the queue index's ("risk ≥ 95" among
 * pending deposits: the cases at 90 and above, not every pending deposit).
 */
export function countSeek(
  db: ReadableDB,
  filter: QueueFilter | undefined,
  ctx: FilterContext,
  w: Where,
): typeof QUEUE_INDEX | typeof TRIAGE_INDEX {
  if (w.search || w.conditions < 2 || countsQuery(filter, ctx)) return QUEUE_INDEX;
  const triage = triageRange(db, filter, ctx);
  if (triage === null) return QUEUE_INDEX;
  const rows = casesHighWater(db);
  return triage < queueRange(db, filter, ctx, rows) ? TRIAGE_INDEX : QUEUE_INDEX;
}

/** Past this many cases arrived within the SLA, "SLA breached" is counted from the indexes instead. */
const SLA_RECENT_MAX = 5000;

/**
 * "SLA breached" moves with the clock, so no kept count holds it. But breached = open − open and
 * arrived within the SLA (or with no arrival time), and the latter are the few recent cases, found by
 * seeking the arrival index: the open count comes from `queue_counts`. Null when that does not apply
 * (many recent arrivals, or a condition `queue_counts` cannot answer).
 */
function slaCount(db: ReadableDB, filter: QueueFilter, ctx: FilterContext): number | null {
  const cutoff = new Date(Date.parse(ctx.now) - ctx.slaHours * 3600_000).toISOString();
  const recent = cached(
    db,
    'SELECT (SELECT count(*) FROM cases INDEXED BY cases_page_by_arrived_at WHERE arrived_at >= ?) + (SELECT count(*) FROM cases INDEXED BY cases_page_by_arrived_at WHERE arrived_at IS NULL) AS n',
  ).get(cutoff) as { n: number };
  if (recent.n > SLA_RECENT_MAX) return null;
  const open: QueueFilter = {
    ...filter,
    slaBreached: undefined,
    status: (filter.status ?? [...OPEN_STATUSES]).filter((st) => (OPEN_STATUSES as readonly string[]).includes(st)),
  };
  if (!open.status?.length) return 0;
  const all = countsQuery(open, ctx);
  if (!all) return null;
  const w = filterWhere(open, ctx);
  const young = (range: string) =>
    (
      db
        .prepare(`SELECT count(*) AS n FROM cases c INDEXED BY cases_page_by_arrived_at WHERE ${range} AND ${w.sql}`)
        .get({ ...w.params, slaYoung: cutoff }) as { n: number }
    ).n;
  const total = (db.prepare(all.sql).get(all.params) as { n: number }).n;
  return total - young('c.arrived_at >= @slaYoung') - young('c.arrived_at IS NULL');
}

type Where = ReturnType<typeof filterWhere>;

/**
 * Which index finds a page's rows, by the index entries each way reads. Walking the sort index in
 * order tests the filter in each entry (no case row is read): about (offset + limit) × cases / matches
 * of them, cheap near the top of a broad filter, hopeless deep into a narrow one. Seeking reads only
 * the entries in range and sorts the matches among them: the queue index over the filter's leading
 * equalities in its column order, or the risk index from the risk floor (both carry every filter and
 * sort column, migrations 0019 and 0021). Only the page's rows are then read. A text search is walked
 * while the walk is short, else starts from its hits; its hits are gathered once, and the walk tests
 * each entry's rowid against them ("Anna", 4,005 hits at 100k cases: 88 ms CPU reading and sorting
 * every hit's row for a page of 100).
 */
function pageIndex(db: ReadableDB, w: Where, q: ListQuery, ctx: FilterContext, matches: number | undefined): string {
  const sorted = `INDEXED BY ${SORT_INDEX[q.sort.column]}`;
  if (w.conditions === 0) return sorted;
  const rows = casesHighWater(db);
  const walk = matches ? ((q.offset + q.limit) * rows) / matches : Infinity;
  if (w.search) return walk <= WALK_ENTRIES_MAX ? sorted : '';
  // "jurisdiction TR" (1,063 of 100k cases): a walk of 9,400 entries, a seek of 1,063 (7.1 → 1.4 ms CPU, cold).
  const sortCost = matches ?? 0;
  const seek = queueRange(db, q.filter, ctx, rows) + sortCost;
  const best = walk <= seek ? sorted : `INDEXED BY ${QUEUE_INDEX}`;
  const cost = Math.min(walk, seek);
  const floor = q.filter?.minRisk;
  let pick = best;
  let least = cost;
  if (floor !== undefined) {
    // The entries a seek of the risk index reads, from queue_counts (cases per band of ten; a floor
    // within a band counts its whole band, at least the range): counting them in the index itself read
    // them all, cold, before the page did (26,844 entries for "risk ≥ 90" at a million cases, ~25 ms).
    const risk = riskSeekEntries(db, floor) + sortCost;
    if (risk < least) [pick, least] = [`INDEXED BY ${RISK_INDEX}`, risk];
  }
  const triage = triageRange(db, q.filter, ctx);
  if (triage !== null && triage + sortCost < least) pick = `INDEXED BY ${TRIAGE_INDEX}`;
  return pick;
}

/**
 * A risk floor as queue_counts can count it, which knows the risk in bands of ten: the floor of its
 * band (counting at least the range), or undefined below 10 (every case).
 */
function riskBandFloor(minRisk: number): number | undefined {
  const band = Math.floor(minRisk / 10) * 10;
  return band >= 10 ? band : undefined;
}

/**
 * The triage index's entries a seek on the filter reads (migration 0026: status, direction, risk
 * score): the cases of its statuses, of its direction if it has one, and then at or above its risk
 * floor's band of ten (at least the range), from queue_counts. Null without a status to seek (an SLA
 * filter's are the open ones), or when queue_counts cannot count the prefix.
 */
export function triageRange(db: ReadableDB, f: QueueFilter | undefined, ctx: FilterContext): number | null {
  const status = f?.status?.length ? f.status : f?.slaBreached ? [...OPEN_STATUSES] : undefined;
  if (!status) return null;
  const sub: QueueFilter = { status };
  if (f?.direction !== undefined) {
    sub.direction = f.direction;
    const band = f.minRisk === undefined ? undefined : riskBandFloor(f.minRisk);
    if (band !== undefined) sub.minRisk = band;
  }
  const c = countsQuery(sub, ctx);
  return c ? (cached(db, c.sql).get(c.params) as { n: number }).n : null;
}

/**
 * The risk index's entries a seek from a risk floor reads, at least: cases with a risk score at or
 * above the floor's band of ten, summed in queue_counts (exact for a floor in tens).
 */
export function riskSeekEntries(db: ReadableDB, floor: number): number {
  const band = Math.max(0, Math.floor(floor / 10));
  return (
    cached(db, 'SELECT coalesce(sum(n), 0) AS n FROM queue_counts WHERE risk_band >= ?').get(band) as { n: number }
  ).n;
}

/**
 * The queue index's entries a seek on the filter reads: those matching its conditions on the index's
 * leading columns, up to the first column the filter leaves free (SQLite seeks equalities and IN lists
 * on a prefix, then one range). Counted from queue_counts; every case when the filter does not
 * constrain the first column (status).
 */
function queueRange(db: ReadableDB, f: QueueFilter | undefined, ctx: FilterContext, rows: number): number {
  if (!f) return rows;
  const status = f.status?.length ? f.status : f.slaBreached ? [...OPEN_STATUSES] : undefined;
  // cases_queue's columns in order, each with the part of the filter on it (migration 0019).
  const prefix: [keyof QueueFilter, unknown][] = [
    ['status', status],
    ['direction', f.direction],
    ['jurisdiction', f.jurisdiction],
    ['asset', f.asset],
    ['missingFields', f.missingFields],
    ['sanctionsHit', f.sanctionsHit ?? f.sanctionsAwaiting],
    ['travelRule', f.travelRule?.length ? f.travelRule : undefined],
    ['assignedTo', f.assignedTo],
    ['minRisk', f.minRisk],
  ];
  const sub: QueueFilter = {};
  for (const [key, value] of prefix) {
    if (value === undefined || value === false) break;
    if (key === 'sanctionsHit')
      Object.assign(sub, f.sanctionsHit ? { sanctionsHit: true } : { sanctionsAwaiting: true });
    else if (key === 'minRisk') {
      const band = riskBandFloor(value as number);
      if (band !== undefined) sub.minRisk = band;
    } else Object.assign(sub, { [key]: value });
  }
  if (!Object.keys(sub).length) return rows;
  const c = countsQuery(sub, ctx);
  return c ? (db.prepare(c.sql).get(c.params) as { n: number }).n : rows;
}

/** Where the previous page of the same query ended (its last row's sort key and id), and when. */
interface Cursor {
  key: unknown;
  id: string;
  /** The store's state it was read in (see storeStamp): a cursor from another state is not used. */
  stamp: string;
}
const cursors = new WeakMap<ReadableDB, Map<string, Cursor>>();
const CURSORS_MAX = 64;

/**
 * Changes whenever the store may have changed: data_version when another connection commits,
 * total_changes() when this one writes. Equal stamps: no row moved between the two reads.
 */
function storeStamp(db: ReadableDB): string {
  const version = db.pragma('data_version', { simple: true }) as number;
  const changes = (cached(db, 'SELECT total_changes() AS n').get() as { n: number }).n;
  return `${version}:${changes}`;
}

const cursorKey = (w: Where, q: ListQuery, position: number) =>
  JSON.stringify([w.sql, w.params, q.sort.column, q.sort.direction, position]);

/**
 * The cursor for a page starting at q.offset, when the page before it was listed in this very state
 * of the store: then the rows from q.offset on are exactly those after that page's last row in the
 * sort order (column, id), and the page is found by seeking there instead of skipping q.offset entries.
 */
function cursorFor(db: ReadableDB, w: Where, q: ListQuery): Cursor | undefined {
  if (q.offset === 0) return undefined;
  const c = cursors.get(db)?.get(cursorKey(w, q, q.offset));
  return c && c.stamp === storeStamp(db) ? c : undefined;
}

function remember(db: ReadableDB, key: string, c: Cursor): void {
  let m = cursors.get(db);
  if (!m) cursors.set(db, (m = new Map()));
  m.delete(key);
  m.set(key, c);
  // The oldest first: a long scroll keeps only its recent pages' ends.
  if (m.size > CURSORS_MAX) m.delete(m.keys().next().value!);
}

/**
 * The statement finding a page's rowids (exported so a test can read its query plan). With a cursor
 * (keyset paging) the rows after the previous page's last one are sought: SQLite puts NULL first in
 * ascending order and last in descending, so the rows after a key are the greater (or smaller) keys
 * plus, on the NULL side, the NULL keys; each part is a seek in the sort index, in order.
 */
export function pageQuery(
  db: ReadableDB,
  q: ListQuery,
  ctx: FilterContext,
  matches?: number,
  after?: Cursor,
): { sql: string; params: Record<string, unknown> } {
  const w = filterWhere(q.filter, ctx);
  const dir = q.sort.direction === 'asc' ? 'ASC' : 'DESC';
  const col = SORT_SQL[q.sort.column].replace('cases.', 'c.');
  const index = pageIndex(db, w, after ? { ...q, offset: 0 } : q, ctx, matches);
  const part = (cond: string | null, offset: string) =>
    `SELECT c.rowid AS rid FROM cases c ${index} WHERE ${w.sql}${cond ? ` AND ${cond}` : ''} ORDER BY ${col} ${dir}, c.id ${dir} LIMIT @limit OFFSET ${offset}`;
  if (!after) return { sql: part(null, '@offset'), params: { ...w.params, limit: q.limit, offset: q.offset } };
  const asc = dir === 'ASC';
  const parts =
    after.key === null
      ? asc
        ? [`${col} IS NULL AND c.id > @afterId`, `${col} IS NOT NULL`]
        : [`${col} IS NULL AND c.id < @afterId`]
      : asc
        ? [`(${col}, c.id) > (@afterKey, @afterId)`]
        : [`(${col}, c.id) < (@afterKey, @afterId)`, `${col} IS NULL`];
  return {
    sql:
      parts.length === 1
        ? part(parts[0]!, '0')
        : parts.map((p) => `SELECT rid FROM (${part(p, '0')})`).join(' UNION ALL '),
    params: {
      ...w.params,
      limit: q.limit,
      afterId: after.id,
      ...(after.key === null ? {} : { afterKey: after.key }),
    },
  };
}

/**
 * One page of the queue's statement (exported so a test can read its query plan). The page's rowids
 * are found first over the sort index alone (so a deep OFFSET skips index entries, not whole rows; a
 * page following one just listed seeks its start instead), then only those rows are read, from
 * queue_rows (migration 0025: the columns a queue row shows, kept by triggers with `cases` and the
 * IVMS101 summary of case_checks; a case row itself is read through its overflow pages, its shown
 * columns lying after the IVMS101 payload). CROSS JOIN keeps that order (left to itself, SQLite
 * walked every case in sort order probing the page's rowids, 70 ms at 100k cases).
 */
export function listQuery(
  db: ReadableDB,
  q: ListQuery,
  ctx: FilterContext,
  matches?: number,
): { sql: string; params: Record<string, unknown>; keyset: boolean } {
  const col = SORT_SQL[q.sort.column].replace('cases.', 'r.');
  const dir = q.sort.direction === 'asc' ? 'ASC' : 'DESC';
  const after = cursorFor(db, filterWhere(q.filter, ctx), q);
  const page = pageQuery(db, q, ctx, matches, after);
  return {
    sql: `WITH page AS (${page.sql})
       SELECT r.id, direction, status, asset, network, amount,
              fiat_amount AS fiatAmount, fiat_currency AS fiatCurrency,
              originator_name AS originatorName, beneficiary_name AS beneficiaryName,
              counterparty_name AS counterpartyName, counterparty_jurisdiction AS counterpartyJurisdiction,
              wallet_type AS walletType, risk_score AS riskScore,
              transfer_time AS transferTime, updated_at AS updatedAt, created_at AS createdAt, arrived_at AS arrivedAt,
              assigned_to AS assignedTo,
              ivms101_outcome AS ivms101Outcome, ivms101_summary AS ivms101Summary,
              travel_rule_outcome AS travelRuleOutcome, screening_outcome AS screeningOutcome,
              EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = r.id AND d.sync_state = 'pending') AS waitingToSync,
              EXISTS (SELECT 1 FROM decision_proposals p WHERE p.case_id = r.id AND p.state = 'awaiting_approval') AS awaitingApproval,
              ${col} AS sortKey
       FROM page CROSS JOIN queue_rows r ON r.rid = page.rid
       ORDER BY ${col} ${dir}, r.id ${dir}
       LIMIT @limit`,
    params: page.params,
    keyset: after !== undefined,
  };
}

/** One page of the queue (see listQuery); remembers where it ended, for the page after it. */
export function listCases(
  db: ReadableDB,
  q: ListQuery,
  ctx: FilterContext = { now: new Date().toISOString(), slaHours: 24 },
  matches?: number,
): CaseSummary[] {
  const stamp = storeStamp(db);
  const l = listQuery(db, q, ctx, matches);
  const rows = db.prepare(l.sql).all(l.params) as (Omit<CaseSummary, 'waitingToSync' | 'awaitingApproval'> & {
    waitingToSync: number;
    awaitingApproval: number;
    sortKey: unknown;
  })[];
  const last = rows.at(-1);
  if (last && rows.length === q.limit)
    remember(db, cursorKey(filterWhere(q.filter, ctx), q, q.offset + rows.length), {
      key: last.sortKey,
      id: last.id,
      stamp,
    });
  return rows.map(({ sortKey: _, ...r }) => ({
    ...r,
    waitingToSync: r.waitingToSync === 1,
    awaitingApproval: r.awaitingApproval === 1,
  }));
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
  return (
    db.prepare('SELECT * FROM cases WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as Record<string, unknown>[]
  ).map(rowToRecord);
}

export function quarantine(
  db: WritableDB,
  q: { source: string; location: string; reason: string; raw: string; at: string },
): void {
  cached(db, 'INSERT INTO quarantine (source, location, reason, raw, received_at) VALUES (?, ?, ?, ?, ?)').run(
    q.source,
    q.location,
    q.reason,
    q.raw,
    q.at,
  );
}
