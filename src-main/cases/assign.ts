import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import { randomUUID } from 'node:crypto';
import type { WritableDB } from '../store/db';
import { enqueue } from '../store/outbox';

/** Assigns a case to an analyst (or to nobody), with its audit event and outbox entry, in one transaction. */
export function assignCase(db: WritableDB, o: { caseId: string; analyst: string | null; actor: string }): void {
  db.transaction(() => {
    const r = db.prepare('UPDATE cases SET assigned_to = ? WHERE id = ?').run(o.analyst, o.caseId);
    if (!r.changes) throw new AppError('not_found', `No case ${o.caseId}.`);
    const at = new Date().toISOString();
    // The claim goes to the backend so every workstation shows it (connected mode).
    const version = (db.prepare('SELECT version FROM cases WHERE id = ?').get(o.caseId) as { version: number }).version;
    enqueue(db, {
      kind: 'assignment',
      caseId: o.caseId,
      key: randomUUID(),
      baseVersion: version,
      payload: { assignee: o.analyst, at },
      at,
      actor: o.actor,
    });
    appendAudit(db, {
      at,
      actor: o.actor,
      action: o.analyst ? 'case.assigned' : 'case.unassigned',
      caseId: o.caseId,
      payload: o.analyst ? { to: o.analyst } : {},
    });
  })();
}

/** The latest decision on a case, for the mail that tells the counterparty about it. */
export function lastDecision(db: WritableDB, caseId: string): { kind: string; reasonCodes: string[] } | null {
  const last = db
    .prepare('SELECT kind, reason_codes FROM decisions WHERE case_id = ? ORDER BY decided_at DESC LIMIT 1')
    .get(caseId) as { kind: string; reason_codes: string } | undefined;
  return last ? { kind: last.kind, reasonCodes: JSON.parse(last.reason_codes) as string[] } : null;
}
