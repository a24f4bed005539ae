import { localDisplayNames } from '../ivms101/display-names';
import type { AuditEvent } from '../audit/chain';
import type { CsvValue } from './csv';
import type { ReportCase } from './report-pdf';

// The rows an export reads, typed by the query that reads them (the column list in each SELECT is
// exactly the interface), and the mappers from a row to what each bundle file holds. Stored JSON
// columns are parsed here, once, as unknown: the bundle carries them as received.

/** cases (the export's columns) with the legal hold joined in. */
export interface CaseRow {
  id: string;
  direction: string;
  status: string;
  asset: string;
  network: string;
  amount: string;
  fiat_amount: string | null;
  fiat_currency: string | null;
  transfer_time: string;
  originator_wallet: string;
  beneficiary_wallet: string;
  wallet_type: string;
  counterparty_vasp_id: string | null;
  counterparty_name: string | null;
  counterparty_jurisdiction: string | null;
  counterparty: string | null;
  originator_name: string | null;
  beneficiary_name: string | null;
  ivms101: string;
  aml: string | null;
  risk_score: number | null;
  tx_hash: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  received_at: string;
  hold_reason: string | null;
}
export const CASE_COLUMNS =
  'c.id, c.direction, c.status, c.asset, c.network, c.amount, c.fiat_amount, c.fiat_currency, c.transfer_time, c.originator_wallet, c.beneficiary_wallet, c.wallet_type, ' +
  'c.counterparty_vasp_id, c.counterparty_name, c.counterparty_jurisdiction, c.counterparty, c.originator_name, c.beneficiary_name, c.ivms101, c.aml, c.risk_score, c.tx_hash, ' +
  'c.version, c.created_at, c.updated_at, c.received_at, h.reason AS hold_reason';

export interface DecisionRow {
  id: string;
  case_id: string;
  kind: string;
  reason_codes: string;
  note: string | null;
  analyst: string;
  case_version: number;
  decided_at: string;
  sync_state: string;
}
export const DECISION_COLUMNS = 'id, case_id, kind, reason_codes, note, analyst, case_version, decided_at, sync_state';

/**
 * case_checks as stored: a Travel Rule result's per-side citations are a reference into rule_sources
 * (migration 0022), put back by export/format.ts (expandSources) where the export writes the result.
 */
export interface CheckRow {
  case_id: string;
  check_name: string;
  outcome: string;
  summary: string;
  result: string;
  inputs_digest: string;
  engine_version: string;
  computed_at: string;
}
/** What the per-case report prints of a check (sections.ts checkSummariesFor). */
export type CheckSummaryRow = Pick<CheckRow, 'case_id' | 'check_name' | 'outcome' | 'summary'>;
export const CHECK_COLUMNS =
  'case_id, check_name, outcome, summary, result, inputs_digest, engine_version, computed_at';

/** A message as the report's thread shows it. */
export interface MailSummaryRow {
  case_id: string;
  direction: 'in' | 'out';
  subject: string;
  state: string;
  at: string;
}

export interface MessageRow {
  id: number;
  case_id: string;
  direction: string;
  kind: string;
  message_id: string;
  in_reply_to: string | null;
  refs: string | null;
  subject: string;
  from_addr: string | null;
  to_addr: string | null;
  body_text: string | null;
  body_html: string | null;
  encrypted: number;
  state: string;
  created_at: string;
  sent_at: string | null;
  received_at: string | null;
}
export const MESSAGE_COLUMNS =
  'm.id, m.case_id, m.direction, m.kind, m.message_id, m.in_reply_to, m.refs, m.subject, m.from_addr, m.to_addr, m.body_text, m.body_html, m.encrypted, m.state, m.created_at, m.sent_at, m.received_at';

export interface AttachmentRow {
  message_id: number;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  /** 0: over the size limit, only the hash was kept. */
  stored: number;
}

export interface TombstoneRow {
  case_id: string;
  direction: string;
  status: string;
  counterparty_jurisdiction: string | null;
  transfer_time: string;
  record_date: string;
  retention_years: number;
  expired_on: string;
  decision_kind: string | null;
  decided_at: string | null;
  removed_digest: string;
  purged_at: string;
  audit_seq: number;
}
export const TOMBSTONE_COLUMNS =
  'case_id, direction, status, counterparty_jurisdiction, transfer_time, record_date, retention_years, expired_on, decision_kind, decided_at, removed_digest, purged_at, audit_seq';

