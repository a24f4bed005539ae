import type { CaseDetail } from '../../../../src-shared/contract';
import { time } from '../../format';

/** The case's audit trail, oldest first. */
export function TimelinePanel({ detail: d }: { detail: CaseDetail }) {
  return (
    <section className="panel" aria-labelledby="tl-h">
      <h3 id="tl-h">Timeline (audit trail)</h3>
      <ol className="timeline">
        {d.timeline.map((e) => (
          <li key={e.seq}>
            <span className="muted">{time(e.at, true)}</span> <code>{e.action}</code> by {e.actor}{' '}
            <span className="muted">#{e.seq}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
