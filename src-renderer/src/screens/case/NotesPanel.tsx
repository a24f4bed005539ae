import { useEffect, useState } from 'react';
import type { CaseDetail, CaseNoteView } from '../../../../src-shared/contract';
import { time } from '../../format';
import { useApp } from '../../state/app-store';

// Case notes (issue 18, 10): internal to the team, never sent to a counterparty. An edit is a new
// revision; every revision stays, and the timeline shows each one.

/** The body with each mention of an enrolled analyst marked. */
function Body({ note }: { note: CaseNoteView }) {
  if (note.mentions.length === 0) return <>{note.body}</>;
  const names = [...note.mentions].sort((a, b) => b.length - a.length);
  const parts: React.ReactNode[] = [];
  let rest = note.body;
  let k = 0;
  for (;;) {
    const i = rest.search(/@/);
    if (i < 0) break;
    const name = names.find((n) =>
      rest
        .slice(i + 1)
        .toLowerCase()
        .startsWith(n.toLowerCase()),
    );
    if (!name) {
      parts.push(rest.slice(0, i + 1));
      rest = rest.slice(i + 1);
      continue;
    }
    parts.push(rest.slice(0, i));
    parts.push(
      <mark key={k++} className="mention">
        @{name}
      </mark>,
    );
    rest = rest.slice(i + 1 + name.length);
  }
  parts.push(rest);
  return <>{parts}</>;
}

export function NotesPanel({ detail: d }: { detail: CaseDetail }) {
  const { client, caseAction, busy } = useApp();
  const [body, setBody] = useState('');
  const [revising, setRevising] = useState<CaseNoteView | null>(null);
  const [analysts, setAnalysts] = useState<string[]>([]);
  useEffect(() => {
    void client
      ?.call('cases.mentionable', {})
      .then(setAnalysts)
      .catch(() => setAnalysts([]));
  }, [client]);
  const revised = new Set(d.notes.map((n) => n.revises).filter(Boolean));
  const latest = d.notes.filter((n) => !revised.has(n.id));
  const earlier = (n: CaseNoteView) => d.notes.filter((x) => x.id === n.revises);
  const save = () =>
    void caseAction((c) =>
      c.call('cases.note', { caseId: d.record.id, body, ...(revising ? { revises: revising.id } : {}) }),
    ).then((ok) => {
      if (ok) {
        setBody('');
        setRevising(null);
      }
    });
  return (
    <section className="panel" aria-labelledby="notes-h" data-testid="notes">
      <h3 id="notes-h">
        Internal notes <span className="muted small">never sent to the counterparty</span>
      </h3>
      <ol className="notes">
        {latest.map((n) => (
          <li key={n.id} data-testid="note">
            <div className="note-body">
              <Body note={n} />
            </div>
            <div className="muted small">
              {n.author} · {time(n.createdAt)}
              {n.revises ? ` · edited (${earlier(n).length} earlier version)` : ''}{' '}
              <button
                type="button"
                className="small-button"
                onClick={() => {
                  setRevising(n);
                  setBody(n.body);
                }}
              >
                Edit
              </button>
            </div>
          </li>
        ))}
        {latest.length === 0 && <li className="muted">No notes yet.</li>}
      </ol>
      <label htmlFor="note-body">{revising ? 'Edit the note (a new version; the old one stays)' : 'Add a note'}</label>
      <textarea
        id="note-body"
        rows={2}
        maxLength={4000}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && body.trim()) save();
        }}
      />
      {analysts.length > 0 && (
        <div className="row wrap small" aria-label="Mention an analyst">
          Mention:{' '}
          {analysts.map((a) => (
            <button
              key={a}
              type="button"
              className="small-button"
              onClick={() => setBody((b) => `${b}${b && !b.endsWith(' ') ? ' ' : ''}@${a} `)}
            >
              @{a}
            </button>
          ))}
        </div>
      )}
      <div className="row">
        <button type="button" className="primary" disabled={busy || !body.trim()} onClick={save}>
          {revising ? 'Save the new version' : 'Add note'}
        </button>
        {revising && (
          <button
            type="button"
            onClick={() => {
              setRevising(null);
              setBody('');
            }}
          >
            Cancel
          </button>
        )}
      </div>
    </section>
  );
}
