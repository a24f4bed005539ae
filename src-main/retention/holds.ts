import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import type { ReadableDB, WritableDB } from '../store/db';

export interface LegalHold {
  caseId: string;
  reason: string;
  setBy: string;
  setAt: string;
}

export function legalHold(db: ReadableDB, caseId: string): LegalHold | null {
  const r = db
    .prepare('SELECT case_id AS caseId, reason, set_by AS setBy, set_at AS setAt FROM legal_holds WHERE case_id = ?')
    .get(caseId) as LegalHold | undefined;
  return r ?? null;
}

/** Puts a case on hold (or changes the reason), or releases it (reason null). Audited either way. */
export function setLegalHold(
  db: WritableDB,
  caseId: string,
  reason: string | null,
  actor: string,
  at = new Date().toISOString(),
): LegalHold | null {
  return db.transaction(() => {
    if (!db.prepare('SELECT 1 FROM cases WHERE id = ?').get(caseId))
      throw new AppError('not_found', `No case ${caseId}.`);
    if (reason === null) {
      const r = db.prepare('DELETE FROM legal_holds WHERE case_id = ?').run(caseId);
      if (r.changes) appendAudit(db, { actor, action: 'case.legal_hold_released', caseId, payload: {}, at });
      return null;
    }
    const trimmed = reason.trim();
    if (!trimmed)
      throw new AppError('invalid_input', 'A legal hold needs a reason (for example the matter or request it serves).');
    db.prepare(
      'INSERT INTO legal_holds (case_id, reason, set_by, set_at) VALUES (?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at',
    ).run(caseId, trimmed, actor, at);
    appendAudit(db, { actor, action: 'case.legal_hold_set', caseId, payload: {}, at }); // free text stays out of the audit trail, which outlives purges
    return { caseId, reason: trimmed, setBy: actor, setAt: at };
  })();
}
