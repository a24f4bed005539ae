import type { MailSettingsView, MailView } from '../../src-shared/contract';
import type { ReadableDB } from '../store/db';
import { publicMailConfig, readMailConfig } from './config';
import { templates } from './templates';

function toView(db: ReadableDB, r: Record<string, unknown>): MailView {
  return {
    id: r.id as number,
    direction: r.direction as 'out' | 'in',
    kind: r.kind as string,
    subject: r.subject as string,
    from: (r.from_addr as string | null) ?? null,
    to: (r.to_addr as string | null) ?? null,
    state: r.state as string,
    encrypted: r.encrypted === 1,
    createdAt: r.created_at as string,
    sentAt: (r.sent_at as string | null) ?? null,
    receivedAt: (r.received_at as string | null) ?? null,
    bodyText: (r.body_text as string | null) ?? null,
    attachments: (
      db
        .prepare(
          'SELECT id, filename, size, content IS NOT NULL AS stored FROM mail_attachments WHERE message_id = ? ORDER BY id',
        )
        .all(r.id) as { id: number; filename: string; size: number; stored: number }[]
    ).map((a) => ({ ...a, stored: a.stored === 1 })),
    lastError: (r.last_error as string | null) ?? null,
    triageReason: (r.triage_reason as string | null) ?? null,
    caseId: (r.case_id as string | null) ?? null,
  };
}

export function caseMail(db: ReadableDB, caseId: string): MailView[] {
  return (
    db.prepare('SELECT * FROM mail_messages WHERE case_id = ? ORDER BY id').all(caseId) as Record<string, unknown>[]
  ).map((r) => toView(db, r));
}

export function triageList(db: ReadableDB): MailView[] {
  return (
    db.prepare("SELECT * FROM mail_messages WHERE state = 'triage' ORDER BY id DESC LIMIT 500").all() as Record<
      string,
      unknown
    >[]
  ).map((r) => toView(db, r));
}

export function mailSettings(db: ReadableDB, lastError: string | null): MailSettingsView {
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return {
    config: publicMailConfig(readMailConfig(db)),
    templates: templates(db),
    keys: db.prepare('SELECT vasp_id AS vaspId, fingerprint FROM counterparty_keys ORDER BY vasp_id').all() as {
      vaspId: string;
      fingerprint: string;
    }[],
    status: {
      queued: n("SELECT count(*) AS n FROM mail_messages WHERE direction = 'out' AND state = 'queued'"),
      uncertain: n("SELECT count(*) AS n FROM mail_messages WHERE direction = 'out' AND state = 'sending'"),
      triage: n("SELECT count(*) AS n FROM mail_messages WHERE state = 'triage'"),
      lastError,
    },
  };
}
