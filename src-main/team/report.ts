import type { ReadableDB } from '../store/db';
import { roster } from './roster';

// What a regulator needs to check four eyes from an export alone: who the analysts were (enrolled
// when and by whom, removed when and by whom), every role change, and every proposal on the exported
// cases with who proposed and who reviewed it. report.pdf prints these lines.

export interface TeamReport {
  analysts: string[];
  roleChanges: string[];
  pairs: string[];
}

export function teamReport(db: ReadableDB, where: { sql: string; params: Record<string, unknown> }): TeamReport {
  const analysts = roster(db).map(
    (a) =>
      `${a.name} · ${a.role} · enrolled ${a.enrolledAt} by ${a.enrolledBy}` +
      (a.state === 'invited' ? ' · invited, has not set a passphrase' : '') +
      (a.state === 'removed' ? ` · removed ${a.removedAt ?? '?'} by ${a.removedBy ?? '?'}` : ''),
  );
  const roleChanges = (
    db
      .prepare("SELECT at, actor, payload FROM audit_events WHERE action = 'analyst.role_changed' ORDER BY seq")
      .all() as { at: string; actor: string; payload: string }[]
  ).map((r) => {
    const p = JSON.parse(r.payload) as { name?: string; from?: string; to?: string };
    return `${r.at} · ${p.name ?? '?'}: ${p.from ?? '?'} → ${p.to ?? '?'} by ${r.actor}`;
  });
  const pairs = (
    db
      .prepare(
        `SELECT p.case_id, p.kind, p.proposed_by, p.proposed_at, p.state, p.reviewed_by, p.reviewed_at
         FROM decision_proposals p JOIN cases c ON c.id = p.case_id WHERE ${where.sql} ORDER BY p.proposed_at, p.id`,
      )
      .all(where.params) as {
      case_id: string;
      kind: string;
      proposed_by: string;
      proposed_at: string;
      state: string;
      reviewed_by: string | null;
      reviewed_at: string | null;
    }[]
  ).map(
    (p) =>
      `Case ${p.case_id}: ${p.kind.replace(/_/g, ' ')} proposed by ${p.proposed_by} at ${p.proposed_at} · ` +
      (p.reviewed_by ? `${p.state} by ${p.reviewed_by} at ${p.reviewed_at ?? '?'}` : p.state.replace(/_/g, ' ')),
  );
  return { analysts, roleChanges, pairs };
}
