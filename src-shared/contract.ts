import { z } from 'zod';
import type { CaseRecord } from './case';
import type { StoredCheck } from './checks';
import { MIN_PASSPHRASE_LENGTH, QUEUE_SORT_COLUMNS, type CaseSummary } from './domain';

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
}

export interface Settings {
  idleLockMinutes: number;
}

/** One case with everything the automatic checks found, each with its why. */
export interface CaseDetail {
  record: CaseRecord;
  checks: StoredCheck<unknown>[];
}

export interface RulesStatus {
  jurisdictions: number;
  digest: string;
  /** Rule files that failed to load: transfers touching these jurisdictions cannot be evaluated. */
  errors: { file: string; field: string; message: string }[];
}

export interface SanctionsListVersion {
  id: number;
  source: string;
  label: string;
  publishedAt: string | null;
  importedAt: string;
  entryCount: number;
  active: boolean;
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  firstBroken: { seq: number; reason: string } | null;
}

export const contract = {
  'app.status': method<AppStatus>()(empty),
  'vault.create': method<AppStatus>()(
    z.object({ passphrase: passphrase.min(MIN_PASSPHRASE_LENGTH), rememberOnDevice: z.boolean().default(false) }).strict(),
  ),
  'vault.unlock': method<AppStatus>()(z.object({ passphrase }).strict()),
  'vault.unlockWithDevice': method<AppStatus>()(empty),
  'vault.lock': method<AppStatus>()(empty),
  'vault.changePassphrase': method<null>()(
    z.object({ current: passphrase, next: passphrase.min(MIN_PASSPHRASE_LENGTH) }).strict(),
  ),
  /** The UI reports analyst activity so the idle timer can lock the vault. */
  'session.touch': method<null>()(empty),
  'settings.get': method<Settings>()(empty),
  'settings.update': method<Settings>()(
    z.object({ idleLockMinutes: z.number().min(0.05).max(24 * 60).optional() }).strict(),
  ),
  'cases.list': method<{ total: number; rows: CaseSummary[] }>()(
    z
      .object({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(100),
        sort: z
          .object({ column: z.enum(QUEUE_SORT_COLUMNS), direction: z.enum(['asc', 'desc']) })
          .default({ column: 'transferTime', direction: 'desc' }),
      })
      .strict(),
  ),
  'cases.get': method<CaseDetail>()(z.object({ id: z.string().min(1).max(64) }).strict()),
  'rules.status': method<RulesStatus>()(empty),
  'screening.lists': method<SanctionsListVersion[]>()(empty),
  /** The analyst's verdict on one hit; recorded, audited, and the case is re-screened at once. */
  'screening.dispose': method<CaseDetail>()(
    z
      .object({
        caseId: z.string().min(1).max(64),
        partyDigest: z.string().regex(/^[0-9a-f]{64}$/),
        list: z.enum(['ofac', 'eu', 'un', 'uk', 'csl']),
        entryId: z.string().min(1).max(100),
        disposition: z.enum(['false_positive', 'true_match']),
        note: z.string().max(2000).optional(),
      })
      .strict(),
  ),
  'sync.status': method<Events['sync.status']>()(empty),
  'sync.configure': method<Events['sync.status']>()(z.object({ url: z.url().max(500), token: z.string().min(8).max(500) }).strict()),
  /** Pull and push now; pending outbox entries are retried at once. */
  'sync.now': method<Events['sync.status']>()(empty),
  'cases.decide': method<CaseDetail>()(
    z
      .object({
        caseId: z.string().min(1).max(64),
        kind: z.enum(['accept', 'reject', 'request_information']),
        reasonCodes: z.array(z.string().regex(/^[A-Z_]{2,40}$/)).max(10),
        note: z.string().max(2000).optional(),
      })
      .strict(),
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
  'sync.status': { configured: boolean; online: boolean; lastSyncAt: string | null; lastError: string | null; cursor: number; outboxDepth: number; conflicts: number; quarantined: number };
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = ['vault.locked', 'vault.unlocked', 'cases.changed', 'sync.status'];
