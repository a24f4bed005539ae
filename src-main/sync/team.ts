import { z } from 'zod';
import { appendAudit } from '../audit/chain';
import type { WritableDB } from '../store/db';
import { quarantine } from '../store/cases';

// The team feed (GET /v1/team/changes): claims, four-eyes proposals and their review, and the roster,
// as the backend — the source of truth in connected mode — records them. Each event is applied once
// (what this workstation did itself is already here and changes nothing); the audit trail names the
// analyst who acted on whichever workstation. An event that cannot be read is quarantined by name.

const name = z.string().min(1).max(200);
const time = z.iso.datetime({ offset: true });
const proposal = z.object({
  id: z.string().min(8).max(100),
  caseId: z.string().min(1).max(64),
  kind: z.enum(['accept', 'reject', 'request_information']),
  reasonCodes: z.array(z.string().max(40)).max(20),
  note: z.string().max(2000).nullable().optional(),
  proposedBy: name,
  proposedAt: time,
  caseVersion: z.number().int().min(1),
  why: z.array(z.string().max(300)).max(20),
  state: z.enum(['awaiting_approval', 'approved', 'declined']),
  reviewedBy: name.nullable().optional(),
  reviewedAt: time.nullable().optional(),
  reviewNote: z.string().max(2000).nullable().optional(),
  decisionId: z.string().max(100).nullable().optional(),
});
export const teamEventSchema = z.discriminatedUnion('type', [
  z.object({
    cursor: z.number().int().min(1),
    type: z.literal('assignment'),
    at: time,
    by: name,
    caseId: z.string().min(1).max(64),
    assignee: name.nullable(),
  }),
  z.object({
    cursor: z.number().int().min(1),
    type: z.enum(['proposal', 'review']),
    at: time,
    by: z.string().max(200),
    caseId: z.string(),
    proposal,
  }),
  z.object({
    cursor: z.number().int().min(1),
    type: z.literal('analyst'),
    at: time,
    by: z.string().max(200),
    analyst: z.object({ name, role: z.enum(['analyst', 'supervisor']), state: z.enum(['active', 'removed']) }).loose(),
  }),
]);
export type TeamEvent = z.infer<typeof teamEventSchema>;

export interface TeamApplied {
  /** Cases whose claim or proposals changed here. */
  cases: string[];
  /** Analysts the backend reports removed (the workstation removes their slot and credential). */
  removed: string[];
  quarantined: number;
}

const caseExists = (db: WritableDB, id: string) => !!db.prepare('SELECT 1 FROM cases WHERE id = ?').get(id);

/** Applies one page of team events; call in the transaction that stores the team cursor. */
export function applyTeamEvents(db: WritableDB, items: unknown[], location: string, at: string): TeamApplied {
  const out: TeamApplied = { cases: [], removed: [], quarantined: 0 };
  items.forEach((raw, i) => {
    const parsed = teamEventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      quarantine(db, {
        source: 'sync',
        location: `${location}, team event ${i + 1}`,
        reason: `not a team event: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
        raw: JSON.stringify(raw ?? null).slice(0, 100_000),
        at,
      });
      out.quarantined++;
      return;
    }
    const e = parsed.data;
    if (e.type === 'analyst') {
      if (e.analyst.state === 'removed') out.removed.push(e.analyst.name);
      return;
    }
    if (e.type === 'assignment') {
      if (!caseExists(db, e.caseId)) return; // a case this workstation does not hold: nothing to show it on
      const now = (db.prepare('SELECT assigned_to AS a FROM cases WHERE id = ?').get(e.caseId) as { a: string | null })
        .a;
      if (now === e.assignee) return;
      db.prepare('UPDATE cases SET assigned_to = ? WHERE id = ?').run(e.assignee, e.caseId);
      appendAudit(db, {
        actor: e.by,
        action: e.assignee ? 'case.assigned' : 'case.unassigned',
        caseId: e.caseId,
        payload: { ...(e.assignee ? { to: e.assignee } : {}), via: 'backend' },
        at: e.at,
      });
      out.cases.push(e.caseId);
      return;
    }
    const p = e.proposal;
    if (!caseExists(db, p.caseId)) return;
    const local = db.prepare('SELECT state FROM decision_proposals WHERE id = ?').get(p.id) as
      { state: string } | undefined;
    if (!local) {
      db.prepare(
        `INSERT INTO decision_proposals (id, case_id, kind, reason_codes, note, proposed_by, proposed_at, case_version, why, from_backend)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      ).run(
        p.id,
        p.caseId,
        p.kind,
        JSON.stringify(p.reasonCodes),
        p.note ?? null,
        p.proposedBy,
        p.proposedAt,
        p.caseVersion,
        JSON.stringify(p.why),
      );
      appendAudit(db, {
        actor: p.proposedBy,
        action: 'decision.proposed',
        caseId: p.caseId,
        payload: { proposalId: p.id, kind: p.kind, reasonCodes: p.reasonCodes, why: p.why, via: 'backend' },
        at: p.proposedAt,
      });
      out.cases.push(p.caseId);
    }
    if (p.state === 'awaiting_approval' || (local && local.state !== 'awaiting_approval')) return;
    // Reviewed on another workstation: both names here too, and the decision it made (already delivered).
    const reviewer = p.reviewedBy ?? 'backend';
    const reviewedAt = p.reviewedAt ?? e.at;
    const decisionId = p.state === 'approved' ? (p.decisionId ?? null) : null;
    if (decisionId && !db.prepare('SELECT 1 FROM decisions WHERE id = ?').get(decisionId)) {
      db.prepare(
        `INSERT INTO decisions (id, case_id, kind, reason_codes, note, analyst, case_version, decided_at, sync_state, approved_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'acked', ?)`,
      ).run(
        decisionId,
        p.caseId,
        p.kind,
        JSON.stringify(p.reasonCodes),
        p.note ?? null,
        p.proposedBy,
        p.caseVersion,
        reviewedAt,
        reviewer,
      );
      appendAudit(db, {
        actor: p.proposedBy,
        action: `decision.${p.kind}`,
        caseId: p.caseId,
        payload: {
          decisionId,
          reasonCodes: p.reasonCodes,
          caseVersion: p.caseVersion,
          approvedBy: reviewer,
          via: 'backend',
        },
        at: reviewedAt,
      });
    }
    db.prepare(
      'UPDATE decision_proposals SET state = ?, reviewed_by = ?, reviewed_at = ?, review_note = ?, decision_id = ? WHERE id = ?',
    ).run(p.state, reviewer, reviewedAt, p.reviewNote ?? null, decisionId, p.id);
    appendAudit(db, {
      actor: reviewer,
      action: p.state === 'approved' ? 'decision.approved' : 'decision.declined',
      caseId: p.caseId,
      payload: { proposalId: p.id, decisionId, proposedBy: p.proposedBy, via: 'backend' },
      at: reviewedAt,
    });
    out.cases.push(p.caseId);
  });
  return out;
}
