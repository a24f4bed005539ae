import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AppStatus, ExportJob } from '../../src-shared/contract';
import type { Theme } from '../../src-shared/appearance';
import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import { recheckAll, rulesDigest, runCaseChecks, type CheckContext } from '../checks/run';
import { casePage } from '../store/cases';
import { dbRates } from '../rules/fx';
import type { ScreeningIndex } from '../screening/search';
import { ScreeningService } from '../screening/service';
import { fetchDue } from './screening-lists';
import { BackendClient, BackendError } from '../sync/client';
import { SyncEngine } from '../sync/engine';
import { defaultRulePack } from '../rules/pack';
import { Checkpointer } from '../store/checkpointer';
import { allowBackgroundCheckpoints, DB_FILE, openDatabase, type ReadableDB, type WritableDB } from '../store/db';
import { upgradeStore, type Upgrade } from '../store/upgrade';
import { readSetting, writeSetting } from '../store/settings';
import { deleteCredential, readCredential, writeCredential } from '../store/credentials';
import { enqueue } from '../store/outbox';
import type { DecisionPolicy } from '../cases/decide';
import { createExport, type ExportProgress, type ExportResult } from '../export/create';
import type { ExportSelection } from '../export/selection';
import { signingKey, type SigningKey } from '../export/signing-key';
import { mailConfigSchema, readMailConfig, saveMailConfig } from '../mail/config';
import { MailService } from '../mail/service';
import { purgeExpired, type PurgeReport, type RetentionContext } from '../retention/purge';
import { recordPurgeRun, scheduleDailyPurge } from '../retention/schedule';
import { ExportJobs } from '../export/jobs';
import type { PdfMode } from '../export/sections';
import type { DeviceKeyProtector } from '../vault/device-key';
import { deviceProtectorRefusal } from '../vault/device-key';
import {
  addEnrolmentSlot,
  addPassphraseSlot,
  changePassphrase,
  createVault,
  deviceUnlockEnrolled,
  FIRST_SUPERVISOR,
  redeemEnrolment,
  removeSlots,
  signIn,
  signInWithDevice,
  slotAccepts,
  vaultExists,
  ANALYST_NAME,
} from '../vault/vault';
import {
  activateAnalyst,
  analyst as analystRecord,
  clearLegacyVerifier,
  enrolAnalyst,
  completeInterruptedCreation,
  ensureFirstSupervisor,
  hasLegacyVerifier,
  removeAnalyst,
  removedByBackend,
  requireSupervisor,
  setRole,
  SYSTEM,
  type Analyst,
  type Role,
  checkNewName,
} from '../team/roster';
import { recordSuccess, reserveAttempt, wrongPassphrase } from '../vault/throttle';
import { verifyAnalyst } from '../cases/four-eyes';
import { issueApproverProof, type VerifiedApprover } from '../team/approver';
import { ensureDataDir } from '../platform/data-dir';
import { EventBus } from '../platform/events';
import { silentLogger, type Logger } from '../platform/log';
import { readPreferences, writePreferences, type Preferences } from '../platform/preferences';

export const WAYBILL_VERSION = '0.1.0';

export interface WorkstationOptions {
  dataDir: string;
  mode: AppStatus['mode'];
  deviceProtector?: DeviceKeyProtector;
  logger?: Logger;
  /**
   * The analyst name to use when none is given: the creator's name at vault creation (tests, the
   * demo, `WAYBILL_ANALYST` for the CLI). Who acts is always the signed-in analyst.
   */
  actor?: string;
  now?: () => number;
  /** The shell's OS notifications (Electron); absent in browser mode and the CLI. */
  osNotify?: (title: string, body: string) => void;
}

/**
 * The core, with no Electron in it: owns the data folder, the vault state and the one database
 * connection. The CLI, the browser bridge and the Electron shell all drive this same object.
 */
