import { useEffect, useState } from 'react';
import { SANCTIONS_SOURCES, type SanctionsPolicy, type ScreeningStatusView } from '../../../src-shared/contract';
import { useApp, asError } from '../state/app-store';

type Source = (typeof SANCTIONS_SOURCES)[number];
const NAMES: Record<Source, string> = {
  ofac: 'OFAC SDN (US Treasury)',
  eu: 'EU consolidated financial sanctions',
  un: 'UN Security Council consolidated list',
  uk: 'UK sanctions list (OFSI)',
  csl: 'US Consolidated Screening List',
};
const when = (s: string | null) => (s ? s.replace('T', ' ').slice(0, 16) : '—');

/** The lists in force, importing and fetching new versions, the freshness policy, and the history of versions. */
export function SanctionsScreen() {
  const { client, screening, busy } = useApp();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [source, setSource] = useState<Source>('ofac');
  const [path, setPath] = useState('');
  const [allowShrink, setAllowShrink] = useState(false);
  const [working, setWorking] = useState(false);
  useEffect(() => {
    if (client)
      void client.call('screening.status', {}).then(
        (s) => useApp.setState({ screening: s }),
        () => {},
      );
  }, [client]);
  const act = async (what: string, fn: () => Promise<ScreeningStatusView>) => {
    setError(null);
    setDone(null);
    setWorking(true);
    try {
      const s = await fn();
      useApp.setState({ screening: s });
      setDone(what);
      setAllowShrink(false);
    } catch (e) {
      setError(asError(e).message);
    } finally {
      setWorking(false);
    }
  };
  if (!screening || !client) return <main className="screen">Loading the sanctions lists…</main>;
  return (
    <main className="screen sanctions-screen" aria-labelledby="sanctions-h">
      <h2 id="sanctions-h">Sanctions lists</h2>
      {screening.blocked && (
        <p className="error-banner" role="alert">
          {screening.blocked}
        </p>
      )}
      {!screening.blocked && screening.warning && (
        <p className="notice" role="status">
          {screening.warning}
        </p>
      )}
      <table className="data" aria-label="Lists in force">
        <thead>
          <tr>
            <th>List</th>
            <th>Version in force</th>
            <th>Published</th>
            <th>Entries</th>
            <th>Imported</th>
            <th>By</th>
            <th>From</th>
            <th>Age</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {screening.sources.map((s) => (
            <tr key={s.source} data-testid={`list-${s.source}`}>
              <th scope="row">{NAMES[s.source as Source] ?? s.source}</th>
              <td>
                {s.inForce ? (
                  s.inForce.label
                ) : (
                  <span className="muted">not imported: not screened against this list</span>
                )}
              </td>
              <td>{s.inForce?.publishedAt ? s.inForce.publishedAt.slice(0, 10) : s.inForce ? 'not stated' : ''}</td>
              <td>{s.inForce?.entryCount.toLocaleString('en') ?? ''}</td>
              <td>{when(s.inForce?.importedAt ?? null)}</td>
              <td>{s.inForce?.importedBy ?? ''}</td>
              <td className="wrap">{s.inForce?.origin ?? ''}</td>
              <td className={s.freshness === 'block' ? 'missing' : s.freshness === 'warn' ? 'warn' : ''}>
                {s.ageDays === null
                  ? ''
                  : `${s.ageDays} d${s.freshness === 'warn' ? ' (old)' : s.freshness === 'block' ? ' (too old)' : ''}`}
              </td>
              <td>
                <button
                  type="button"
                  className="small-button"
                  disabled={working}
                  onClick={() =>
                    void act(`Fetched ${s.source} from the publisher`, () =>
                      client.call('screening.fetch', { source: s.source as Source, from: 'official', allowShrink }),
                    )
                  }
                  title={s.officialUrl}
                >
                  Fetch
                </button>{' '}
                <button
                  type="button"
                  className="small-button"
                  disabled={working}
                  onClick={() =>
                    void act(`Fetched ${s.source} from the exchange backend`, () =>
                      client.call('screening.fetch', { source: s.source as Source, from: 'backend', allowShrink }),
                    )
                  }
                >
                  From backend
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <section className="panel" aria-labelledby="import-h">
        <h3 id="import-h">Import a list file</h3>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act(`Imported ${source} from ${path}`, () =>
              client.call('screening.import', { source, path: path.trim(), allowShrink }),
            );
          }}
        >
          <label htmlFor="import-source">List</label>
          <select id="import-source" value={source} onChange={(e) => setSource(e.target.value as Source)}>
            {SANCTIONS_SOURCES.map((s) => (
              <option key={s} value={s}>
                {NAMES[s]}
              </option>
            ))}
          </select>
          <label htmlFor="import-path">
            File, or for OFAC the folder holding SDN.CSV, ALT.CSV, ADD.CSV and SDN_COMMENTS.CSV (a path on this machine)
          </label>
          <input
            id="import-path"
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/path/to/consolidated.xml"
          />
          <label className="check-line">
            <input type="checkbox" checked={allowShrink} onChange={(e) => setAllowShrink(e.target.checked)} /> The list
            really shrank: allow a version with more than {Math.round(screening.policy.maxShrink * 100)} % fewer entries
            than the one in force
          </label>
          <div className="dialog-buttons">
            <button type="submit" className="primary" disabled={working || busy || !path.trim()}>
              {working ? 'Working…' : 'Import'}
            </button>
          </div>
        </form>
        {error && (
          <p className="error-banner" role="alert" data-testid="sanctions-error">
            {error}
          </p>
        )}
        {done && (
          <p className="notice" role="status" data-testid="sanctions-done">
            {done}: cases re-screened.
          </p>
        )}
      </section>

      <PolicyForm
        policy={screening.policy}
        onSave={(p) => act('Policy saved', () => client.call('screening.policy', p))}
        working={working}
      />

      <section className="panel" aria-labelledby="history-h">
        <h3 id="history-h">History of versions</h3>
        <table className="data" aria-label="List versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Entries</th>
              <th>Imported</th>
              <th>By</th>
              <th>From</th>
              <th>Last found current</th>
              <th>In force</th>
            </tr>
          </thead>
          <tbody>
            {screening.history.map((v) => (
              <tr key={v.id}>
                <td>{v.label}</td>
                <td>{v.entryCount.toLocaleString('en')}</td>
                <td>{when(v.importedAt)}</td>
                <td>{v.importedBy ?? ''}</td>
                <td className="wrap">{v.origin ?? ''}</td>
                <td>{when(v.checkedAt)}</td>
                <td>{v.active ? 'yes' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}

function PolicyForm({
  policy,
  onSave,
  working,
}: {
  policy: SanctionsPolicy;
  onSave: (p: SanctionsPolicy) => Promise<void>;
  working: boolean;
}) {
  const [warn, setWarn] = useState(String(policy.warnDays));
  const [block, setBlock] = useState(policy.blockDays === null ? '' : String(policy.blockDays));
  const [shrink, setShrink] = useState(String(Math.round(policy.maxShrink * 100)));
  const [fourEyes, setFourEyes] = useState(policy.trueMatchFourEyes);
  const [sources, setSources] = useState<Source[]>(policy.fetch.sources);
  const [every, setEvery] = useState(String(policy.fetch.everyHours));
  const [from, setFrom] = useState(policy.fetch.from);
  const [proxy, setProxy] = useState(policy.fetch.proxy ?? '');
  const [urls, setUrls] = useState<Partial<Record<Source, string>>>(policy.fetch.urls);
  return (
    <section className="panel" aria-labelledby="policy-h">
      <h3 id="policy-h">Freshness, four eyes and fetching</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSave({
            warnDays: Number(warn),
            blockDays: block.trim() ? Number(block) : null,
            maxShrink: Number(shrink) / 100,
            trueMatchFourEyes: fourEyes,
            fetch: {
              sources,
              everyHours: Number(every),
              from,
              urls: Object.fromEntries(Object.entries(urls).filter(([, u]) => u && u.trim())),
              proxy: proxy.trim() || null,
            },
          });
        }}
      >
        <label htmlFor="warn-days">Warn in the status bar when a list is older than (days)</label>
        <input id="warn-days" type="number" min={1} max={365} value={warn} onChange={(e) => setWarn(e.target.value)} />
        <label htmlFor="block-days">Block acceptance of cases when a list is older than (days; empty: never)</label>
        <input
          id="block-days"
          type="number"
          min={1}
          max={365}
          value={block}
          onChange={(e) => setBlock(e.target.value)}
        />
        <label htmlFor="max-shrink">Refuse a new version with this share fewer entries, unless confirmed (%)</label>
        <input
          id="max-shrink"
          type="number"
          min={0}
          max={100}
          value={shrink}
          onChange={(e) => setShrink(e.target.value)}
        />
        <label className="check-line">
          <input type="checkbox" checked={fourEyes} onChange={(e) => setFourEyes(e.target.checked)} /> A true match
          needs a second analyst
        </label>
        <fieldset>
          <legend>Fetch on a schedule while unlocked</legend>
          {SANCTIONS_SOURCES.map((s) => (
            <div key={s}>
              <label className="check-line">
                <input
                  type="checkbox"
                  checked={sources.includes(s)}
                  onChange={(e) => setSources((x) => (e.target.checked ? [...x, s] : x.filter((y) => y !== s)))}
                />{' '}
                {NAMES[s]}
              </label>
              <input
                aria-label={`${s} publication URL`}
                placeholder="the publisher's official URL"
                value={urls[s] ?? ''}
                onChange={(e) => setUrls((u) => ({ ...u, [s]: e.target.value }))}
              />
            </div>
          ))}
          <label htmlFor="every-hours">Every (hours)</label>
          <input
            id="every-hours"
            type="number"
            min={1}
            max={720}
            value={every}
            onChange={(e) => setEvery(e.target.value)}
          />
          <label htmlFor="fetch-from">From</label>
          <select id="fetch-from" value={from} onChange={(e) => setFrom(e.target.value as 'official' | 'backend')}>
            <option value="official">the publishers' URLs</option>
            <option value="backend">the exchange backend</option>
          </select>
          <label htmlFor="fetch-proxy">HTTP proxy (optional, e.g. http://proxy:3128)</label>
          <input id="fetch-proxy" value={proxy} onChange={(e) => setProxy(e.target.value)} />
        </fieldset>
        <div className="dialog-buttons">
          <button type="submit" className="primary" disabled={working}>
            Save policy
          </button>
        </div>
      </form>
    </section>
  );
}
