import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import type { WritableDB } from '../store/db';

/** The analyst settles a conflict the backend reported (both versions stay kept). Returns its case. */
export function resolveConflict(db: WritableDB, o: { conflictId: number; resolution: string; actor: string }): string {
  return db.transaction(() => {
    const c = db.prepare('SELECT case_id, resolved_at FROM conflicts WHERE id = ?').get(o.conflictId) as
      { case_id: string; resolved_at: string | null } | undefined;
    if (!c) throw new AppError('not_found', `No conflict ${o.conflictId}.`);
    if (c.resolved_at) throw new AppError('conflict', 'That conflict was resolved already.');
    db.prepare('UPDATE conflicts SET resolved_at = ?, resolution = ? WHERE id = ?').run(
      new Date().toISOString(),
      o.resolution,
      o.conflictId,
    );
    appendAudit(db, {
      actor: o.actor,
      action: 'sync.conflict_resolved',
      caseId: c.case_id,
      payload: { conflictId: o.conflictId, resolution: o.resolution },
    });
    return c.case_id;
  })();
}
