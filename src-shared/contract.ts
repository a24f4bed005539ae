import { z } from 'zod';
import { THEMES, ZOOM_STEPS, type Theme } from './appearance';
import type { CaseRecord } from './case';
import { CLEAR_REASONS, TRAVEL_RULE_OUTCOMES, type ClearReason, type Ivms101Check, type StoredCheck } from './checks';
import {
  CASE_STATUSES,
  DIRECTIONS,
  LIST_SOURCES,
  MIN_PASSPHRASE_LENGTH,
  QUEUE_SORT_COLUMNS,
  REASON_CODE_NAMES,
  type CaseSummary,
  type ListSource,
  type QueueFilter,
} from './domain';

export { MIN_PASSPHRASE_LENGTH };

// The one API between the UI and the core. Every transport (Electron IPC, the browser-mode
// HTTP bridge) is generic over this map, and the dispatcher validates each input with its schema.

interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  /** Phantom: carries the output type only. */
  readonly output?: O;
}
const method =
  <O>() =>
  <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input });

const empty = z.object({}).strict();
/** Passphrases cross the transport (the analyst types them); derived keys never do. */
const passphrase = z.string().min(1).max(1024);
const analystName = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N} ._:'-]{2,60}$/u, "2–60 letters, digits, spaces or . _ : ' -");

const caseId = z.string().min(1).max(64);
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const columnId = z.string().regex(/^[A-Za-z0-9_]{1,40}$/, 'a column id');
const querySort = z.object({ column: z.enum(QUEUE_SORT_COLUMNS), direction: z.enum(['asc', 'desc']) }).strict();
const queueFilter = z
  .object({
    status: z.array(z.enum(CASE_STATUSES)).max(CASE_STATUSES.length).optional(),
    direction: z.enum(DIRECTIONS).optional(),
    jurisdiction: countryCode.optional(),
    counterpartyVaspId: z.string().min(1).max(100).optional(),
    asset: z.string().min(1).max(20).optional(),
    minRisk: z.number().int().min(0).max(100).optional(),
    missingFields: z.boolean().optional(),
    sanctionsHit: z.boolean().optional(),
    sanctionsAwaiting: z.boolean().optional(),
    travelRule: z.array(z.enum(TRAVEL_RULE_OUTCOMES)).min(1).max(TRAVEL_RULE_OUTCOMES.length).optional(),
    slaBreached: z.boolean().optional(),
    assignedTo: z.string().min(1).max(100).optional(),
    search: z.string().max(200).optional(),
  })
  .strict();
const fourEyesPolicy = z
  .object({
    riskScoreAtLeast: z.number().int().min(0).max(100).nullable(),
    onSanctionsHit: z.boolean(),
    valueAtLeast: z
      .object({ amount: z.string().regex(/^\d+(\.\d+)?$/), currency: z.string().regex(/^[A-Z]{3}$/) })
      .strict()
      .nullable(),
  })
  .strict();

/** A mail server as the analyst sets it; mail/config.ts stores it with the password required. */
export const mailServerSchema = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65535),
    secure: z.boolean(),
    user: z.string().min(1).max(255),
    /** Omitted: keep the one stored. */
    password: z.string().min(1).max(1024).optional(),
    allowInsecureLoopback: z.boolean().default(false),
  })
  .strict();

/** Mail settings as the analyst sends them (mail.configure); mail/config.ts derives the stored form from it. */
export const MAIL_DATA_MODES = ['inline', 'encrypted_attachment'] as const;
export const mailSettingsInputSchema = z
  .object({
    smtp: mailServerSchema,
    imap: mailServerSchema,
    /** Our compliance address: From, and the mailbox that receives replies (and a copy of what we send). */
    address: z.email(),
    displayName: z.string().min(1).max(100),
    /** How personal data travels: in the body (encrypted when the counterparty's key is on file) or only as an encrypted attachment. */
    dataMode: z.enum(MAIL_DATA_MODES),
  })
  .strict();

export type VaultState = 'absent' | 'locked' | 'unlocked';

export interface AppStatus {
  vault: VaultState;
  dataDir: string;
  version: string;
  /** Whether "remember on this device" (Electron safeStorage) can be offered here. */
  deviceUnlockAvailable: boolean;
  deviceUnlockEnrolled: boolean;
  idleLockMinutes: number;
  mode: 'electron' | 'browser' | 'cli';
  /** Who is signed in (null while locked): every action is theirs. */
  analyst: { name: string; role: AnalystRole } | null;
  /** Light, dark or the OS's choice, and the page zoom: the sign-in screen follows them too. */
  appearance: { theme: Theme; zoom: number };
}

