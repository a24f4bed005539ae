// `npm run demo`: the reference exchange backend with traffic, the exchange's mail (an SMTP relay and the
// compliance mailbox in Dovecot, on loopback, with e-mail-only counterparties that answer), and the
// workstation in browser mode connected to both, with a local data folder (./demo-data). Ctrl+C stops all.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CaseRecord } from '../src-shared/case';
import { Random } from '../src-main/cases/random';
import { parseRatesCsv } from '../src-main/rules/fx';
import { advanceFlows, caseFactory } from '../reference-backend/simulate';
import { startBackend } from '../reference-backend/server';
import { answerByMail } from '../reference-backend/correspondents';
import { dovecotInstalled, freePort, mailConfig, startDovecot, startRelay } from '../reference-backend/mail-servers';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.WAYBILL_DATA_DIR ?? join(root, 'demo-data');
// The sample list the project ships (resources/sanctions, public domain): the backend distributes it and
// names some of its parties in the generated cases; the workstation fetches it from the backend at unlock.
const sample = join(root, 'resources', 'sanctions', 'ofac-small');
const rates = parseRatesCsv(readFileSync(join(root, 'resources', 'demo', 'fx-rates.csv'), 'utf8')).rates;

// The demo's exchange keeps its state in the data folder (exchange/): its cases, the token it gave the
// workstation and the ports of its backend and mail, so `npm run demo` run again finds the exchange where
// the workstation was told it is. (Started afresh each time, a second run's workstation kept the first
// run's addresses: "Offline" for good, mail unreachable, 1 Dec 2026.) The token is the simulated
// exchange's own (an exchange keeps it in its configuration), not Waybill's key material: the
// workstation keeps its copy encrypted in the vault. Delete the data folder to start a new demo.
const exchangeDir = join(dataDir, 'exchange');
const statePath = join(exchangeDir, 'exchange.json');
const stateSchema = z
  .object({
    backendPort: z.number().int().min(1).max(65535),
    imapPort: z.number().int().min(1).max(65535),
    smtpPort: z.number().int().min(1).max(65535),
    token: z.string().min(16).max(200),
  })
  .strict();
type DemoState = z.infer<typeof stateSchema>;
function readState(): DemoState | null {
  if (!existsSync(statePath)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(statePath, 'utf8'));
  } catch (e) {
    return fail(`${statePath} cannot be read as JSON (${(e as Error).message})`);
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) fail(`${statePath} is not the demo's exchange state (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}
function fail(message: string): never {
  process.stderr.write(`npm run demo: ${message}. Delete ${dataDir} to start a new demo.\n`);
  process.exit(1);
}
/** A port the state names, as the next run needs it: in use means another demo (or something else) holds it. */
async function onPort<T>(what: string, port: number | undefined, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    if (!port) throw e;
    const why = (e as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'it is in use' : (e as Error).message;
    return fail(
      `the demo's ${what} could not start on port ${port}, kept from its last run because the workstation looks for it there (${why}; is another demo running?)`,
    );
  }
}
mkdirSync(exchangeDir, { recursive: true, mode: 0o700 });
const previous = readState();
// A vault from a demo that kept no exchange state (before 1 Dec 2026) looks for an exchange that is gone:
// said at every run (no state is written for it, since this exchange is not the one that vault knows).
const staleVault = !previous && existsSync(join(dataDir, 'vault.json'));
if (staleVault)
  process.stderr.write(
    `npm run demo: ${dataDir} holds a vault from an earlier demo whose exchange is gone; it will show Offline. Delete ${dataDir} to start a new demo.\n`,
  );
// Set once the exchange says how many cases it holds (below); nothing asks for one before.
let makeCase: () => CaseRecord = () => {
  throw new Error('the case factory is not set yet');
};
const backend = await onPort('exchange backend', previous?.backendPort, () =>
  startBackend({
    ...(previous ? { port: previous.backendPort, token: previous.token } : {}),
    dbFile: join(exchangeDir, 'exchange.db'),
    rates,
    sanctionsLists: { ofac: sample },
    makeCase: () => makeCase(),
  }),
);
// New cases continue the numbering of those the exchange already has (their ids are x1-0000001, ...).
const held = (backend.db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
makeCase = caseFactory(1, sample, held);
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
// 500 cases the first time; a run again goes on with what the exchange holds.
backend.db.transaction(() => {
  for (let i = held; i < 500; i++) backend.addCase(makeCase());
})();
setInterval(() => backend.addCase(makeCase()), 10_000).unref();
const r = new Random(2);
setInterval(() => advanceFlows(backend.db, r, 20_000) && backend.changed(), 5_000).unref();

// Mail on the first screen: the workstation takes these servers as its mail settings at the first
// sign-in (WAYBILL_DEMO_MAIL, honoured only for 127.0.0.1 and only while no mail is set up).
const mail = dovecotInstalled()
  ? await onPort('compliance mailbox (IMAP)', previous?.imapPort, () => startDovecot(previous?.imapPort))
  : null;
const relay = mail ? await onPort('SMTP relay', previous?.smtpPort, () => startRelay(mail, previous?.smtpPort)) : null;
if (!previous && !staleVault)
  writeFileSync(
    statePath,
    JSON.stringify({
      backendPort: backend.port,
      token: backend.token,
      imapPort: mail?.port ?? (await freePort()),
      smtpPort: relay?.port ?? (await freePort()),
    } satisfies DemoState),
    { mode: 0o600 },
  );
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