export interface AuditRow extends AuditEvent {
  /** 1: about a selected case (or no case), so the payload is exported; 0: header only. */
  included: number;
}

const parseJson = (text: string): unknown => JSON.parse(text);
const parseJsonOrNull = (text: string | null): unknown => (text ? parseJson(text) : null);

/** A stored JSON array of strings (reason codes); anything else reads as none. */
function stringList(text: string): string[] {
  const v = parseJson(text);
  return Array.isArray(v) ? v.map(String) : [];
}

export const CASES_CSV_HEADER = [
  'case_id',
  'direction',
  'status',
  'asset',
  'network',
  'amount',
  'fiat_amount',
  'fiat_currency',
  'transfer_time',
  'originator_name',
  'originator_wallet',
  'beneficiary_name',
  'beneficiary_wallet',
  'wallet_type',
  'counterparty_vasp_id',
  'counterparty_name',
  'counterparty_jurisdiction',
  'risk_score',
  'tx_hash',
  'travel_rule',
  // Which unverified rule versions decided the Travel Rule outcome ("FR FR-pre-TFR"), empty when every
  // deciding version was read at the source: the regulator sees it in the spreadsheet too.
  'travel_rule_unverified_rule',
  'ivms101',
  'screening',
  'legal_hold',
  'version',
  'updated_at',
];

/** The outcome of each automatic check on one case, by check name. */
export type Outcomes = (name: 'travel_rule' | 'ivms101' | 'screening') => string | undefined;

/**
 * The unverified rule versions that decided a stored Travel Rule evaluation, as one cell: "FR FR-pre-TFR"
 * (several joined by "; "), "" when none. An unreadable result says so rather than reading as verified.
 */
export function unverifiedRulesCell(result: string | undefined): string {
  if (result === undefined) return '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(result);
  } catch {
    return UNREADABLE_EVALUATION;
  }
  return unverifiedRulesOf(parsed);
}

export const UNREADABLE_EVALUATION = '(stored evaluation unreadable)';

/**
 * unverifiedRulesCell of a result already parsed (the export parses each stored result once). A list that
 * holds anything but objects (a damaged row: `[null]` stopped the export with a TypeError) is unreadable.
 */
export function unverifiedRulesOf(parsed: unknown): string {
  const list = (parsed as { unverified?: unknown } | null)?.unverified;
  if (!Array.isArray(list)) return '';
  if (!list.every((u) => typeof u === 'object' && u !== null && !Array.isArray(u))) return UNREADABLE_EVALUATION;
  return list
    .map((u: { jurisdiction?: unknown; version?: unknown }) =>
      [u.jurisdiction, u.version].filter((x): x is string => typeof x === 'string').join(' '),
    )
    .filter((x) => x)
    .join('; ');
}

export function casesCsvRow(r: CaseRow, outcome: Outcomes, unverifiedRule = ''): CsvValue[] {
  return [
    r.id,
    r.direction,
    r.status,
    r.asset,
    r.network,
    r.amount,
    r.fiat_amount,
    r.fiat_currency,
    r.transfer_time,
    r.originator_name,
    r.originator_wallet,
    r.beneficiary_name,
    r.beneficiary_wallet,
    r.wallet_type,
    r.counterparty_vasp_id,
    r.counterparty_name,
    r.counterparty_jurisdiction,
    r.risk_score,
    r.tx_hash,
    outcome('travel_rule'),
    unverifiedRule,
    outcome('ivms101'),
    outcome('screening'),
    r.hold_reason ? 'yes' : 'no',
    r.version,
    r.updated_at,
  ];
}

/** cases.jsonl: the full record, with the IVMS101 payload and the backend's AML results as received. */
export function caseRecord(r: CaseRow): Record<string, unknown> {
  return caseRecordOf(r, parseJsonOrNull(r.counterparty), parseJson(r.ivms101), parseJsonOrNull(r.aml));
}

