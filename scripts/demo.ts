// `npm run demo`: the reference exchange backend with traffic, the exchange's mail (an SMTP relay and the
// compliance mailbox in Dovecot, on loopback, with e-mail-only counterparties that answer), and the
// workstation in browser mode connected to both, with a local data folder (./demo-data). Ctrl+C stops all.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src-main/cases/random';
import { parseRatesCsv } from '../src-main/rules/fx';
import { advanceFlows, caseFactory } from '../reference-backend/simulate';
import { startBackend } from '../reference-backend/server';
import { answerByMail } from '../reference-backend/correspondents';
import { dovecotInstalled, mailConfig, startDovecot, startRelay } from '../reference-backend/mail-servers';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.WAYBILL_DATA_DIR ?? join(root, 'demo-data');
// The sample list the project ships (resources/sanctions, public domain): the backend distributes it and
// names some of its parties in the generated cases; the workstation fetches it from the backend at unlock.
const sample = join(root, 'resources', 'sanctions', 'ofac-small');
const makeCase = caseFactory(1, sample);
const rates = parseRatesCsv(readFileSync(join(root, 'resources', 'demo', 'fx-rates.csv'), 'utf8')).rates;
const backend = await startBackend({ makeCase, rates, sanctionsLists: { ofac: sample } });
if (!existsSync(join(dataDir, 'preferences.json'))) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(dataDir, 'preferences.json'),
    JSON.stringify(
      { screeningFetch: { sources: ['ofac'], everyHours: 24, from: 'backend', urls: {}, proxy: null } },
      null,
      2,
    ),
    { mode: 0o600 },
  );
}
backend.db.transaction(() => {
  for (let i = 0; i < 500; i++) backend.addCase(makeCase());
})();
setInterval(() => backend.addCase(makeCase()), 10_000).unref();
const r = new Random(2);
setInterval(() => advanceFlows(backend.db, r, 20_000) && backend.changed(), 5_000).unref();

// Mail on the first screen: the workstation takes these servers as its mail settings at the first
// sign-in (WAYBILL_DEMO_MAIL, honoured only for 127.0.0.1 and only while no mail is set up).
const mail = dovecotInstalled() ? await startDovecot() : null;
const relay = mail ? await startRelay(mail) : null;
const stopAnswering = mail && relay ? answerByMail(relay, mail) : () => undefined;
const ws = spawn(process.execPath, [join(root, 'bin', 'waybill.mjs'), 'serve', '--data-dir', dataDir, '--open'], {
  stdio: 'inherit',
  env: {
    ...process.env,
    WAYBILL_BACKEND_URL: backend.url,
    WAYBILL_BACKEND_TOKEN: backend.token,
    ...(mail && relay ? { WAYBILL_DEMO_MAIL: JSON.stringify(mailConfig(mail, relay)) } : {}),
  },
});
process.stdout.write(
  `Reference exchange backend: ${backend.url} (500 cases, a new one every 10 s)\n` +
    (mail && relay
      ? `Mail: SMTP relay 127.0.0.1:${relay.port}, compliance mailbox (IMAP) 127.0.0.1:${mail.port}; e-mail-only counterparties answer\n`
      : 'Mail: off (Dovecot is not installed: apt-get install -y dovecot-imapd to have it)\n') +
    `Data folder: ${dataDir}\n`,
);
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  stopAnswering();
  await relay?.stop().catch(() => undefined);
  mail?.stop();
  await backend.close();
  process.exit(0);
};
const stop = () => {
  ws.kill('SIGTERM');
  void shutdown();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
ws.once('exit', () => void shutdown());