export const ANALYST_ROLES = ['analyst', 'supervisor'] as const;
export type AnalystRole = (typeof ANALYST_ROLES)[number];

/** One analyst of this workstation, as a supervisor sees the roster. */
export interface AnalystEntry {
  name: string;
  role: AnalystRole;
  state: 'invited' | 'active' | 'removed';
  enrolledBy: string;
  enrolledAt: string;
  removedBy: string | null;
  removedAt: string | null;
}

export interface FourEyesPolicy {
  /** A backend risk score at or above this needs a second analyst (null: not a criterion). */
  riskScoreAtLeast: number | null;
  /** A potential or true sanctions match needs a second analyst. */
  onSanctionsHit: boolean;
  /** A value at or above this needs a second analyst (null: not a criterion). */
  valueAtLeast: { amount: string; currency: string } | null;
}

export interface Settings {
  idleLockMinutes: number;
  homeJurisdiction: string;
  slaHours: number;
  fourEyes: FourEyesPolicy;
  retentionSchedule: 'daily' | 'off';
  /** The backend's address; its token is write-only (kept in the vault, never read back). */
  backendUrl: string | null;
  analyst: string;
}

export interface DecisionView {
  id: string;
  kind: 'accept' | 'reject' | 'request_information';
  reasonCodes: string[];
  note: string | null;
  analyst: string;
  approvedBy: string | null;
  caseVersion: number;
  decidedAt: string;
  /** pending: waiting to sync; acked: the backend has it; conflict / rejected: it did not land. */
  syncState: 'pending' | 'acked' | 'conflict' | 'rejected';
  syncError: string | null;
}

export interface Proposal {
  id: string;
  caseId: string;
  kind: 'accept' | 'reject' | 'request_information';
  reasonCodes: string[];
  note: string | null;
  proposedBy: string;
  proposedAt: string;
  caseVersion: number;
  why: string[];
  state: 'awaiting_approval' | 'approved' | 'declined' | 'withdrawn';
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
}

export interface ConflictView {
  id: number;
  ours: { kind: string; reasonCodes: string[]; note: string | null; analyst: string; decidedAt: string };
  theirs: { status?: string; version?: number } | null;
  detectedAt: string;
  resolvedAt: string | null;
  resolution: string | null;
}

export interface TimelineEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown> | null;
}

/** One case with everything the automatic checks found, each with its why. */
export interface CaseDetail {
  record: CaseRecord;
  checks: StoredCheck<unknown>[];
  decisions: DecisionView[];
  proposals: Proposal[];
  conflicts: ConflictView[];
  timeline: TimelineEvent[];
  legalHold: { reason: string; setBy: string; setAt: string } | null;
  assignedTo: string | null;
  /** Why a decision on this case needs a second analyst; empty when it does not. */
  fourEyes: string[];
  /** What stops a decision now, if anything (e.g. "waiting to sync", "awaiting approval", a closed status). */
  decidable: { ok: boolean; reason: string | null };
  /** The e-mail thread with the counterparty, oldest first. */
  mail: MailView[];
  /**
   * The IVMS101 record's versions, oldest first: empty until the first repair, then the record as
   * received (1) and each repair. `record.ivms101` is the newest (a repair waiting to sync included).
   */
  ivms101Versions: Ivms101VersionView[];
  /**
   * Check results that later ones replaced (a new rule pack, FX rate, list or disposition), kept as they
   * were: oldest first per check. The one in force at a decision is the one computed before it and
   * superseded after it.
   */
  supersededChecks: SupersededCheckView[];
  /** Internal notes and their revisions, oldest first; never sent to a counterparty. */
  notes: CaseNoteView[];
}

/** A check result that a later one replaced; the full result stays in the case database (case_check_versions). */
export interface SupersededCheckView {
  name: string;
  n: number;
  outcome: string;
  summary: string;
  engineVersion: string;
  computedAt: string;
  supersededAt: string;
}

/** One version of a case's IVMS101 record (issue 18, 9). */
export interface Ivms101VersionView {
  n: number;
  kind: 'received' | 'repair';
  repairId: string | null;
  ivms101: Record<string, unknown>;
  /** Against the version before, by JSON Pointer; an absent side is a field added or removed. */
  changes: { path: string; before?: unknown; after?: unknown }[];
  /** Why the analyst changed it. */
  note: string | null;
  analyst: string;
  caseVersion: number;
  createdAt: string;
  syncState: 'pending' | 'acked' | 'conflict' | 'rejected' | null;
  syncError: string | null;
}

