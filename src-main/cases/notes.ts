import { randomUUID } from 'node:crypto';
import { AppError } from '../../src-shared/result';
import { appendAudit } from '../audit/chain';
import { caseHead } from '../store/cases';
import type { ReadableDB, WritableDB } from '../store/db';
import { roster } from '../team/roster';

// Case notes (issue 18, 10): internal to the team. Nothing here queues mail or an outbox entry, so a
// note never reaches a counterparty or the backend. Append-only: an edit is a new revision naming
// the note it revises (a trigger refuses UPDATE), and the timeline shows every revision.

export const MAX_NOTE_LENGTH = 4000;

export interface CaseNote {
  id: string;
  caseId: string;
  /** The note this one revises, or null for a first version. */
  revises: string | null;
  body: string;
  /** Enrolled analysts named with @Name in the body. */
  mentions: string[];
  author: string;
  createdAt: string;
}

/**
 * The enrolled (invited or active) analysts the body names with "@Name". Names may hold spaces, so
 * the longest enrolled name that follows an "@" wins; an "@" naming nobody (an e-mail address) is text.
 */
export function findMentions(body: string, names: readonly string[]): string[] {
  const sorted = [...names].sort((a, b) => b.length - a.length);
  const found = new Set<string>();
  for (let i = body.indexOf('@'); i >= 0; i = body.indexOf('@', i + 1)) {
    if (i > 0 && /[\p{L}\p{N}._-]/u.test(body[i - 1]!)) continue; // inside an address: ops@vasp.example
    const rest = body.slice(i + 1);
    const name = sorted.find(
      (n) => rest.toLowerCase().startsWith(n.toLowerCase()) && !/[\p{L}\p{N}_-]/u.test(rest[n.length] ?? ''),
    );
    if (name) found.add(name);
  }
  return [...found];
}

/** The analysts a note may mention: everyone enrolled and not removed. */
export function mentionable(db: ReadableDB): string[] {
  return roster(db)
    .filter((a) => a.state !== 'removed')
    .map((a) => a.name);
}

export function addNote(
  db: WritableDB,
  o: { caseId: string; body: string; author: string; revises?: string | null; at?: string },
): CaseNote {
  const body = o.body.trim();
  if (!body) throw new AppError('invalid_input', 'The note is empty.');
  if (body.length > MAX_NOTE_LENGTH)
    throw new AppError('invalid_input', `The note is ${body.length} characters, longer than ${MAX_NOTE_LENGTH}.`);
  return db.transaction((): CaseNote => {
    if (!caseHead(db, o.caseId)) throw new AppError('not_found', `No case ${o.caseId}.`);
    if (o.revises) {
      const prev = db.prepare('SELECT case_id FROM case_notes WHERE id = ?').get(o.revises) as
        { case_id: string } | undefined;
      if (!prev || prev.case_id !== o.caseId)
        throw new AppError('not_found', `No note ${o.revises} on case ${o.caseId} to revise.`);
      if (db.prepare('SELECT 1 FROM case_notes WHERE revises = ?').get(o.revises))
        throw new AppError('conflict', 'That note has been revised already: revise its latest version.');
    }
    const enrolled = mentionable(db);
    const note: CaseNote = {
      id: randomUUID(),
      caseId: o.caseId,
      revises: o.revises ?? null,
      body,
      mentions: findMentions(body, enrolled),
      author: o.author,
      createdAt: o.at ?? new Date().toISOString(),
    };
    db.prepare(
      'INSERT INTO case_notes (id, case_id, revises, body, mentions, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(note.id, note.caseId, note.revises, note.body, JSON.stringify(note.mentions), note.author, note.createdAt);
    // The body stays out of the audit payload (it may hold personal data); its id and mentions go in.
    appendAudit(db, {
      actor: o.author,
      action: note.revises ? 'note.revised' : 'note.added',
      caseId: o.caseId,
      payload: { noteId: note.id, revises: note.revises, mentions: note.mentions },
      at: note.createdAt,
    });
    return note;
  })();
}

type Row = {
  id: string;
  case_id: string;
  revises: string | null;
  body: string;
  mentions: string;
  author: string;
  created_at: string;
};
const toNote = (r: Row): CaseNote => ({
  id: r.id,
  caseId: r.case_id,
  revises: r.revises,
  body: r.body,
  mentions: JSON.parse(r.mentions) as string[],
  author: r.author,
  createdAt: r.created_at,
});

/** Every note and revision of a case, oldest first. */
export function notesForCase(db: ReadableDB, caseId: string): CaseNote[] {
  return (db.prepare('SELECT * FROM case_notes WHERE case_id = ? ORDER BY created_at, rowid').all(caseId) as Row[]).map(
    toNote,
  );
}
