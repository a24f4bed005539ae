import type { CaseDetail, Ivms101VersionView } from '../../../../src-shared/contract';
import { SYNC_LABEL, time } from '../../format';

// The IVMS101 record's versions (issue 18, 9): the original as received, then each repair with who,
// when, why, what changed and whether the backend has it. Nothing here edits anything.

const show = (v: unknown) => (v === undefined ? '(absent)' : typeof v === 'string' ? v : JSON.stringify(v));

export function ChangeList({ changes }: { changes: Ivms101VersionView['changes'] }) {
  return (
    <table className="grid compact diff" data-testid="repair-diff">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.path}>
            <td>
              <code>{c.path}</code>
            </td>
            <td className="diff-before">{show(c.before)}</td>
            <td className="diff-after">{show(c.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function VersionsPanel({ detail: d }: { detail: CaseDetail }) {
  if (d.ivms101Versions.length === 0) return null;
  const original = d.ivms101Versions[0]!;
  return (
    <section className="panel wide" aria-labelledby="versions-h" data-testid="ivms-versions">
      <h3 id="versions-h">IVMS101 versions ({d.ivms101Versions.length})</h3>
      <ol className="versions">
        {d.ivms101Versions.map((v) => (
          <li key={v.n} data-kind={v.kind}>
            <strong>Version {v.n}</strong> ·{' '}
            {v.kind === 'received' ? (
              <>
                as received from the backend (case version {v.caseVersion}) ·{' '}
                <span className="muted">{time(v.createdAt)}</span>
              </>
            ) : (
              <>
                repaired by {v.analyst} · <span className="muted">{time(v.createdAt)}</span> ·{' '}
                <span className={`sync sync-${v.syncState ?? 'pending'}`}>
                  {SYNC_LABEL[v.syncState ?? 'pending'] ?? v.syncState}
                </span>
                {v.syncError ? <span className="warn-text small"> {v.syncError}</span> : null}
                <div className="note">Why: {v.note}</div>
              </>
            )}
            {v.changes.length > 0 && (
              <details open={v.n === d.ivms101Versions.length}>
                <summary>What changed ({v.changes.length})</summary>
                <ChangeList changes={v.changes} />
              </details>
            )}
          </li>
        ))}
      </ol>
      <details>
        <summary>The original as received (version {original.n})</summary>
        <pre className="json" data-testid="ivms-original">
          {JSON.stringify(original.ivms101, null, 2)}
        </pre>
      </details>
    </section>
  );
}