export class Workstation {
  readonly events = new EventBus();
  readonly dataDir: string;
  /** The analyst signed in now; null while locked. */
  private session: { analyst: string } | null = null;
  private db: WritableDB | null = null;
  /** The upgrade in progress (or the last one, settled): unlocks wait for it in turn. */
  private upgrading: Promise<unknown> = Promise.resolve();
  /** Kept while unlocked so an export can read from a snapshot connection of its own; zeroed at lock. */
  private dbKey: Buffer | null = null;
  private readonly exports = new Set<AbortController>();
  private stopRetention: (() => void) | null = null;
  private lastActivity: number;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly opts: WorkstationOptions) {
    this.dataDir = opts.dataDir;
    ensureDataDir(this.dataDir);
    this.log = opts.logger ?? silentLogger;
    this.now = opts.now ?? Date.now;
    this.lastActivity = this.now();
    this.exportJobList = new ExportJobs({
      dataDir: this.dataDir,
      events: this.events,
      now: () => this.now(),
      run: (selection, out, o) => this.createExport(selection, out, o),
    });
  }

  /** Who acts, for the audit trail: the signed-in analyst, or "system" for work nobody started. */
  get actor(): string {
    return this.session?.analyst ?? SYSTEM;
  }

  /** The signed-in analyst's record (name, role), or null while locked. */
  signedIn(): Analyst | null {
    return this.session && this.db ? analystRecord(this.db, this.session.analyst) : null;
  }

  /** Throws `forbidden` unless the signed-in analyst is a supervisor. */
  requireSupervisor(what: string): void {
    requireSupervisor(this.database(), this.actor, what);
  }

  get dbPath(): string {
    return join(this.dataDir, DB_FILE);
  }

  get preferences(): Preferences {
    return readPreferences(this.dataDir);
  }

  /** Changing these is a supervisor's decision (issue 15): who needs four eyes, what is purged, where cases come from. */
  static readonly SUPERVISOR_PREFERENCES: readonly (keyof Preferences)[] = [
    'fourEyes',
    'retentionSchedule',
    'backendUrl',
  ];

  updatePreferences(patch: Partial<Preferences>): Preferences {
    // A form that sends every field unchanged is not a change: only what differs needs a supervisor.
    const now = this.preferences;
    const guarded = Workstation.SUPERVISOR_PREFERENCES.filter(
      (k) => k in patch && JSON.stringify(patch[k]) !== JSON.stringify(now[k]),
    );
    if (guarded.length) this.requireSupervisor(`change ${guarded.join(', ')}`);
    return this.writePreferences(patch);
  }

  private writePreferences(patch: Partial<Preferences>): Preferences {
    const next = { ...this.preferences, ...patch };
    writePreferences(this.dataDir, next);
    this.armIdleTimer();
    return next;
  }

  status(): AppStatus {
    return {
      vault: !vaultExists(this.dataDir) ? 'absent' : this.db ? 'unlocked' : 'locked',
      dataDir: this.dataDir,
      version: WAYBILL_VERSION,
      deviceUnlockAvailable: deviceProtectorRefusal(this.opts.deviceProtector) === null,
      deviceUnlockEnrolled: deviceUnlockEnrolled(this.dataDir),
      idleLockMinutes: this.preferences.idleLockMinutes,
      mode: this.opts.mode,
      analyst: this.signedIn() ? { name: this.signedIn()!.name, role: this.signedIn()!.role } : null,
      appearance: { theme: this.preferences.theme, zoom: this.preferences.zoom },
    };
  }

  /** Shows an OS notification where the shell offers one; false where it does not (browser mode, CLI). */
  showOsNotification(title: string, body: string): boolean {
    if (!this.opts.osNotify) return false;
    this.opts.osNotify(title, body);
    return true;
  }

  /** Theme and zoom: anyone at the screen may change how it looks, signed in or not. */
  setAppearance(patch: { theme?: Theme | undefined; zoom?: number | undefined }): AppStatus {
    this.writePreferences({
      ...(patch.theme !== undefined ? { theme: patch.theme } : {}),
      ...(patch.zoom !== undefined ? { zoom: patch.zoom } : {}),
    });
    return this.status();
  }

  async createVault(passphrase: string, rememberOnDevice = false, analyst?: string): Promise<AppStatus> {
    const name = analyst ?? this.opts.actor ?? FIRST_SUPERVISOR;
    if (name.toLowerCase() === SYSTEM || /^os:/i.test(name) || name.toLowerCase() === 'backend')
      throw new AppError('invalid_input', `"${name}" is reserved; choose a person's name.`);
    const key = await createVault(this.dataDir, passphrase, {
      rememberOnDevice,
      analyst: name,
      ...(this.opts.deviceProtector ? { protector: this.opts.deviceProtector } : {}),
    });
    // The creator is the first supervisor.
    this.open(key, name, (db) => ensureFirstSupervisor(db, name, 'vault.created'));
    this.audit('vault.created', { rememberOnDevice });
    return this.status();
  }

  /** An analyst signs in with their own passphrase (the name may be left out while only one analyst has a slot). */
  async unlock(passphrase: string, analyst?: string): Promise<AppStatus> {
    if (this.db) {
      if (analyst === undefined || analyst === this.actor) return this.status();
      this.lock('manual'); // another analyst signs in: the session changes hands
    }
    const s = await signIn(this.dataDir, analyst, passphrase, this.now());
    const upgraded = await this.upgrade(s.key);
    if (this.db) {
      s.key.fill(0); // another unlock finished while this one waited
      return this.status();
    }
    // A version-1 vault's one passphrase is now the first supervisor's slot: nothing else changes.
    let resumed = false;
    this.open(s.key, s.analyst, (db) => {
      if (s.migrated) ensureFirstSupervisor(db, s.analyst, 'vault.migrated');
      else resumed = completeInterruptedCreation(db, s.analyst);
    });
    if (s.migrated) this.audit('vault.migrated', { fromVersion: 1, supervisor: s.analyst });
    if (resumed) this.audit('vault.created', { completedAfterInterruption: true });
    this.auditUpgrade(upgraded);
    this.audit('vault.unlocked', { method: 'passphrase' });
    return this.status();
  }

  async unlockWithDevice(): Promise<AppStatus> {
    if (this.db) return this.status();
    const s = signInWithDevice(this.dataDir, this.opts.deviceProtector);
    const upgraded = await this.upgrade(s.key);
    if (this.db) {
      s.key.fill(0);
      return this.status();
    }
    this.open(s.key, s.analyst);
    this.auditUpgrade(upgraded);
    this.audit('vault.unlocked', { method: 'device' });
    return this.status();
  }

  /**
   * The case database brought to this build's schema on a worker thread (store/upgrade.ts), one
   * upgrade at a time: a second unlock meanwhile waits for the first's rather than migrating again.
   * On failure the key is wiped here, as open() would have.
   */
  private async upgrade(key: Buffer): Promise<Upgrade | null> {
    const run = this.upgrading.then(() => (this.db ? null : upgradeStore(this.dbPath, key)));
    this.upgrading = run.catch(() => undefined);
    try {
      return await run;
    } catch (e) {
      key.fill(0);
      throw e;
    }
  }

  /** A schema change is part of the record: which versions, when, at whose unlock. */
  private auditUpgrade(u: Upgrade | null): void {
    if (u) this.audit('store.upgraded', { fromVersion: u.from, toVersion: u.to });
  }

  async changePassphrase(current: string, next: string, analyst?: string): Promise<void> {
    await changePassphrase(this.dataDir, current, next, this.session?.analyst ?? analyst);
    if (this.db) this.audit('vault.passphrase_changed', {});
  }

  /**
   * A supervisor enrols an analyst: a one-time code (shown once, never stored in clear) wraps the
   * database key in an enrolment slot; the analyst redeems it by choosing their own passphrase.
   */
  async enrolAnalyst(name: string, role: Role): Promise<{ name: string; role: Role; code: string; expiresAt: string }> {
    const db = this.database();
    this.requireSupervisor('enrol analysts');
    checkNewNameOrThrow(db, name);
    const code = oneTimeCode();
    const expiresAt = new Date(this.now() + ENROLMENT_HOURS * 3600_000).toISOString();
    await addEnrolmentSlot(this.dataDir, this.key(), name, code, expiresAt);
    try {
      enrolAnalyst(db, this.actor, name, role);
    } catch (e) {
      removeSlots(this.dataDir, name);
      throw e;
    }
    return { name, role, code, expiresAt };
  }

  /** The new analyst sets their passphrase with their one-time code, and is signed in. */
  async redeemEnrolment(name: string, code: string, passphrase: string): Promise<AppStatus> {
    if (passphrase.length < 12) throw new AppError('weak_passphrase', 'A passphrase needs at least 12 characters.');
    const key = await redeemEnrolment(this.dataDir, name, code, passphrase, this.now());
    if (this.db) this.lock('manual');
    const upgraded = await this.upgrade(key);
    if (this.db) this.lock('manual');
    this.open(key, name, (db) => activateAnalyst(db, name));
    this.auditUpgrade(upgraded);
    this.audit('vault.unlocked', { method: 'enrolment' });
    return this.status();
  }

  /**
   * Removes an analyst: their slot goes, so their passphrase no longer opens the vault. Connected, the
   * backend is told to revoke their credential (through the outbox, so offline it waits), and the
   * copy of their credential kept here is deleted at once.
   */
  removeAnalyst(name: string): void {
    const db = this.database();
    db.transaction(() => {
      removeAnalyst(db, this.actor, name);
      deleteCredential(db, name);
      if (this.preferences.backendUrl) {
        const at = new Date(this.now()).toISOString();
        enqueue(db, {
          kind: 'revocation',
          caseId: null,
          key: randomUUID(),
          baseVersion: 0,
          payload: { name },
          at,
          actor: this.actor,
        });
      }
    })();
    removeSlots(this.dataDir, name);
    void this.sync?.tryNow('push', 'revocation');
    if (name === this.actor) this.lock('manual');
  }

  /** The backend reports analysts removed: their slot and credential go here too (never the last supervisor). */
  private removedAtBackend(names: string[]): void {
    const db = this.database();
    for (const name of names) {
      if (!removedByBackend(db, name)) continue;
      deleteCredential(db, name);
      removeSlots(this.dataDir, name);
      this.log.info('team.removed_by_backend', {});
      if (name === this.actor) this.lock('manual');
    }
  }

  setRole(name: string, role: Role): Analyst {
    return setRole(this.database(), this.actor, name, role);
  }

  private key(): Buffer {
    this.database();
    if (!this.dbKey) throw new AppError('vault_locked', 'The vault is locked. Unlock it to continue.');
    return this.dbKey;
  }

  /**
   * A second analyst's passphrase, throttled like unlock (its own counter, reserved before the slow
   * derivation): wrong tries wait 5 s doubling after three, whatever the entry point.
   */
  async checkApprover(name: string, passphrase: string): Promise<VerifiedApprover> {
    const now = this.now();
    const db = this.database();
    const failures = reserveAttempt(this.dataDir, now, 'approval');
    const wrong = () => wrongPassphrase(this.dataDir, now, failures, 'approval', `That is not ${name}'s passphrase.`);
    const who = analystRecord(db, name);
    if (who?.state === 'active' && hasLegacyVerifier(db, name)) {
      // A second analyst from before key slots: their verifier proves it once, then they get a slot
      // (we hold their passphrase and the key now) and can sign in like everyone else.
      if (!(await verifyAnalyst(db, name, passphrase))) throw wrong();
      await addPassphraseSlot(this.dataDir, this.key(), name, passphrase);
      clearLegacyVerifier(db, name);
    } else if (who?.state !== 'active' || !(await slotAccepts(this.dataDir, name, passphrase))) {
      throw wrong();
    }
    recordSuccess(this.dataDir, 'approval');
    return issueApproverProof(name, new Date(now).toISOString());
  }

  lock(reason: 'manual' | 'idle' = 'manual'): AppStatus {
    if (this.db) {
      void this.sync?.stop();
      this.sync = null;
      void this.mailService?.stop();
      this.mailService = null;
      for (const c of this.exports) c.abort();
      this.disarmRetention();
      this.audit('vault.locked', { reason });
      this.session = null;
      this.db.close();
      this.dbKey?.fill(0);
      this.dbKey = null;
      this.db = null;
      this.screening.stop();
      if (this.listFetchTimer) clearInterval(this.listFetchTimer);
      this.listFetchTimer = null;
      this.log.info('vault.locked', { reason });
      this.events.emit('vault.locked', { reason });
    }
    this.disarmIdleTimer();
    return this.status();
  }

  /** Analyst activity: pushes the idle lock further away. */
  touch(): void {
    this.lastActivity = this.now();
  }

  /** What the automatic checks need to know about us and about today. */
  checkContext(): CheckContext {
    const p = this.preferences;
    return {
      homeJurisdiction: p.homeJurisdiction,
      today: new Date(this.now()).toISOString().slice(0, 10),
      pack: defaultRulePack(),
      rates: dbRates(this.database()),
      maxRateAgeHours: p.maxRateAgeHours,
      screening: this.screeningIndex(),
      minScreeningScore: p.screeningMinScore,
    };
  }

  /** What `decide` needs to tell a decision from a proposal: the four-eyes policy and the FX rates. */
  decisionPolicy(): DecisionPolicy {
    return { fourEyes: this.preferences.fourEyes, rates: dbRates(this.database()) };
  }

  private readonly screening = new ScreeningService(() => this.database());

  /** The index over the sanctions list versions in force now (rebuilt when any process changed them). */
  screeningIndex(): ScreeningIndex {
    return this.screening.current();
  }

  /** After a list import: the next screening rebuilds the index from the new active versions. */
  invalidateScreening(): void {
    this.screening.invalidate();
  }

  private listFetchTimer: NodeJS.Timeout | null = null;

  /** A list put in force by another process (the CLI while we serve): re-screen, and tell the UI. Fetch lists as scheduled. */
  private watchScreening(): void {
    if (this.opts.mode === 'cli') return;
    // The policy's schedule: checked shortly after unlock (once sync is configured), then every ten minutes.
    const tick = () => {
      if (!this.db) return;
      void fetchDue(this, this.now()).then(
        (r) =>
          r.forEach((x) =>
            x.error
              ? this.log.error('screening.fetch_failed', { source: x.source, code: x.error })
              : this.log.info('screening.fetched', { source: x.source }),
          ),
        () => {},
      );
    };
    if (this.listFetchTimer) clearInterval(this.listFetchTimer);
    setTimeout(tick, 1000).unref();
    this.listFetchTimer = setInterval(tick, 600_000).unref();
    this.screening.watch({
      rescreen: () => recheckAll(this.database(), this.checkContext()).changed,
      changed: (n) => {
        this.log.info('screening.lists_changed', { rescreened: n });
        this.events.emit('screening.changed', { rescreened: n });
        this.events.emit('cases.changed', { count: n });
      },
      onError: (e) => this.log.error('screening.watch_failed', { message: e instanceof Error ? e.name : 'error' }),
    });
  }

  /** The open database, or a `vault_locked` error: every data handler goes through here. */
  database(): WritableDB {
    if (!this.db) {
      throw vaultExists(this.dataDir)
        ? new AppError('vault_locked', 'The vault is locked. Unlock it to continue.')
        : new AppError('vault_absent', 'No vault exists yet. Create one first.');
    }
    return this.db;
  }

  audit(action: string, payload: unknown, caseId: string | null = null): void {
    const db = this.database();
    db.transaction(() => appendAudit(db, { actor: this.actor, action, caseId, payload }))();
  }

  close(): void {
    this.lock('manual');
  }

  /**
   * Opens the database for `analyst`. `first` runs before the analyst's record is checked (creating
   * the first supervisor, a migration, an enrolment's activation). Only an active analyst gets in: a
   * removed one whose slot somehow survived is refused and the database closed again.
   */
  private open(key: Buffer, analyst: string, first?: (db: WritableDB) => void): void {
    let db: WritableDB;
    try {
      db = openDatabase(this.dbPath, key);
      try {
        first?.(db);
        const who = analystRecord(db, analyst);
        if (who?.state !== 'active')
          throw new AppError('forbidden', `${analyst} is not an active analyst of this workstation.`);
      } catch (e) {
        db.close();
        throw e;
      }
      this.db = db;
      this.dbKey = Buffer.from(key);
      this.session = { analyst };
      // WAYBILL_CHECKPOINT_WORKER=0: the connection checkpoints by itself, as when no worker can start.
      allowBackgroundCheckpoints(db, async (onFailure) => {
        if (!this.dbKey || process.env.WAYBILL_CHECKPOINT_WORKER === '0') return null;
        const c = await Checkpointer.start(this.dbPath, this.dbKey, () => {
          // The connection checkpoints itself again; nothing is lost (the WAL keeps every commit).
          this.log.warn('store.checkpoint_worker_failed', {});
          onFailure();
        });
        this.log.info(c ? 'store.checkpoint_worker_started' : 'store.checkpoint_worker_unavailable', {});
        return c;
      });
    } finally {
      key.fill(0);
    }
    this.touch();
    this.armIdleTimer();
    this.log.info('vault.unlocked', {});
    this.events.emit('vault.unlocked', {});
    this.recheckIfRulesChanged();
    this.watchScreening();
    this.armRetention();
    this.mailFromEnvironment();
    this.startMail();
    // Browser mode and the demo may hand us a backend to use (the token never touches disk in clear).
    const url = process.env.WAYBILL_BACKEND_URL;
    const token = process.env.WAYBILL_BACKEND_TOKEN;
    if (url && token && (!this.preferences.backendUrl || !readCredential(this.database(), analyst)))
      this.configureSync(url, token, true);
    else this.startSync();
  }

  private sync: SyncEngine | null = null;
  private mailService: MailService | null = null;

  /**
   * `npm run demo` hands the workstation its own loopback SMTP relay and IMAP mailbox (WAYBILL_DEMO_MAIL,
   * the mail settings as JSON), so mail works on the first screen. Taken only while no mail is set up and
   * only when both servers are on 127.0.0.1: a variable can never point a real vault's mail elsewhere.
   * A value that does not pass is logged by name and ignored.
   */
  private mailFromEnvironment(): void {
    const raw = process.env.WAYBILL_DEMO_MAIL;
    if (!raw || !this.db || this.opts.mode === 'cli' || readMailConfig(this.db)) return;
    try {
      const parsed = mailConfigSchema.parse(JSON.parse(raw));
      if (parsed.smtp.host !== '127.0.0.1' || parsed.imap.host !== '127.0.0.1')
        throw new AppError('invalid_input', 'WAYBILL_DEMO_MAIL names servers other than 127.0.0.1');
      saveMailConfig(this.db, parsed);
      this.audit('mail.configured', { smtpHost: parsed.smtp.host, imapHost: parsed.imap.host, from: 'environment' });
    } catch (e) {
      this.log.warn('mail.demo_config_ignored', { error: e instanceof Error ? e.name : 'unknown' });
    }
  }

  /** Follows the compliance mailbox and sends the mail outbox, when mail is set up (not in one-shot CLI runs). */
  startMail(): void {
    if (!this.db || this.mailService || this.opts.mode === 'cli' || !readMailConfig(this.db)) return;
    this.mailService = new MailService(() => this.database(), SYSTEM, this.events, this.log);
    this.mailService.start();
  }

  async restartMail(): Promise<void> {
    const m = this.mailService;
    this.mailService = null;
    await m?.stop();
    this.startMail();
  }

  mail(): MailService | null {
    return this.mailService;
  }

  /**
   * Points the workstation at a backend (a supervisor's setting) with the signed-in analyst's own
   * credential, which goes into the encrypted database only.
   */
  configureSync(url: string, token: string, fromEnvironment = false): void {
    if (!fromEnvironment && url !== this.preferences.backendUrl) this.requireSupervisor('change the backend settings');
    const db = this.database();
    writeCredential(db, this.actor, token, new Date(this.now()).toISOString());
    this.writePreferences({ backendUrl: url });
    this.audit('sync.configured', { host: new URL(url).host, credentialOf: this.actor });
    void this.stopSync().then(() => this.startSync());
  }

  /**
   * Checks that a credential is the signed-in analyst's own before keeping it: the backend names whose
   * it is (GET /v1/team/me). A backend without team endpoints, or one out of reach, cannot say: the
   * credential is kept and every request it makes is still checked by the backend.
   */
  async verifyCredential(url: string, token: string): Promise<void> {
    const me = await new BackendClient(url, token, this.actor).get('/v1/team/me').catch((e: unknown) => {
      if (e instanceof BackendError && (e.status === 401 || e.status === 403))
        throw new AppError('invalid_input', 'The backend refused this credential.');
      return null;
    });
    const who = me as { kind?: unknown; name?: unknown } | null;
    if (who?.kind === 'analyst' && who.name !== this.actor)
      throw new AppError(
        'forbidden',
        `This backend credential is ${String(who.name)}'s; ${this.actor} must use their own.`,
      );
  }

  /** The credential this analyst's work leaves with: their own, or a shared token from before (deprecated). */
  credentialFor(analyst: string): string | null {
    const db = this.database();
    return readCredential(db, analyst) ?? readSetting(db, 'sync.token');
  }

  syncEngine(): SyncEngine | null {
    return this.sync;
  }

  /** Starts following the backend, if one is configured. */
  startSync(): void {
    // A one-shot CLI run never follows the backend: a pull still running when the command closes the
    // vault would fail with vault_locked after the command had succeeded (issue 16: `screening import`).
    if (!this.db || this.sync || this.opts.mode === 'cli') return;
    const url = this.preferences.backendUrl;
    const token = this.credentialFor(this.actor);
    if (!url || !token) return;
    this.sync = new SyncEngine(
      () => this.database(),
      new BackendClient(url, token, this.actor),
      () => this.checkContext(),
      this.events,
      this.log,
      5000,
      // Each outbox entry leaves with the credential of the analyst who made it.
      (actor) => {
        const who = actor ?? this.actor;
        const t = this.credentialFor(who);
        return t ? new BackendClient(url, t, who) : null;
      },
      (names) => this.removedAtBackend(names),
    );
    this.sync.start();
  }

  async stopSync(): Promise<void> {
    const s = this.sync;
    this.sync = null;
    await s?.stop();
  }

  /** Resolves when the background re-evaluation started at unlock (if any) has finished. */
  recheckDone: Promise<void> = Promise.resolve();

  /**
   * A new rule pack (an update of Waybill) changes what every stored evaluation rests on. Re-run the
   * checks in the background, a page at a time, so unlocking stays instant.
   */
  private recheckIfRulesChanged(): void {
    const db = this.db;
    if (!db) return;
    // The engine's version too: a change in how rules are applied (or the why worded) re-evaluates like a new pack.
    const digest = rulesDigest();
    const stored = readSetting(db, 'rules.digest');
    if (stored === digest) return;
    if (casePage(db, '', 1).length === 0) {
      writeSetting(db, 'rules.digest', digest);
      return;
    }
    this.recheckDone = new Promise<void>((resolve) => {
      let after = '';
      let changed = 0;
      const step = () => {
        if (this.db !== db) return resolve(); // locked meanwhile: the next unlock starts again
        const page = casePage(db, after, 200);
        if (page.length === 0) {
          writeSetting(db, 'rules.digest', digest);
          this.log.info('rules.rechecked', { changed });
          if (changed) this.events.emit('cases.changed', { count: changed });
          return resolve();
        }
        const ctx = this.checkContext();
        db.transaction(() => page.forEach((c) => (changed += runCaseChecks(db, c, ctx).length)))();
        after = page[page.length - 1]!.id;
        setImmediate(step);
      };
      setImmediate(step);
    });
  }

  /** A second, read-only connection: an export reads one consistent snapshot while work goes on. */
  openSnapshot(): ReadableDB {
    this.database();
    if (!this.dbKey) throw new AppError('vault_locked', 'The vault is locked. Unlock it to continue.');
    return openDatabase(this.dbPath, Buffer.from(this.dbKey), { readonly: true });
  }

  /** The workstation's export-signing key (created on first use, kept in the encrypted database). */
  signingKey(): SigningKey {
    return signingKey(this.database(), this.actor);
  }

  /** Writes a signed bundle. Locking the vault cancels it; so does `signal`. */
  async createExport(
    selection: ExportSelection,
    out: string,
    o: { signal?: AbortSignal; onProgress?: (p: ExportProgress) => void; pdf?: PdfMode | null } = {},
  ): Promise<ExportResult> {
    const key = this.signingKey();
    const controller = new AbortController();
    const relay = () => controller.abort();
    o.signal?.addEventListener('abort', relay);
    if (o.signal?.aborted) controller.abort();
    this.exports.add(controller);
    const snapshot = this.openSnapshot();
    try {
      const result = await createExport(snapshot, {
        selection,
        out,
        key,
        software: { name: 'Waybill', version: WAYBILL_VERSION },
        homeJurisdiction: this.preferences.homeJurisdiction,
        now: new Date(this.now()),
        signal: controller.signal,
        pdf: o.pdf ?? null,
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      });
      this.audit('export.created', {
        manifestSha256: result.manifestSha256,
        selection,
        pdf: result.pdf,
        counts: result.counts,
        fingerprint: result.fingerprint,
      });
      return result;
    } catch (e) {
      if (this.db) this.audit(controller.signal.aborted ? 'export.cancelled' : 'export.failed', { selection });
      throw e;
    } finally {
      snapshot.close();
      this.exports.delete(controller);
      o.signal?.removeEventListener('abort', relay);
    }
  }

  /** Exports started from the UI (export/jobs.ts); each writes through createExport above. */
  private readonly exportJobList: ExportJobs;

  /** Starts an export in the background; progress arrives as export.progress events. */
  startExportJob(selection: ExportSelection, pdf: PdfMode | null = null): ExportJob {
    this.database();
    return this.exportJobList.start(selection, pdf);
  }

  cancelExportJob(id: string): ExportJob {
    return this.exportJobList.cancel(id);
  }

  exportJobs(): ExportJob[] {
    return this.exportJobList.list();
  }

  retentionContext(today = new Date(this.now()).toISOString().slice(0, 10)): RetentionContext {
    return { pack: defaultRulePack(), homeJurisdiction: this.preferences.homeJurisdiction, today };
  }

  purgeExpired(dryRun: boolean, today?: string, actor = this.actor): PurgeReport {
    const db = this.database();
    const report = purgeExpired(db, this.retentionContext(today), { actor, dryRun });
    if (!dryRun) {
      recordPurgeRun(db, new Date(this.now()).toISOString());
      if (report.purged.length) this.events.emit('cases.changed', { count: report.purged.length });
      this.log.info('retention.purged', {
        purged: report.purged.length,
        held: report.held.length,
        unsynced: report.unsynced.length,
      });
    }
    return report;
  }

  /** The scheduled purge (retention/schedule.ts), not in one-shot CLI runs: `retention purge` is explicit there. */
  private armRetention(): void {
    this.disarmRetention();
    if (this.opts.mode === 'cli') return;
    this.stopRetention = scheduleDailyPurge({
      db: () => this.db,
      enabled: () => this.preferences.retentionSchedule === 'daily',
      now: () => this.now(),
      purge: () => void this.purgeExpired(false, undefined, SYSTEM), // nobody started it: the system acts
      log: this.log,
    });
  }

  private disarmRetention(): void {
    this.stopRetention?.();
    this.stopRetention = null;
  }

  /** Locks when the analyst has been idle long enough; returns whether it locked. The timer calls this. */
  checkIdle(): boolean {
    if (!this.db) return false;
    if (this.now() - this.lastActivity < this.preferences.idleLockMinutes * 60_000) return false;
    // An export the analyst started finishes first (a million cases take longer than any idle
    // time); the lock follows at the next check. Locking by hand still cancels it.
    if (this.exports.size > 0) return false;
    this.lock('idle');
    return true;
  }

  private armIdleTimer(): void {
    this.disarmIdleTimer();
    // A CLI run has no screen to walk away from: it does what it was asked and exits.
    if (!this.db || this.opts.mode === 'cli') return;
    const idleMs = this.preferences.idleLockMinutes * 60_000;
    const schedule = (ms: number) => {
      this.idleTimer = setTimeout(() => {
        if (!this.checkIdle() && this.db) schedule(Math.max(250, this.lastActivity + idleMs - this.now()));
      }, ms).unref();
    };
    schedule(idleMs);
  }

  private disarmIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

/** Enrolment codes work for a day: long enough to hand over, short enough not to linger. */
const ENROLMENT_HOURS = 24;

/** 20 characters of Crockford base32 (100 bits) in groups of five: read aloud or typed, never guessed. */
function oneTimeCode(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % 32]!);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}

function checkNewNameOrThrow(db: WritableDB, name: string): void {
  checkNewName(db, name);
  if (!ANALYST_NAME.test(name))
    throw new AppError('invalid_input', "An analyst name is 2–60 letters, digits, spaces or . _ : ' -.");
}