/**
 * The same record with its stored JSON columns given (parsed, or already canonical text: export/format.ts
 * writes them without parsing where it can). A counterparty or aml column that is null or empty is null.
 */
export function caseRecordOf(
  r: CaseRow,
  counterparty: unknown,
  ivms101: unknown,
  aml: unknown,
): Record<string, unknown> {
  return {
    id: r.id,
    direction: r.direction,
    status: r.status,
    asset: r.asset,
    network: r.network,
    amount: r.amount,
    fiatValue: r.fiat_amount ? { amount: r.fiat_amount, currency: r.fiat_currency } : null,
    transferTime: r.transfer_time,
    originatorWallet: r.originator_wallet,
    beneficiaryWallet: r.beneficiary_wallet,
    walletType: r.wallet_type,
    counterparty,
    ivms101,
    aml,
    txHash: r.tx_hash,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    receivedAt: r.received_at,
    legalHold: r.hold_reason ? { reason: r.hold_reason } : null,
  };
}

export const DECISIONS_CSV_HEADER = [
  'decision_id',
  'case_id',
  'kind',
  'reason_codes',
  'note',
  'analyst',
  'case_version',
  'decided_at',
  'sync_state',
];

export function decisionCsvRow(d: DecisionRow): CsvValue[] {
  return [
    d.id,
    d.case_id,
    d.kind,
    stringList(d.reason_codes).join(';'),
    d.note,
    d.analyst,
    d.case_version,
    d.decided_at,
    d.sync_state,
  ];
}

/**
 * evaluations.jsonl: a stored check with its full result (rule versions, FX rate and time, hits).
 * `result`: the stored result parsed, its citations put back (export/format.ts); left out, k.result parsed.
 */
export function evaluationRecord(k: CheckRow, result: unknown = parseJson(k.result)): Record<string, unknown> {
  return {
    caseId: k.case_id,
    check: k.check_name,
    outcome: k.outcome,
    summary: k.summary,
    result,
    inputsDigest: k.inputs_digest,
    engineVersion: k.engine_version,
    computedAt: k.computed_at,
  };
}

/** correspondence.jsonl: one message as stored, each attachment by name, type, size and SHA-256. */
export function correspondenceRecord(m: MessageRow, attachments: readonly AttachmentRow[]): Record<string, unknown> {
  return {
    caseId: m.case_id,
    direction: m.direction,
    kind: m.kind,
    messageId: m.message_id,
    inReplyTo: m.in_reply_to,
    references: m.refs ? parseJson(m.refs) : [],
    subject: m.subject,
    from: m.from_addr,
    to: m.to_addr,
    bodyText: m.body_text,
    bodyHtml: m.body_html,
    encrypted: m.encrypted === 1,
    state: m.state,
    createdAt: m.created_at,
    sentAt: m.sent_at,
    receivedAt: m.received_at,
    attachments: attachments.map((a) => ({
      filename: a.filename,
      contentType: a.content_type,
      size: a.size,
      sha256: a.sha256,
      file: a.stored === 1 ? `attachments/${a.sha256}` : null, // over the size limit: hash only
    })),
  };
}

export const PURGED_CSV_HEADER = [
  'case_id',
  'direction',
  'status',
  'counterparty_jurisdiction',
  'transfer_time',
  'record_date',
  'retention_years',
  'expired_on',
  'decision_kind',
  'decided_at',
  'removed_sha256',
  'purged_at',
  'audit_seq',
];

export function purgedCsvRow(t: TombstoneRow): CsvValue[] {
  return [
    t.case_id,
    t.direction,
    t.status,
    t.counterparty_jurisdiction,
    t.transfer_time,
    t.record_date,
    t.retention_years,
    t.expired_on,
    t.decision_kind,
    t.decided_at,
    t.removed_digest,
    t.purged_at,
    t.audit_seq,
  ];
}

/** audit.jsonl: the event's header and payload digest always; its payload only when it is about the selection. */
export function auditRecord(e: AuditRow): Record<string, unknown> {
  const { included, payload, ...header } = e;
  return { ...header, payload: included ? payload : null, redacted: !included };
}

