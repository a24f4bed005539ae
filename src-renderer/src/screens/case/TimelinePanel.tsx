import type { CaseDetail } from '../../../../src-shared/contract';
import { time } from '../../format';

/** The case's audit trail, oldest first; a note's text and a repair's fields are shown on their events. */
export function TimelinePanel({ detail: d }: { detail: CaseDetail }) {
  const notes = new Map(d.notes.map((n) => [n.id, n]));
  return (
    <section className="panel" aria-labelledby="tl-h">
      <h3 id="tl-h">Timeline (audit trail)</h3>
      <ol className="timeline">
        {d.timeline.map((e) => {
          const note = typeof e.details?.noteId === 'string' ? notes.get(e.details.noteId) : undefined;
          const fields = e.action === 'case.repaired' && Array.isArray(e.details?.fields) ? e.details.fields : null;
          return (
            <li key={e.seq} data-action={e.action}>
              <span className="muted">{time(e.at, true)}</span> <code>{e.action}</code> by {e.actor}{' '}
              <span className="muted">#{e.seq}</span>
              {note && (
                <div className="note" data-testid="timeline-note">
                  {note.body}
                  {note.mentions.length ? <span className="muted"> · mentions {note.mentions.join(', ')}</span> : null}
                </div>
              )}
              {fields && <div className="note small">IVMS101 fields: {fields.map(String).join(', ')}</div>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
