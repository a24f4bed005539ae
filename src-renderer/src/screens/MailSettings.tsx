import { useEffect, useState, type FormEvent } from 'react';
import type { MailSettingsView } from '../../../src-shared/contract';
import { asError, useApp } from '../state/app-store';

type Server = {
  host: string;
  port: string;
  secure: boolean;
  user: string;
  password: string;
  allowInsecureLoopback: boolean;
};
const blank: Server = { host: '', port: '', secure: true, user: '', password: '', allowInsecureLoopback: false };

function ServerFields({
  id,
  label,
  value,
  onChange,
  passwordSet,
}: {
  id: string;
  label: string;
  value: Server;
  onChange: (s: Server) => void;
  passwordSet: boolean;
}) {
  const set = (patch: Partial<Server>) => onChange({ ...value, ...patch });
  return (
    <fieldset>
      <legend>{label}</legend>
      <label htmlFor={`${id}-host`}>Host</label>
      <input id={`${id}-host`} type="text" value={value.host} onChange={(e) => set({ host: e.target.value })} />
      <label htmlFor={`${id}-port`}>Port</label>
      <input id={`${id}-port`} type="number" value={value.port} onChange={(e) => set({ port: e.target.value })} />
      <label className="check-line">
        <input type="checkbox" checked={value.secure} onChange={(e) => set({ secure: e.target.checked })} /> TLS from
        the start (otherwise STARTTLS, required)
      </label>
      <label className="check-line">
        <input
          type="checkbox"
          checked={value.allowInsecureLoopback}
          onChange={(e) => set({ allowInsecureLoopback: e.target.checked })}
        />{' '}
        Allow no TLS (only for a server on this machine)
      </label>
      <label htmlFor={`${id}-user`}>User</label>
      <input id={`${id}-user`} type="text" value={value.user} onChange={(e) => set({ user: e.target.value })} />
      <label htmlFor={`${id}-pass`}>Password {passwordSet ? '(stored; leave empty to keep)' : ''}</label>
      <input
        id={`${id}-pass`}
        type="password"
        autoComplete="off"
        value={value.password}
        onChange={(e) => set({ password: e.target.value })}
      />
    </fieldset>
  );
}

