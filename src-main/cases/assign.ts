import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import type { WritableDB } from '../store/db';

/** Assigns a case to an analyst (or to nobody), with its audit event, in one transaction. */
export function assignCase(db: WritableDB, o: { caseId: string; analyst: string | null; actor: string }): void {
  db.transaction(() => {
    const r = db.prepare('UPDATE cases SET assigned_to = ? WHERE id = ?').run(o.analyst, o.caseId);
    if (!r.changes) throw new AppError('not_found', `No case ${o.caseId}.`);
    appendAudit(db, {
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
