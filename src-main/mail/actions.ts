import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import { caseHead } from '../store/cases';
import type { WritableDB } from '../store/db';
import { enqueue } from '../store/outbox';
import type { MailConfig } from './config';
import { newMessageId } from './reference';
import { processMailOutbox } from './send';

// What an analyst does with mail beyond composing: test the settings, attach a message from triage
// to its case, and record a counterparty's answer (which leaves for the backend through the outbox).

/** Sends one test message to our own address, now. A failed test is not retried: it is removed. */
export async function sendTestMessage(
  db: WritableDB,
  config: MailConfig,
  actor: string,
): Promise<{ sent: boolean; error: string | null }> {
  const now = new Date().toISOString();
  const id = Number(
    db
      .prepare(
        `INSERT INTO mail_messages (case_id, direction, kind, message_id, subject, from_addr, to_addr, body_text, state, next_attempt_at, created_at)
         VALUES (NULL, 'out', 'test', ?, 'Waybill test message', ?, ?, 'This is a test message from Waybill. It carries no personal data.', 'queued', ?, ?)`,
      )
      .run(newMessageId(config.address), config.address, config.address, now, now).lastInsertRowid,
  );
  const r = await processMailOutbox(db, { actor });
  const row = db.prepare('SELECT state, last_error FROM mail_messages WHERE id = ?').get(id) as {
    state: string;
    last_error: string | null;
  };
  if (row.state !== 'sent') db.prepare("DELETE FROM mail_messages WHERE id = ? AND state != 'sent'").run(id); // a test is not retried
  return { sent: row.state === 'sent', error: row.state === 'sent' ? null : (row.last_error ?? r.error ?? 'not sent') };
}

/** Files a message from triage under a case, with its audit event. */
export function attachToCase(db: WritableDB, o: { mailId: number; caseId: string; actor: string }): void {
  db.transaction(() => {
    if (!caseHead(db, o.caseId)) throw new AppError('not_found', `No case ${o.caseId}.`);
    const r = db
      .prepare("UPDATE mail_messages SET case_id = ?, state = 'attached' WHERE id = ? AND state = 'triage'")
      .run(o.caseId, o.mailId);
    if (!r.changes) throw new AppError('conflict', 'That message is not in triage any more.');
    appendAudit(db, { actor: o.actor, action: 'mail.attached', caseId: o.caseId, payload: { mailId: o.mailId } });
  })();
}

/** Records the counterparty's answer read in a received message and queues it for the backend. Returns the case. */
export function recordResponse(
  db: WritableDB,
  o: { mailId: number; outcome: string; reason: string | null; actor: string },
): string {
  const m = db
    .prepare("SELECT case_id, received_at FROM mail_messages WHERE id = ? AND direction = 'in'")
    .get(o.mailId) as { case_id: string | null; received_at: string } | undefined;
  if (!m?.case_id)
    throw new AppError('invalid_input', 'Record an answer from a received message that belongs to a case.');
  const caseId = m.case_id;
  const head = caseHead(db, caseId);
  if (!head) throw new AppError('not_found', `No case ${caseId}.`);
  const now = new Date().toISOString();
  db.transaction(() => {
    enqueue(db, {
      kind: 'counterparty_response',
      caseId,
      key: randomUUID(),
      baseVersion: head.version,
      payload: { outcome: o.outcome, reason: o.reason, receivedAt: m.received_at, via: 'email' },
      at: now,
      actor: o.actor,
    });
    appendAudit(db, {
      actor: o.actor,
      action: 'mail.response_recorded',
      caseId,
      payload: { mailId: o.mailId, outcome: o.outcome },
      at: now,
    });
  })();
  return caseId;
}