function withLocal(name: string | null, local: string | null): string | null {
  return local && local !== name ? `${name ?? '(no name)'} / ${local}` : name;
}

function counterpartyLine(json: string | null): string | null {
  const cp = parseJsonOrNull(json);
  if (!cp || typeof cp !== 'object') return null;
  const field = (k: string): string | undefined => {
    const v: unknown = Reflect.get(cp, k);
    return typeof v === 'string' ? v : undefined;
  };
  return `${field('name') ?? '(unnamed)'} (${field('jurisdiction') ?? '??'}, ${field('protocol') ?? 'no protocol'})`;
}

/** report.pdf: one case's section. */
export function reportCase(
  r: CaseRow,
  checks: readonly CheckSummaryRow[],
  decisions: readonly DecisionRow[],
  mail: readonly MailSummaryRow[],
): ReportCase {
  const local = localDisplayNames(parseJson(r.ivms101));
  return {
    id: r.id,
    direction: r.direction,
    status: r.status,
    asset: r.asset,
    network: r.network,
    amount: r.amount,
    fiat: r.fiat_amount ? `${r.fiat_amount} ${r.fiat_currency ?? ''}` : null,
    transferTime: r.transfer_time,
    originatorName: withLocal(r.originator_name, local.originator),
    originatorWallet: r.originator_wallet,
    beneficiaryName: withLocal(r.beneficiary_name, local.beneficiary),
    beneficiaryWallet: r.beneficiary_wallet,
    walletType: r.wallet_type,
    counterparty: counterpartyLine(r.counterparty),
    checks: checks.map((k) => ({
      name: k.check_name.replace(/_/g, ' '),
      outcome: k.outcome.replace(/_/g, ' '),
      summary: k.summary,
    })),
    decisions: decisions.map((d) => ({
      kind: d.kind,
      analyst: d.analyst,
      decidedAt: d.decided_at,
      reasonCodes: stringList(d.reason_codes),
      note: d.note,
    })),
    mail: mail.map((x) => ({ direction: x.direction, at: x.at, subject: x.subject, state: x.state })),
    legalHold: Boolean(r.hold_reason),
  };
}

/** Rows grouped by a key, in their order. */
export function groupBy<R, K>(list: readonly R[], key: (r: R) => K): Map<K, R[]> {
  const m = new Map<K, R[]>();
  for (const r of list) {
    const k = key(r);
    const group = m.get(k);
    if (group) group.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** ivms101-versions.jsonl: every version of a repaired case's record, the original as received first. */
export interface Ivms101VersionRow {
  case_id: string;
  n: number;
  kind: string;
  repair_id: string | null;
  ivms101: string;
  changes: string;
  note: string | null;
  analyst: string;
  case_version: number;
  created_at: string;
  sync_state: string | null;
}
export const IVMS101_VERSION_COLUMNS =
  'v.case_id, v.n, v.kind, v.repair_id, v.ivms101, v.changes, v.note, v.analyst, v.case_version, v.created_at, o.state AS sync_state';

export function ivms101VersionRecord(v: Ivms101VersionRow): Record<string, unknown> {
  return {
    caseId: v.case_id,
    version: v.n,
    kind: v.kind,
    repairId: v.repair_id,
    analyst: v.analyst,
    note: v.note,
    caseVersion: v.case_version,
    at: v.created_at,
    syncState: v.kind === 'repair' ? (v.sync_state ?? 'pending') : null,
    changes: parseJson(v.changes),
    ivms101: parseJson(v.ivms101),
  };
}

/** notes.csv: internal notes, every revision (a revision names the note it revises). */
export interface NoteRow {
  id: string;
  case_id: string;
  revises: string | null;
  body: string;
  mentions: string;
  author: string;
  created_at: string;
}
export const NOTE_COLUMNS = 'id, case_id, revises, body, mentions, author, created_at';
export const NOTES_CSV_HEADER = ['note_id', 'case_id', 'revises', 'author', 'created_at', 'mentions', 'body'];
export function noteCsvRow(n: NoteRow): CsvValue[] {
  return [n.id, n.case_id, n.revises, n.author, n.created_at, stringList(n.mentions).join(';'), n.body];
}