export interface CaseNoteView {
  id: string;
  revises: string | null;
  body: string;
  mentions: string[];
  author: string;
  createdAt: string;
}

/** What the checks would say of a record being repaired (the checks' own validator), before it is saved. */
export interface RepairPreview {
  check: Ivms101Check;
  summary: string;
  changes: { path: string; before?: unknown; after?: unknown }[];
  /** Errors inside the changed fields: saving is refused while there are any. */
  blocking: string[];
}

/** The IVMS101 data model as data (src-main/ivms101/schema.ts), for the repair form: both editions. */
export interface Ivms101SchemaView {
  root: string;
  components: Record<string, Ivms101FieldView[]>;
}
export interface Ivms101FieldView {
  /** The 101.2023 name. */
  name: string;
  /** The 2020 name where different. */
  name2020: string | null;
  /** Other standard spellings the reader accepts (to find a member written so). */
  alt: string[];
  min: number;
  /** null: unbounded. */
  max: number | null;
  type:
    | { t: 'text' | 'local'; max: number }
    | { t: 'code'; codes: string[] }
    | { t: 'country' | 'date' | 'ra' | 'number' }
    | { t: 'comp'; comp: string };
  /** Present in one edition only. */
  only: '2020' | '2023' | null;
}

export interface QueueFacets {
  assets: string[];
  jurisdictions: string[];
  counterparties: { vaspId: string; name: string }[];
  analysts: string[];
}

export interface SavedView {
  name: string;
  filter: QueueFilter;
  sort: { column: (typeof QUEUE_SORT_COLUMNS)[number]; direction: 'asc' | 'desc' };
  createdBy: string;
}

/**
 * How the analyst arranged the queue's columns: their order, widths (px) and which are hidden, and
 * whether times read in UTC or local time. Kept per saved view ('' is the queue without a view).
 */
export interface QueueLayout {
  order: string[];
  sizes: Record<string, number>;
  hidden: string[];
  times: 'utc' | 'local';
}

/** One action for many cases from the queue's multi-select (`cases.bulk`). */
export type BulkAction =
  | { kind: 'assign'; analyst: string | null }
  | { kind: 'accept' | 'reject' | 'request_information'; reasonCodes: string[]; note?: string | undefined };

/** What became of one case in a bulk action: done, proposed for a second analyst (four eyes), or refused and why. */
export interface BulkItemResult {
  caseId: string;
  outcome: 'done' | 'proposed' | 'refused';
  message: string;
}

/** The most cases one bulk action takes, and the most rows one queue CSV holds. */
export const MAX_BULK_CASES = 500;
export const MAX_QUEUE_CSV_ROWS = 100_000;

export interface Dashboard {
  asOf: string;
  slaHours: number;
  byStatus: { status: string; count: number }[];
  /** Cases by Travel Rule outcome (null: not evaluated yet), including "not_required" and the "prohibited" red flag. */
  byTravelRule: { outcome: string | null; count: number }[];
  /** Cases per day by transfer time over the range (the last 30 days by default). */
  volume: { day: string; withdrawals: number; deposits: number }[];
  /** The days the volume covers (UTC), and the analyst the figures are narrowed to, if any. */
  range: { from: string; to: string };
  analyst: string | null;
  /** Per analyst (null: unassigned): open cases, those past the SLA, decisions taken in the range. */
  byAnalyst: {
    analyst: string | null;
    open: number;
    breached: number;
    accepted: number;
    rejected: number;
    requestedInformation: number;
  }[];
  /** Open cases past the SLA (counted from arrival in the workstation), by status. */
  slaBreaches: { status: string; count: number }[];
  slaBreachTotal: number;
  /** Decisions per ISO week, the last 12 weeks. */
  decisions: {
    week: string;
    accept: number;
    reject: number;
    requestInformation: number;
    rejectionRate: number | null;
  }[];
}

/** report.pdf: a summary beside the machine-readable files, or also one section per case. */
export const EXPORT_PDF_MODES = ['summary', 'per-case'] as const;
export type ExportPdfMode = (typeof EXPORT_PDF_MODES)[number];

