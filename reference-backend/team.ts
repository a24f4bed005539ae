import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { BackendDB } from './store';

// The team as the reference backend keeps it (issue 15 point 4): analysts with a credential each,
// claims, four-eyes proposals and their review, and the team feed every workstation follows.

export type TeamRole = 'analyst' | 'supervisor';
/** Who made a request: an analyst by their own credential, or the deprecated shared workstation token. */
export type Who = { kind: 'analyst'; name: string; role: TeamRole } | { kind: 'shared'; name: string | null };

/** The workstation's analyst names (src-main/vault/vault.ts ANALYST_NAME). */
export const ANALYST_NAME = /^[\p{L}\p{N} ._:'-]{2,60}$/u;
export const analystName = z.string().regex(ANALYST_NAME, "2-60 letters, digits, spaces or . _ : ' -");

export interface TeamAnalyst {
  name: string;
  role: TeamRole;
  state: 'active' | 'removed';
  enrolledAt: string;
  enrolledBy: string;
  removedAt: string | null;
  removedBy: string | null;
}

export interface BackendProposal {
  id: string;
  caseId: string;
  kind: 'accept' | 'reject' | 'request_information';
  reasonCodes: string[];
  note: string | null;
  proposedBy: string;
  proposedAt: string;
  caseVersion: number;
  why: string[];
  state: 'awaiting_approval' | 'approved' | 'declined';
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewNote: string | null;
  decisionId: string | null;
}

export type TeamEvent =
  | { cursor: number; type: 'assignment'; at: string; by: string; caseId: string; assignee: string | null }
  | { cursor: number; type: 'proposal' | 'review'; at: string; by: string; caseId: string; proposal: BackendProposal }
  | { cursor: number; type: 'analyst'; at: string; by: string; analyst: TeamAnalyst };

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

interface AnalystRow {
  name: string;
  role: TeamRole;
  state: 'active' | 'removed';
  enrolled_at: string;
  enrolled_by: string;
  removed_at: string | null;
  removed_by: string | null;
}
const toAnalyst = (r: AnalystRow): TeamAnalyst => ({
  name: r.name,
  role: r.role,
  state: r.state,
  enrolledAt: r.enrolled_at,
  enrolledBy: r.enrolled_by,
  removedAt: r.removed_at,
  removedBy: r.removed_by,
});

export function teamAnalyst(db: BackendDB, name: string): TeamAnalyst | null {
  const r = db.prepare('SELECT * FROM analysts WHERE name = ?').get(name) as AnalystRow | undefined;
  return r ? toAnalyst(r) : null;
}

export function teamAnalysts(db: BackendDB): TeamAnalyst[] {
  return (db.prepare('SELECT * FROM analysts ORDER BY name').all() as AnalystRow[]).map(toAnalyst);
}

/** The analyst whose (active) credential this is; a removed analyst's credential matches nobody. */
export function analystByCredential(db: BackendDB, credential: string): { name: string; role: TeamRole } | null {
  return (
    (db
      .prepare("SELECT name, role FROM analysts WHERE credential_sha256 = ? AND state = 'active'")
      .get(sha256(credential)) as { name: string; role: TeamRole } | undefined) ?? null
  );
}

export function appendTeamEvent(db: BackendDB, e: DistributiveOmit<TeamEvent, 'cursor'>): TeamEvent {
  const r = db.prepare('INSERT INTO team_events (body) VALUES (?)').run(JSON.stringify(e));
  return { ...e, cursor: Number(r.lastInsertRowid) } as TeamEvent;
}

export function teamChangesAfter(db: BackendDB, after: number, limit: number): TeamEvent[] {
  return (
    db.prepare('SELECT cursor, body FROM team_events WHERE cursor > ? ORDER BY cursor LIMIT ?').all(after, limit) as {
      cursor: number;
      body: string;
    }[]
  ).map((r) => ({ ...(JSON.parse(r.body) as Omit<TeamEvent, 'cursor'>), cursor: r.cursor }) as TeamEvent);
}

/** Enrols an analyst and returns their credential (shown once; only its SHA-256 is kept). */
export function enrolTeamAnalyst(
  db: BackendDB,
  name: string,
  role: TeamRole,
  by: string,
  at = new Date().toISOString(),
): { analyst: TeamAnalyst; credential: string } {
  const credential = `wbc_${randomBytes(24).toString('base64url')}`;
  return db.transaction(() => {
    db.prepare(
      "INSERT INTO analysts (name, role, state, credential_sha256, enrolled_at, enrolled_by) VALUES (?, ?, 'active', ?, ?, ?)",
    ).run(name, role, sha256(credential), at, by);
    const analyst = teamAnalyst(db, name)!;
    appendTeamEvent(db, { type: 'analyst', at, by, analyst });
    return { analyst, credential };
  })();
}

/** Removes an analyst: their credential stops working at once. */
export function removeTeamAnalyst(db: BackendDB, name: string, by: string, at = new Date().toISOString()): TeamAnalyst {
  return db.transaction(() => {
    db.prepare(
      "UPDATE analysts SET state = 'removed', removed_at = ?, removed_by = ? WHERE name = ? AND state = 'active'",
    ).run(at, by, name);
    const analyst = teamAnalyst(db, name)!;
    appendTeamEvent(db, { type: 'analyst', at, by, analyst });
    return analyst;
  })();
}

export function proposalById(db: BackendDB, id: string): (BackendProposal & { receivedAt: string }) | null {
  const r = db.prepare('SELECT data, received_at FROM proposals WHERE id = ?').get(id) as
    { data: string; received_at: string } | undefined;
  return r ? { ...(JSON.parse(r.data) as BackendProposal), receivedAt: r.received_at } : null;
}

export function openProposalFor(db: BackendDB, caseId: string): BackendProposal | null {
  const r = db.prepare("SELECT data FROM proposals WHERE case_id = ? AND state = 'awaiting_approval'").get(caseId) as
    { data: string } | undefined;
  return r ? (JSON.parse(r.data) as BackendProposal) : null;
}

export function putProposal(db: BackendDB, p: BackendProposal, receivedAt: string): void {
  db.prepare(
    'INSERT INTO proposals (id, case_id, state, received_at, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET state = excluded.state, data = excluded.data',
  ).run(p.id, p.caseId, p.state, receivedAt, JSON.stringify(p));
}

export const proposalBody = z
  .object({
    kind: z.enum(['accept', 'reject', 'request_information']),
    reasonCodes: z.array(z.string().max(40)).max(20),
    note: z.string().max(2000).nullable().optional(),
    proposedBy: analystName,
    proposedAt: z.iso.datetime({ offset: true }),
    caseVersion: z.number().int().min(1),
    why: z.array(z.string().max(300)).max(20),
  })
  .strict();

export const declineBody = z
  .object({ note: z.string().max(2000).nullable().optional(), reviewedAt: z.iso.datetime({ offset: true }) })
  .strict();

export const assignmentBody = z
  .object({ assignee: analystName.nullable(), at: z.iso.datetime({ offset: true }) })
  .strict();

export const enrolBody = z.object({ name: analystName, role: z.enum(['analyst', 'supervisor']) }).strict();

/** A stored answer to an idempotent team write, or undefined. */
export function teamReplay(db: BackendDB, key: string): { status: number; response: string } | undefined {
  return db.prepare('SELECT status, response FROM team_requests WHERE idempotency_key = ?').get(key) as
    { status: number; response: string } | undefined;
}

export function rememberTeamAnswer(db: BackendDB, key: string, status: number, response: unknown): void {
  db.prepare('INSERT OR REPLACE INTO team_requests (idempotency_key, status, response) VALUES (?, ?, ?)').run(
    key,
    status,
    JSON.stringify(response),
  );
}

/** The name a request acts under: the credential's analyst, or (shared token only) the X-Analyst header. */
export function actingName(who: Who, req: IncomingMessage): string | null {
  if (who.kind === 'analyst') return who.name;
  const h = req.headers['x-analyst'];
  return typeof h === 'string' && ANALYST_NAME.test(h) ? h : null;
}
