import type { NotificationItem, Notifications } from '../../src-shared/contract';
import type { ReadableDB, WritableDB } from '../store/db';
import { readSetting, writeSetting } from '../store/settings';

// Issue 18 point 14: what an analyst should hear about without looking — a reply on one of their cases,
// a new high-risk case, a four-eyes request they can answer. Read from what is stored (mail, the audit
// trail's arrivals, proposals), so nothing is lost while the app is closed and nothing needs a queue of
// its own. Texts carry case ids, counterparty VASP names and scores: no personal data, since an OS
// notification shows on a screen others may see.

const LIMIT = 30;

export interface FeedPolicy {
  /** A case at or above this backend risk score is high-risk (the four-eyes policy's threshold). */
  riskScoreAtLeast: number | null;
}

export function notificationsFor(db: ReadableDB, analyst: string, policy: FeedPolicy): Notifications {
  const items: NotificationItem[] = [];
  // A reply on my case: one assigned to me, or one I decided or proposed on.
  for (const r of db
    .prepare(
      `SELECT m.id, m.case_id, coalesce(m.received_at, m.created_at) AS at, c.counterparty_name
         FROM mail_messages m JOIN cases c ON c.id = m.case_id
        WHERE m.direction = 'in' AND m.state IN ('matched', 'attached')
          AND (c.assigned_to = @me
               OR EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id AND d.analyst = @me)
               OR EXISTS (SELECT 1 FROM decision_proposals p WHERE p.case_id = c.id AND p.proposed_by = @me))
        ORDER BY m.id DESC LIMIT ${LIMIT}`,
    )
    .all({ me: analyst }) as { id: number; case_id: string; at: string; counterparty_name: string | null }[])
    items.push({
      id: `reply:${r.id}`,
      kind: 'reply',
      caseId: r.case_id,
      at: r.at,
      text: `Reply from ${r.counterparty_name ?? 'the counterparty'} on case ${r.case_id}`,
    });
  // A new high-risk case: its arrival, at or above the policy's score.
  if (policy.riskScoreAtLeast !== null)
    for (const r of db
      .prepare(
        `SELECT a.case_id, a.at, c.risk_score FROM audit_events a JOIN cases c ON c.id = a.case_id
          WHERE a.action = 'case.received' AND c.risk_score >= ?
          ORDER BY a.seq DESC LIMIT ${LIMIT}`,
      )
      .all(policy.riskScoreAtLeast) as { case_id: string; at: string; risk_score: number }[])
      items.push({
        id: `risk:${r.case_id}`,
        kind: 'high_risk',
        caseId: r.case_id,
        at: r.at,
        text: `New high-risk case ${r.case_id} (risk score ${r.risk_score})`,
      });
  // A four-eyes request I can answer: awaiting approval, proposed by someone else.
  for (const r of db
    .prepare(
      `SELECT id, case_id, proposed_by, proposed_at, kind FROM decision_proposals
        WHERE state = 'awaiting_approval' AND proposed_by <> ? ORDER BY proposed_at DESC LIMIT ${LIMIT}`,
    )
    .all(analyst) as { id: string; case_id: string; proposed_by: string; proposed_at: string; kind: string }[])
    items.push({
      id: `four-eyes:${r.id}`,
      kind: 'four_eyes',
      caseId: r.case_id,
      at: r.proposed_at,
      text: `${r.proposed_by} asks for your approval to ${r.kind.replace(/_/g, ' ')} case ${r.case_id}`,
    });
  items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.id < b.id ? 1 : -1));
  const seen = readSetting(db, 'notifications.seen')?.[analyst] ?? '';
  const list = items.slice(0, LIMIT).map((i) => ({ ...i, unread: i.at > seen }));
  return { items: list, unread: list.filter((i) => i.unread).length };
}

/** Marks everything up to `upTo` as seen by the analyst (never moves backwards). */
export function markSeen(db: WritableDB, analyst: string, upTo: string): void {
  const all = readSetting(db, 'notifications.seen') ?? {};
  if ((all[analyst] ?? '') >= upTo) return;
  writeSetting(db, 'notifications.seen', { ...all, [analyst]: upTo });
}
