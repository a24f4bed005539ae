import type { CaseDetail } from '../../../../src-shared/contract';
import { time } from '../../format';

const NAME: Record<string, string> = {
  travel_rule: 'Travel Rule',
  ivms101: 'IVMS101',
  screening: 'Sanctions screening',
};

const outcomeLabel = (o: string) => (o.charAt(0).toUpperCase() + o.slice(1)).replace(/_/g, ' ');

// Results that a later one replaced (a new rule pack, FX rate, list or disposition), kept as they were:
// the analyst and the examiner can see what the case showed at any decision. Nothing here edits anything.
export function SupersededChecksPanel({ detail: d }: { detail: CaseDetail }) {
  if (d.supersededChecks.length === 0) return null;
  return (
    <section className="panel wide" aria-labelledby="superseded-h" data-testid="superseded-checks">
      <h3 id="superseded-h">Earlier check results ({d.supersededChecks.length})</h3>
      <table className="grid compact">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Result</th>
            <th scope="col">In force</th>
          </tr>
        </thead>
        <tbody>
          {d.supersededChecks.map((k) => (
            <tr key={`${k.name} ${k.n}`}>
              <td>{NAME[k.name] ?? k.name}</td>
              <td>
                <strong>{outcomeLabel(k.outcome)}</strong> · {k.summary}
              </td>
              <td className="muted">
                {time(k.computedAt)} – {time(k.supersededAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
