import { useEffect, useState, type FormEvent } from 'react';
import type { AnalystEntry, AnalystRole } from '../../../src-shared/contract';
import { asError, useApp } from '../state/app-store';

/**
 * Who works on this workstation. Everyone sees the roster; a supervisor enrols (the one-time code is
 * shown here once, for the new analyst to redeem at the sign-in screen), changes roles and removes.
 */
export function AnalystsPanel() {
  const { client, status } = useApp();
  const [roster, setRoster] = useState<AnalystEntry[]>([]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<AnalystRole>('analyst');
  const [issued, setIssued] = useState<{ name: string; code: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const me = status?.analyst ?? null;
  const supervisor = me?.role === 'supervisor';

  useEffect(() => {
    if (client) void client.call('analysts.roster', {}).then(setRoster, () => {});
  }, [client]);

  const guard = async (fn: () => Promise<void>) => {
    try {
      setError(null);
      await fn();
    } catch (e) {
      setError(asError(e).message);
    }
  };
  const enrol = (e: FormEvent) => {
    e.preventDefault();
    void guard(async () => {
      if (!client) return;
      const r = await client.call('analysts.enrol', { name: name.trim(), role });
      setIssued({ name: r.name, code: r.code, expiresAt: r.expiresAt });
      setName('');
      setRoster(await client.call('analysts.roster', {}));
      useApp.setState({ facets: await client.call('cases.facets', {}) });
    });
  };
  const changeRole = (who: string, to: AnalystRole) =>
    void guard(async () => {
      if (client) setRoster(await client.call('analysts.setRole', { name: who, role: to }));
    });
  const remove = (who: string) =>
    void guard(async () => {
      if (client) setRoster(await client.call('analysts.remove', { name: who }));
    });

  return (
    <section className="panel" aria-labelledby="an-h">
      <h3 id="an-h">Analysts</h3>
      <p className="muted" data-testid="signed-in-as">
        You are {me ? `${me.name} (${me.role})` : 'not signed in'}. Each analyst signs in and approves with their own
        passphrase.
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>State</th>
            <th>Enrolled by</th>
            {supervisor && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {roster.map((a) => (
            <tr key={a.name} data-testid={`analyst-${a.name}`}>
              <td>{a.name}</td>
              <td>
                {supervisor && a.state !== 'removed' ? (
                  <select
                    aria-label={`Role of ${a.name}`}
                    value={a.role}
                    onChange={(e) => changeRole(a.name, e.target.value as AnalystRole)}
                  >
                    <option value="analyst">analyst</option>
                    <option value="supervisor">supervisor</option>
                  </select>
                ) : (
                  a.role
                )}
              </td>
              <td>{a.state}</td>
              <td>{a.enrolledBy}</td>
              {supervisor && (
                <td>
                  {a.state !== 'removed' && a.name !== me?.name && (
                    <button type="button" className="danger" onClick={() => remove(a.name)}>
                      Remove {a.name}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {supervisor && (
        <form onSubmit={enrol}>
          <label htmlFor="an-name">Enrol an analyst: name</label>
          <input id="an-name" type="text" value={name} onChange={(e) => setName(e.target.value)} />
          <label htmlFor="an-role">Role</label>
          <select id="an-role" value={role} onChange={(e) => setRole(e.target.value as AnalystRole)}>
            <option value="analyst">analyst</option>
            <option value="supervisor">supervisor</option>
          </select>
          <button type="submit" disabled={name.trim().length < 2}>
            Enrol analyst
          </button>
        </form>
      )}
      {issued && (
        <p role="status">
          One-time code for {issued.name}: <code data-testid="enrolment-code">{issued.code}</code> (until{' '}
          {issued.expiresAt.slice(0, 16).replace('T', ' ')} UTC). Give it to them in person; they choose their
          passphrase with it at the sign-in screen. It is not shown again.
        </p>
      )}
    </section>
  );
}
