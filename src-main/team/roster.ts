import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import type { ReadableDB, WritableDB } from '../store/db';

// Who the analysts of this workstation are, and what each may do. The encrypted database is the
// authority for roles and states (an analyst cannot promote themselves by editing a file); the vault
// file holds only their key slots. Every change here is an audit event in the same transaction.

export const ROLES = ['analyst', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];
export type AnalystState = 'invited' | 'active' | 'removed';
/** Background work (mail delivery and receipt, the scheduled purge, re-checks) acts as this. */
export const SYSTEM = 'system';
/** Cases and changes that come from the exchange backend. */
export const BACKEND = 'backend';
/** Names that are not people: nobody may be enrolled under them. */
const RESERVED = new Set([SYSTEM, BACKEND]);

export interface Analyst {
  name: string;
  role: Role;
  state: AnalystState;
  enrolledBy: string;
  enrolledAt: string;
  removedBy: string | null;
  removedAt: string | null;
}

interface Row {
  name: string;
  role: Role;
  state: AnalystState;
  added_by: string;
  added_at: string;
  removed_by: string | null;
  removed_at: string | null;
  verifier: string;
}
const toAnalyst = (r: Row): Analyst => ({
  name: r.name,
  role: r.role,
  state: r.state,
  enrolledBy: r.added_by,
  enrolledAt: r.added_at,
  removedBy: r.removed_by,
  removedAt: r.removed_at,
});

export function analyst(db: ReadableDB, name: string): Analyst | null {
  const r = db.prepare('SELECT * FROM analysts WHERE name = ?').get(name) as Row | undefined;
  return r ? toAnalyst(r) : null;
}

/** A second analyst from before key slots (issue 15) proves who they are with this verifier until they get a slot. */
export function hasLegacyVerifier(db: ReadableDB, name: string): boolean {
  const r = db.prepare("SELECT verifier FROM analysts WHERE name = ? AND state = 'active'").get(name) as
    { verifier: string } | undefined;
  return !!r && r.verifier !== '';
}

export function clearLegacyVerifier(db: WritableDB, name: string): void {
  db.prepare("UPDATE analysts SET kdf = '', verifier = '' WHERE name = ?").run(name);
}

export function roster(db: ReadableDB): Analyst[] {
  return (db.prepare('SELECT * FROM analysts ORDER BY name').all() as Row[]).map(toAnalyst);
}

/** Throws `forbidden` unless `actor` is an active supervisor; `what` names the refused action. */
export function requireSupervisor(db: ReadableDB, actor: string, what: string): void {
  const a = analyst(db, actor);
  if (!a || a.state !== 'active' || a.role !== 'supervisor')
    throw new AppError(
      'forbidden',
      `Only a supervisor may ${what}; ${actor} is ${a ? `${a.state === 'active' ? 'an' : 'a removed'} ${a.role}` : 'not an analyst of this workstation'}.`,
    );
}

export function checkNewName(db: ReadableDB, name: string): void {
  if (RESERVED.has(name.toLowerCase()) || /^os:/i.test(name))
    throw new AppError('invalid_input', `"${name}" is reserved; choose a person's name.`);
  const found = analyst(db, name);
  if (found)
    throw new AppError(
      'conflict',
      found.state === 'removed'
        ? `${name} was an analyst here and was removed; a name is never reused, so the audit trail keeps meaning one person.`
        : `An analyst called ${name} exists already.`,
    );
}

/**
 * The vault's creator, or the one passphrase of a version-1 vault: the first supervisor. Idempotent.
 * `how` says which: 'vault.created' or 'vault.migrated'.
 */
export function ensureFirstSupervisor(
  db: WritableDB,
  name: string,
  how: 'vault.created' | 'vault.migrated',
  at = new Date().toISOString(),
): void {
  db.transaction(() => {
    const found = analyst(db, name);
    if (found?.role === 'supervisor' && found.state === 'active') return;
    if (found) {
      db.prepare("UPDATE analysts SET role = 'supervisor', state = 'active' WHERE name = ?").run(name);
      appendAudit(db, {
        actor: name,
        action: 'analyst.role_changed',
        payload: { name, from: found.role, to: 'supervisor', via: how },
        at,
      });
      return;
    }
    db.prepare(
      "INSERT INTO analysts (name, kdf, verifier, added_by, added_at, role, state) VALUES (?, '', '', ?, ?, 'supervisor', 'active')",
    ).run(name, name, at);
    appendAudit(db, { actor: name, action: 'analyst.enrolled', payload: { name, role: 'supervisor', via: how }, at });
  })();
}