export interface ExportJob {
  id: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  selection: { from: string; to: string; jurisdiction: string | null; direction: string | null; status: string | null };
  /** What report.pdf holds: as asked, null for "by size" until the export has chosen (then as chosen). */
  pdf: ExportPdfMode | null;
  phase: string;
  done: number;
  total: number;
  out: string;
  publicKeyFile: string | null;
  manifestSha256: string | null;
  error: string | null;
  startedAt: string;
}

/** Something an analyst should hear about (issue 18 point 14); the text carries no personal data. */
export interface NotificationItem {
  id: string;
  kind: 'reply' | 'high_risk' | 'four_eyes';
  caseId: string;
  at: string;
  text: string;
  unread?: boolean;
}

export interface Notifications {
  items: NotificationItem[];
  unread: number;
}

export interface MailPreview {
  to: string;
  subject: string;
  body: string;
  /** Encrypted with the counterparty's OpenPGP key at sending. */
  encrypted: boolean;
  /** The encrypted attachment that carries the data, when settings say so. */
  attachment: string | null;
}

export interface MailView {
  id: number;
  direction: 'out' | 'in';
  kind: string;
  subject: string;
  from: string | null;
  to: string | null;
  /** out: queued → sending → sent; in: matched, triage, attached. */
  state: string;
  encrypted: boolean;
  createdAt: string;
  sentAt: string | null;
  receivedAt: string | null;
  bodyText: string | null;
  attachments: { id: number; filename: string; size: number; stored: boolean }[];
  lastError: string | null;
  triageReason: string | null;
  caseId: string | null;
}

/** A stored mail server as the UI may see it: no password, only whether one is set. */
export type MailServerView = Omit<z.infer<typeof mailServerSchema>, 'password'> & { passwordSet: boolean };

export interface MailSettingsView {
  config:
    | (Omit<z.infer<typeof mailSettingsInputSchema>, 'smtp' | 'imap'> & { smtp: MailServerView; imap: MailServerView })
    | null;
  templates: Record<string, { subject: string; body: string }>;
  keys: { vaspId: string; fingerprint: string }[];
  status: { queued: number; uncertain: number; triage: number; lastError: string | null };
}

export interface RetentionReport {
  today: string;
  dryRun: boolean;
  purged: string[];
  held: string[];
  unsynced: string[];
}

export interface RulesStatus {
  jurisdictions: number;
  digest: string;
  /** Rule files that failed to load: transfers touching these jurisdictions cannot be evaluated. */
  errors: { file: string; field: string; message: string }[];
}

export interface SanctionsListVersion {
  id: number;
  source: ListSource;
  label: string;
  publishedAt: string | null;
  importedAt: string;
  entryCount: number;
  active: boolean;
  digest: string;
  importedBy: string | null;
  /** "file NAME", "url URL", "backend HOST". */
  origin: string | null;
  /** The last time it was imported or a fetch found it still current. */
  checkedAt: string | null;
}

export const SANCTIONS_SOURCES = LIST_SOURCES;

export interface SanctionsPolicy {
  warnDays: number;
  blockDays: number | null;
  maxShrink: number;
  trueMatchFourEyes: boolean;
  fetch: {
    sources: (typeof SANCTIONS_SOURCES)[number][];
    everyHours: number;
    from: 'official' | 'backend';
    urls: Partial<Record<(typeof SANCTIONS_SOURCES)[number], string>>;
    proxy: string | null;
  };
}

/** The Sanctions screen and the status bar: each source's version in force, its age, the policy, the history. */
export interface ScreeningStatusView {
  sources: {
    source: string;
    inForce: SanctionsListVersion | null;
    ageDays: number | null;
    freshness: 'fresh' | 'warn' | 'block' | 'none';
    officialUrl: string;
  }[];
  history: SanctionsListVersion[];
  policy: SanctionsPolicy;
  warning: string | null;
  blocked: string | null;
}

/** One entry of a hit's disposition history. */
export interface DispositionHistoryItem {
  id: number;
  disposition: 'false_positive' | 'true_match';
  state: 'in_force' | 'proposed' | 'refused';
  reasonCode: string | null;
  note: string | null;
  analyst: string;
  secondAnalyst: string | null;
  decidedAt: string;
  listVersion: string;
  entryDigest: string;
  caseId: string | null;
  refersTo: number | null;
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  firstBroken: { seq: number; reason: string } | null;
}