/** Mail servers, our address, how data travels, counterparties' keys; credentials go into the vault. */
export function MailSettings() {
  const client = useApp((s) => s.client);
  const facets = useApp((s) => s.facets);
  const [view, setView] = useState<MailSettingsView | null>(null);
  const [smtp, setSmtp] = useState<Server>(blank);
  const [imap, setImap] = useState<Server>(blank);
  const [address, setAddress] = useState('');
  const [name, setName] = useState('Travel Rule Compliance');
  const [dataMode, setDataMode] = useState<'inline' | 'encrypted_attachment'>('inline');
  const [vasp, setVasp] = useState('');
  const [armored, setArmored] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    void client?.call('mail.settings', {}).then((v) => {
      setView(v);
      if (v.config) {
        const from = (s: NonNullable<MailSettingsView['config']>['smtp']): Server => ({
          host: s.host,
          port: String(s.port),
          secure: s.secure,
          user: s.user,
          password: '',
          allowInsecureLoopback: s.allowInsecureLoopback,
        });
        setSmtp(from(v.config.smtp));
        setImap(from(v.config.imap));
        setAddress(v.config.address);
        setName(v.config.displayName);
        setDataMode(v.config.dataMode);
      }
    });
  }, [client]);
  const run = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      setMessage(asError(e).message);
    }
  };
  const server = (s: Server) => ({
    host: s.host,
    port: Number(s.port),
    secure: s.secure,
    user: s.user,
    allowInsecureLoopback: s.allowInsecureLoopback,
    ...(s.password ? { password: s.password } : {}),
  });
  const save = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      if (!client) return;
      setView(
        await client.call('mail.configure', {
          smtp: server(smtp),
          imap: server(imap),
          address,
          displayName: name,
          dataMode,
        }),
      );
      setMessage('Mail settings saved.');
    });
  };
  return (
    <section className="panel" aria-labelledby="mail-set-h">
      <h3 id="mail-set-h">Mail</h3>
      {message && <p role="status">{message}</p>}
      <form onSubmit={save}>
        <label htmlFor="mail-address">Our compliance address</label>
        <input id="mail-address" type="text" value={address} onChange={(e) => setAddress(e.target.value)} />
        <label htmlFor="mail-name">Sender name</label>
        <input id="mail-name" type="text" value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="mail-mode">Travel Rule data in messages</label>
        <select
          id="mail-mode"
          value={dataMode}
          onChange={(e) => setDataMode(e.target.value as 'inline' | 'encrypted_attachment')}
        >
          <option value="inline">In the body (encrypted when their key is on file)</option>
          <option value="encrypted_attachment">Only as an OpenPGP-encrypted attachment</option>
        </select>
        <ServerFields id="smtp" label="SMTP (sending)" value={smtp} onChange={setSmtp} passwordSet={!!view?.config} />
        <ServerFields
          id="imap"
          label="IMAP (the compliance mailbox)"
          value={imap}
          onChange={setImap}
          passwordSet={!!view?.config}
        />
        <button type="submit" className="primary">
          Save mail settings
        </button>{' '}
        <button
          type="button"
          disabled={!view?.config}
          onClick={() =>
            void run(async () => {
              const r = await client!.call('mail.test', {});
              setMessage(r.sent ? `Test message sent to ${address}.` : `Test message not sent: ${r.error}`);
            })
          }
        >
          Send test message
        </button>
      </form>
      <TemplateEditor view={view} onSaved={setView} onMessage={setMessage} />
      <h4>Counterparties&apos; OpenPGP keys</h4>
      <ul>
        {view?.keys.map((k) => (
          <li key={k.vaspId}>
            {k.vaspId}: <code>{k.fingerprint}</code>
          </li>
        ))}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            setView(await client!.call('mail.key', { vaspId: vasp, armored }));
            setArmored('');
            setMessage('Key saved.');
          });
        }}
      >
        <label htmlFor="key-vasp">Counterparty</label>
        <select id="key-vasp" value={vasp} onChange={(e) => setVasp(e.target.value)}>
          <option value="">Choose…</option>
          {(facets?.counterparties ?? []).map((c) => (
            <option key={c.vaspId} value={c.vaspId}>
              {c.name}
            </option>
          ))}
        </select>
        <label htmlFor="key-armored">Their public key (armored)</label>
        <textarea id="key-armored" rows={4} value={armored} onChange={(e) => setArmored(e.target.value)} />
        <button type="submit" disabled={!vasp || armored.length < 50}>
          Save key
        </button>
      </form>
    </section>
  );
}

const KINDS = [
  ['info_request', 'Request for missing information'],
  ['data_notice', 'Travel Rule data notice'],
  ['decision_notice', 'Decision notice'],
  ['tx_hash_forward', 'Transaction hash forward'],
] as const;

/** An admin edits the letters; the core refuses a subject with anything but {{ref}} and {{caseId}}. */
function TemplateEditor({
  view,
  onSaved,
  onMessage,
}: {
  view: MailSettingsView | null;
  onSaved: (v: MailSettingsView) => void;
  onMessage: (m: string) => void;
}) {
  const client = useApp((s) => s.client);
  const [kind, setKind] = useState<(typeof KINDS)[number][0]>('info_request');
  const current = view?.templates[kind];
  const [subject, setSubject] = useState<string | null>(null);
  const [body, setBody] = useState<string | null>(null);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        client
          ?.call('mail.template', {
            kind,
            subject: subject ?? current?.subject ?? '',
            body: body ?? current?.body ?? '',
          })
          .then(
            (v) => {
              onSaved(v);
              onMessage('Template saved.');
            },
            (err: unknown) => onMessage(asError(err).message),
          );
      }}
    >
      <h4>Templates</h4>
      <label htmlFor="tpl-kind">Template</label>
      <select
        id="tpl-kind"
        value={kind}
        onChange={(e) => {
          setKind(e.target.value as (typeof KINDS)[number][0]);
          setSubject(null);
          setBody(null);
        }}
      >
        {KINDS.map(([k, l]) => (
          <option key={k} value={k}>
            {l}
          </option>
        ))}
      </select>
      <label htmlFor="tpl-subject">
        Subject (only {'{{ref}}'} and {'{{caseId}}'}: no personal data in subjects)
      </label>
      <input
        id="tpl-subject"
        type="text"
        value={subject ?? current?.subject ?? ''}
        onChange={(e) => setSubject(e.target.value)}
      />
      <label htmlFor="tpl-body">Body</label>
      <textarea id="tpl-body" rows={8} value={body ?? current?.body ?? ''} onChange={(e) => setBody(e.target.value)} />
      <button type="submit">Save template</button>
    </form>
  );
}