/** A supervisor enrols a new analyst: invited until they redeem their one-time code. */
/**
 * A vault whose creation was cut short (the process killed after the key slot was written, before the
 * first supervisor's record was) has a slot and an empty roster. Its one slot can only be the creator's,
 * so the creator who signs in completes it; without this they would be locked out of their own vault.
 * Returns whether it did.
 */
export function completeInterruptedCreation(db: WritableDB, name: string, at = new Date().toISOString()): boolean {
  if ((db.prepare('SELECT count(*) AS n FROM analysts').get() as { n: number }).n > 0) return false;
  ensureFirstSupervisor(db, name, 'vault.created', at);
  return true;
}

export function enrolAnalyst(
  db: WritableDB,
  by: string,
  name: string,
  role: Role,
  at = new Date().toISOString(),
): Analyst {
  return db.transaction(() => {
    requireSupervisor(db, by, 'enrol analysts');
    checkNewName(db, name);
    db.prepare(
      "INSERT INTO analysts (name, kdf, verifier, added_by, added_at, role, state) VALUES (?, '', '', ?, ?, ?, 'invited')",
    ).run(name, by, at, role);
    appendAudit(db, { actor: by, action: 'analyst.enrolled', payload: { name, role }, at });
    return analyst(db, name)!;
  })();
}

/** The new analyst set their passphrase with the code: from now on they can sign in and act. */
export function activateAnalyst(db: WritableDB, name: string, at = new Date().toISOString()): void {
  db.transaction(() => {
    const a = analyst(db, name);
    if (!a || a.state !== 'invited') throw new AppError('conflict', `${name} has no pending enrolment.`);
    db.prepare("UPDATE analysts SET state = 'active' WHERE name = ?").run(name);
    appendAudit(db, { actor: name, action: 'analyst.activated', payload: { name }, at });
  })();
}

function activeSupervisors(db: ReadableDB): number {
  return (
    db.prepare("SELECT count(*) AS n FROM analysts WHERE role = 'supervisor' AND state = 'active'").get() as {
      n: number;
    }
  ).n;
}

/** Removes an analyst (their key slot goes with it, see Workstation.removeAnalyst). The last supervisor stays. */
export function removeAnalyst(db: WritableDB, by: string, name: string, at = new Date().toISOString()): void {
  db.transaction(() => {
    requireSupervisor(db, by, 'remove analysts');
    const a = analyst(db, name);
    if (!a || a.state === 'removed') throw new AppError('not_found', `No analyst ${name} to remove.`);
    if (a.role === 'supervisor' && a.state === 'active' && activeSupervisors(db) === 1)
      throw new AppError('conflict', `${name} is the last supervisor: make someone else supervisor first.`);
    db.prepare(
      "UPDATE analysts SET state = 'removed', removed_by = ?, removed_at = ?, kdf = '', verifier = '' WHERE name = ?",
    ).run(by, at, name);
    appendAudit(db, { actor: by, action: 'analyst.removed', payload: { name, role: a.role }, at });
  })();
}

export function setRole(db: WritableDB, by: string, name: string, role: Role, at = new Date().toISOString()): Analyst {
  return db.transaction(() => {
    requireSupervisor(db, by, 'change roles');
    const a = analyst(db, name);
    if (!a || a.state === 'removed') throw new AppError('not_found', `No analyst ${name}.`);
    if (a.role === role) return a;
    if (a.role === 'supervisor' && a.state === 'active' && activeSupervisors(db) === 1)
      throw new AppError('conflict', `${name} is the last supervisor: make someone else supervisor first.`);
    db.prepare('UPDATE analysts SET role = ? WHERE name = ?').run(role, name);
    appendAudit(db, { actor: by, action: 'analyst.role_changed', payload: { name, from: a.role, to: role }, at });
    return analyst(db, name)!;
  })();
}

/**
 * The backend (the source of truth in connected mode) reports an analyst removed: mark them removed
 * here, by "backend". Returns whether anything changed. The last active supervisor stays (the vault
 * would otherwise have no one to run it); the backend has revoked their credential all the same.
 */
export function removedByBackend(db: WritableDB, name: string, at = new Date().toISOString()): boolean {
  return db.transaction(() => {
    const a = analyst(db, name);
    if (!a || a.state === 'removed') return false;
    if (a.role === 'supervisor' && a.state === 'active' && activeSupervisors(db) === 1) return false;
    db.prepare(
      "UPDATE analysts SET state = 'removed', removed_by = ?, removed_at = ?, kdf = '', verifier = '' WHERE name = ?",
    ).run(BACKEND, at, name);
    appendAudit(db, { actor: BACKEND, action: 'analyst.removed', payload: { name, role: a.role, via: 'backend' }, at });
    return true;
  })();
}