export const contract = {
  'app.status': method<AppStatus>()(empty),
  'vault.create': method<AppStatus>()(
    z
      .object({
        passphrase: passphrase.min(MIN_PASSPHRASE_LENGTH),
        rememberOnDevice: z.boolean().default(false),
        analyst: analystName.optional(),
      })
      .strict(),
  ),
  /** An analyst signs in; the name may be left out while only one analyst has a passphrase here. */
  'vault.unlock': method<AppStatus>()(z.object({ passphrase, analyst: analystName.optional() }).strict()),
  'vault.unlockWithDevice': method<AppStatus>()(empty),
  'vault.lock': method<AppStatus>()(empty),
  'vault.changePassphrase': method<null>()(
    z.object({ current: passphrase, next: passphrase.min(MIN_PASSPHRASE_LENGTH) }).strict(),
  ),
  /** The UI reports analyst activity so the idle timer can lock the vault. */
  'session.touch': method<null>()(empty),
  /** Theme and zoom: a display preference, allowed while locked; not audited (it changes no evidence). */
  'appearance.set': method<AppStatus>()(
    z
      .object({
        theme: z.enum(THEMES).optional(),
        zoom: z
          .number()
          .refine((v) => (ZOOM_STEPS as readonly number[]).includes(v), 'one of 80, 90, 100, 110, 125, 150, 175, 200')
          .optional(),
      })
      .strict(),
  ),
  'settings.get': method<Settings>()(empty),
  'settings.update': method<Settings>()(
    z
      .object({
        idleLockMinutes: z
          .number()
          .min(0.05)
          .max(24 * 60)
          .optional(),
        homeJurisdiction: countryCode.optional(),
        slaHours: z
          .number()
          .min(1)
          .max(24 * 30)
          .optional(),
        fourEyes: fourEyesPolicy.optional(),
        retentionSchedule: z.enum(['daily', 'off']).optional(),
      })
      .strict(),
  ),
  'cases.list': method<{ total: number; rows: CaseSummary[] }>()(
    z
      .object({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
        sort: querySort.default({ column: 'transferTime', direction: 'desc' }),
        filter: queueFilter.default({}),
        /** Skip the count when only the page changed (a count over a million rows is not free). */
        count: z.boolean().default(true),
      })
      .strict(),
  ),
  'cases.facets': method<QueueFacets>()(empty),
  /**
   * One action on each of the given cases, each on its own through the same checks and four-eyes policy
   * as `cases.decide` / `cases.assign`; one result per case.
   */
  'cases.bulk': method<{ results: BulkItemResult[] }>()(
    z
      .object({
        caseIds: z
          .array(caseId)
          .min(1)
          .max(MAX_BULK_CASES)
          .refine((ids) => new Set(ids).size === ids.length, 'each case once'),
        action: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('assign'), analyst: z.string().min(1).max(100).nullable() }).strict(),
          z
            .object({
              kind: z.enum(['accept', 'reject', 'request_information']),
              reasonCodes: z.array(z.enum(REASON_CODE_NAMES as [string, ...string[]])).max(10),
              note: z.string().max(2000).optional(),
            })
            .strict()
            .refine((d) => d.kind === 'accept' || d.reasonCodes.length > 0, {
              message: 'a reject or a request for information needs at least one reason code',
              path: ['reasonCodes'],
            }),
        ]),
      })
      .strict(),
  ),
  /** Every case the filter matches, in the sort's order, as formula-safe CSV (at most MAX_QUEUE_CSV_ROWS). */
  'cases.csv': method<{ fileName: string; rows: number; csv: string }>()(
    z
      .object({
        sort: querySort.default({ column: 'transferTime', direction: 'desc' }),
        filter: queueFilter.default({}),
      })
      .strict(),
  ),
  'cases.assign': method<CaseDetail>()(z.object({ caseId, analyst: z.string().min(1).max(100).nullable() }).strict()),
  'cases.hold': method<CaseDetail>()(z.object({ caseId, reason: z.string().min(1).max(500).nullable() }).strict()),
  /** The second analyst's verdict on a proposed decision; they prove who they are with their own passphrase. */
  'cases.review': method<CaseDetail>()(
    z
      .object({
        proposalId: z.string().min(1).max(64),
        approver: z.string().min(1).max(100),
        passphrase,
        approve: z.boolean(),
        note: z.string().max(2000).optional(),
      })
      .strict(),
  ),
  'conflicts.resolve': method<CaseDetail>()(
    z.object({ conflictId: z.number().int().min(1), resolution: z.enum(['accept_theirs', 'decide_again']) }).strict(),
  ),
  /** The queue's column layouts by view name ('' is the queue without a view). */
  'views.layouts': method<Record<string, QueueLayout>>()(empty),
  'views.saveLayout': method<Record<string, QueueLayout>>()(
    z
      .object({
        view: z.string().max(60),
        layout: z
          .object({
            order: z.array(columnId).max(40),
            sizes: z.record(columnId, z.number().int().min(24).max(1200)),
            hidden: z.array(columnId).max(40),
            times: z.enum(['utc', 'local']),
          })
          .strict()
          .refine((l) => Object.keys(l.sizes).length <= 40, 'at most 40 column widths'),
      })
      .strict(),
  ),
  'views.list': method<SavedView[]>()(empty),
  'views.save': method<SavedView[]>()(
    z.object({ name: z.string().trim().min(1).max(60), filter: queueFilter, sort: querySort }).strict(),
  ),
  'views.delete': method<SavedView[]>()(z.object({ name: z.string().min(1).max(60) }).strict()),
  'analysts.list': method<string[]>()(empty),
  /** Supervisor only. The code is shown once; the analyst redeems it with analysts.redeem. */
  'analysts.enrol': method<{ name: string; role: AnalystRole; code: string; expiresAt: string }>()(
    z.object({ name: analystName, role: z.enum(ANALYST_ROLES) }).strict(),
  ),
  /** The new analyst chooses their passphrase with their one-time code, and is signed in. */
  'analysts.redeem': method<AppStatus>()(
    z
      .object({
        name: analystName,
        code: z.string().trim().min(10).max(40),
        passphrase: passphrase.min(MIN_PASSPHRASE_LENGTH),
      })
      .strict(),
  ),
  'analysts.roster': method<AnalystEntry[]>()(empty),
  /** Supervisor only: the analyst's key slot is removed; their name stays in the record. */
  'analysts.remove': method<AnalystEntry[]>()(z.object({ name: analystName }).strict()),
  'analysts.setRole': method<AnalystEntry[]>()(z.object({ name: analystName, role: z.enum(ANALYST_ROLES) }).strict()),
  'dashboard.get': method<Dashboard>()(
    z.object({ from: day.optional(), to: day.optional(), analyst: z.string().min(1).max(100).optional() }).strict(),
  ),
  'export.publicKey': method<{ pem: string; fingerprint: string }>()(empty),
  'export.start': method<ExportJob>()(
    z
      .object({
        from: day,
        to: day,
        jurisdiction: countryCode.nullable().default(null),
        direction: z.enum(DIRECTIONS).nullable().default(null),
        status: z.enum(CASE_STATUSES).nullable().default(null),
        // null or left out: by size (a summary above 10,000 cases, per case below).
        pdf: z.enum(EXPORT_PDF_MODES).nullable().default(null),
      })
      .strict(),
  ),
  'export.cancel': method<ExportJob>()(z.object({ id: z.string().min(1).max(64) }).strict()),
  'export.jobs': method<ExportJob[]>()(empty),
  'retention.run': method<RetentionReport>()(z.object({ dryRun: z.boolean() }).strict()),
  'mail.settings': method<MailSettingsView>()(empty),
  'mail.configure': method<MailSettingsView>()(mailSettingsInputSchema),
  'mail.template': method<MailSettingsView>()(
    z
      .object({
        kind: z.enum(['data_notice', 'info_request', 'decision_notice', 'tx_hash_forward']),
        subject: z.string().min(1).max(200),
        body: z.string().min(1).max(20_000),
      })
      .strict(),
  ),
  'mail.key': method<MailSettingsView>()(
    z.object({ vaspId: z.string().min(1).max(100), armored: z.string().min(50).max(100_000) }).strict(),
  ),
  /** Sends a test message to our own address now and reports what happened. */
  'mail.test': method<{ sent: boolean; error: string | null }>()(empty),
  'mail.compose': method<CaseDetail>()(
    z
      .object({
        caseId,
        kind: z.enum(['data_notice', 'info_request', 'decision_notice', 'tx_hash_forward']),
        note: z.string().max(4000).optional(),
        /** The previewed text as the analyst edited it; left out, the template's text is sent. */
        body: z.string().max(100_000).optional(),
      })
      .strict(),
  ),
  /** The signed-in analyst's notifications, newest first, with how many they have not seen. */
  'notifications.list': method<Notifications>()(empty),
  /** Everything up to `upTo` has been seen by the signed-in analyst. */
  'notifications.seen': method<Notifications>()(z.object({ upTo: z.iso.datetime() }).strict()),
  /** Shows one OS notification where the shell can (Electron); answers whether it did. */
  'notifications.os': method<{ shown: boolean }>()(
    z.object({ title: z.string().min(1).max(120), body: z.string().max(400) }).strict(),
  ),
  /** The message as it would be sent (to, subject, body), rendered without queueing anything. */
  'mail.preview': method<MailPreview>()(
    z
      .object({
        caseId,
        kind: z.enum(['data_notice', 'info_request', 'decision_notice', 'tx_hash_forward']),
        note: z.string().max(4000).optional(),
      })
      .strict(),
  ),
  'mail.triage': method<MailView[]>()(empty),
  'mail.attach': method<MailView[]>()(z.object({ mailId: z.number().int().min(1), caseId }).strict()),
  /** The counterparty's answer, read from a reply by the analyst; it goes to the backend through the sync outbox. */
  'mail.recordResponse': method<CaseDetail>()(
    z
      .object({
        mailId: z.number().int().min(1),
        outcome: z.enum(['approved', 'rejected']),
        reason: z.string().max(2000).optional(),
      })
      .strict(),
  ),
  /**
   * A received attachment's bytes, for the safe viewer (images) or a save (PDF); other types are
   * refused by name (src-main/mail/attachments.ts has the allow-list).
   */
  'mail.attachment': method<{
    filename: string;
    contentType: string;
    size: number;
    view: boolean;
    dataBase64: string;
  }>()(z.object({ id: z.number().int().min(1) }).strict()),
  /** Sends what is due and reads new mail now. */
  'mail.sync': method<MailSettingsView>()(empty),
  'cases.get': method<CaseDetail>()(z.object({ id: z.string().min(1).max(64) }).strict()),
  /** The IVMS101 model the repair form is built from. */
  'cases.repairSchema': method<Ivms101SchemaView>()(empty),
  /** Validates a record being repaired, as typed; stores nothing. */
  'cases.repairPreview': method<RepairPreview>()(
    z.object({ caseId, ivms101: z.record(z.string(), z.unknown()) }).strict(),
  ),
  /** Saves the repaired record as the case's next IVMS101 version and queues it for the backend. */
  'cases.repair': method<CaseDetail>()(
    z.object({ caseId, ivms101: z.record(z.string(), z.unknown()), note: z.string().trim().min(1).max(2000) }).strict(),
  ),
  /** Who a note may mention: the enrolled analysts (invited or active). */
  'cases.mentionable': method<string[]>()(empty),
  /** An internal note (with @mentions of analysts); `revises` makes it a new version of an earlier note. */
  'cases.note': method<CaseDetail>()(
    z.object({ caseId, body: z.string().trim().min(1).max(4000), revises: z.string().uuid().optional() }).strict(),
  ),
  'rules.status': method<RulesStatus>()(empty),
  'screening.lists': method<SanctionsListVersion[]>()(empty),
  'screening.status': method<ScreeningStatusView>()(empty),
  /** Imports a list file (or OFAC's folder) from this machine, with the same readers as the CLI. */
  'screening.import': method<ScreeningStatusView>()(
    z
      .object({
        source: z.enum(SANCTIONS_SOURCES),
        path: z.string().min(1).max(4096),
        allowShrink: z.boolean().default(false),
      })
      .strict(),
  ),
  /** Fetches a list from its publisher's URL (as configured) or from the exchange backend, verifies it, and puts it in force. */
  'screening.fetch': method<ScreeningStatusView>()(
    z
      .object({
        source: z.enum(SANCTIONS_SOURCES),
        from: z.enum(['official', 'backend']),
        allowShrink: z.boolean().default(false),
      })
      .strict(),
  ),
  'screening.policy': method<ScreeningStatusView>()(
    z
      .object({
        warnDays: z.number().int().min(1).max(365),
        blockDays: z.number().int().min(1).max(365).nullable(),
        maxShrink: z.number().min(0).max(1),
        trueMatchFourEyes: z.boolean(),
        fetch: z
          .object({
            sources: z.array(z.enum(SANCTIONS_SOURCES)).max(5),
            everyHours: z.number().min(1).max(720),
            from: z.enum(['official', 'backend']),
            urls: z.partialRecord(z.enum(SANCTIONS_SOURCES), z.url().max(1000)),
            proxy: z.url().max(500).nullable(),
          })
          .strict(),
      })
      .strict()
      .refine((p) => p.blockDays === null || p.blockDays >= p.warnDays, {
        message: 'block after no fewer days than the warning',
        path: ['blockDays'],
      }),
  ),
  /**
   * The analyst's verdict on one hit, recorded with its reason and the list version, audited, and the
   * case re-screened at once. Clearing needs a reason code and a note; a true match needs a note and,
   * by policy, a second analyst (it waits as a proposal until `screening.confirm`).
   */
  'screening.dispose': method<CaseDetail>()(
    z
      .object({
        caseId: z.string().min(1).max(64),
        partyDigest: z.string().regex(/^[0-9a-f]{64}$/),
        list: z.enum(LIST_SOURCES),
        entryId: z.string().min(1).max(100),
        disposition: z.enum(['false_positive', 'true_match']),
        reasonCode: z.enum(Object.keys(CLEAR_REASONS) as [ClearReason, ...ClearReason[]]).optional(),
        note: z.string().trim().min(1, 'a note is required').max(2000),
      })
      .strict()
      .refine((d) => d.disposition === 'true_match' || d.reasonCode !== undefined, {
        message: 'clearing a hit needs a reason code',
        path: ['reasonCode'],
      }),
  ),
  /** The second analyst confirms (or refuses) a proposed true match with their own passphrase. */
  'screening.confirm': method<CaseDetail>()(
    z
      .object({
        caseId: z.string().min(1).max(64),
        proposalId: z.number().int().min(1),
        approver: z.string().min(1).max(60),
        passphrase,
        approve: z.boolean(),
        note: z.string().max(2000).optional(),
      })
      .strict(),
  ),
  'screening.history': method<DispositionHistoryItem[]>()(
    z
      .object({
        partyDigest: z.string().regex(/^[0-9a-f]{64}$/),
        list: z.enum(SANCTIONS_SOURCES),
        entryId: z.string().min(1).max(100),
      })
      .strict(),
  ),
  'sync.status': method<Events['sync.status']>()(empty),
  'sync.configure': method<Events['sync.status']>()(
    z.object({ url: z.url().max(500), token: z.string().min(8).max(500) }).strict(),
  ),
  /** Pull and push now; pending outbox entries are retried at once. */
  'sync.now': method<Events['sync.status']>()(empty),
  'cases.decide': method<CaseDetail>()(
    z
      .object({
        caseId: z.string().min(1).max(64),
        kind: z.enum(['accept', 'reject', 'request_information']),
        reasonCodes: z.array(z.enum(REASON_CODE_NAMES as [string, ...string[]])).max(10),
        note: z.string().max(2000).optional(),
        /** Decide a case someone else claimed, after the warning (recorded in the audit trail). */
        overrideClaim: z.boolean().optional(),
      })
      .strict()
      .refine((d) => d.kind === 'accept' || d.reasonCodes.length > 0, {
        message: 'a reject or a request for information needs at least one reason code',
        path: ['reasonCodes'],
      }),
  ),
  'audit.verify': method<AuditVerification>()(empty),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
/** What a caller sends (defaults may be omitted). */
export type InputOf<K extends MethodName> = z.input<Contract[K]['input']>;
/** What a handler receives (defaults filled in). */
export type ParsedInputOf<K extends MethodName> = z.output<Contract[K]['input']>;
export type OutputOf<K extends MethodName> = Contract[K] extends MethodSpec<z.ZodType, infer O> ? O : never;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];
export const isMethodName = (name: string): name is MethodName => Object.hasOwn(contract, name);

/** Main-to-UI pushes. */
export interface Events {
  'vault.locked': { reason: 'manual' | 'idle' };
  'vault.unlocked': Record<string, never>;
  'cases.changed': { count: number };
  'export.progress': ExportJob;
  /** Another version of a sanctions list came into force (imported here or by another process); cases were re-screened. */
  'screening.changed': { rescreened: number };
  'sync.status': {
    configured: boolean;
    online: boolean;
    lastSyncAt: string | null;
    lastError: string | null;
    cursor: number;
    outboxDepth: number;
    conflicts: number;
    quarantined: number;
    /** Set once the backend's identity changed and the feed started again (issue 18 point 3). */
    notice: string | null;
  };
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = [
  'vault.locked',
  'vault.unlocked',
  'cases.changed',
  'sync.status',
  'export.progress',
  'screening.changed',
];
