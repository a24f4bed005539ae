import { createWriteStream, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { AppError } from '../../src-shared/result';
import { verifyAudit } from '../audit/chain';
import { generateCases } from '../cases/generate';
import { importCasesFile } from '../cases/import';
import { countCases, listCases } from '../store/cases';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { startBridge } from '../bridge/server';
import { resolveDataDir } from '../platform/data-dir';
import { fileLogger } from '../platform/log';
import { Workstation } from '../app/workstation';
import { convertCommand, validateCommand } from './ivms101';
import { readRatesCsv, rulesAudit, rulesEvaluate, rulesList } from './rules';
import { screeningImport, screeningSearch } from './screening';
import { runConformance } from '../sync/conformance';
import { recheckAll } from '../checks/run';
import { dbRates, parseRatesCsv, saveRates } from '../rules/fx';
import { passphraseFromEnvOrPrompt, UsageError } from './passphrase';
import { EXPORT_CREATE_USAGE, exportCreate, exportVerify, printPurge } from './export';
import { setLegalHold } from '../retention/holds';
import { commandHelp, int, parse, route, str, viaContract, type Command, type Out } from './table';

export const EXIT = { ok: 0, checkFailed: 1, usage: 2, redFlag: 3 } as const;

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const defaultOut: Out = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

function workstation(dataDir: string | undefined, mode: 'cli' | 'browser' = 'cli'): Workstation {
  const dir = resolveDataDir(dataDir);
  return new Workstation({ dataDir: dir, mode, logger: fileLogger(dir) });
}

async function unlocked(dataDir: string | undefined): Promise<Workstation> {
  const ws = workstation(dataDir);
  if (ws.status().vault === 'absent')
    throw new AppError('vault_absent', `No vault in ${ws.dataDir}. Run: waybill vault init --data-dir ${ws.dataDir}`);
  // Who acts: WAYBILL_ANALYST names the analyst signing in (needed once several have a passphrase here).
  await ws.unlock(
    await passphraseFromEnvOrPrompt('WAYBILL_PASSPHRASE', 'Passphrase: '),
    process.env.WAYBILL_ANALYST || undefined,
  );
  return ws;
}

/** Runs fn with the unlocked workstation, and closes it whatever happens. */
async function withUnlocked<T>(dataDir: string | undefined, fn: (ws: Workstation) => Promise<T> | T): Promise<T> {
  const ws = await unlocked(dataDir);
  try {
    return await fn(ws);
  } finally {
    ws.close();
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: 'vault init',
    usage: '--data-dir D',
    help: ['create the encrypted vault and case database'],
    async run({ values }, out) {
      const ws = workstation(values['data-dir']);
      if (ws.status().vault !== 'absent')
        throw new AppError('vault_exists', `A vault already exists in ${ws.dataDir}.`);
      const pass = await passphraseFromEnvOrPrompt('WAYBILL_PASSPHRASE', 'New passphrase: ', true);
      const analyst = process.env.WAYBILL_ANALYST || undefined;
      const input = viaContract(
        'vault.create',
        { passphrase: pass, ...(analyst ? { analyst } : {}) },
        { passphrase: 'The passphrase', analyst: 'WAYBILL_ANALYST' },
      );
      // The creator is the first supervisor (named by WAYBILL_ANALYST, else "supervisor").
      await ws.createVault(input.passphrase, false, input.analyst);
      ws.close();
      out.stdout(`Vault created in ${ws.dataDir}\n`);
      return EXIT.ok;
    },
  },
  {
    name: 'vault change-passphrase',
    usage: '--data-dir D',
    help: ['re-wrap the database key under a new passphrase'],
    async run({ values }, out) {
      const ws = workstation(values['data-dir']);
      const current = await passphraseFromEnvOrPrompt('WAYBILL_PASSPHRASE', 'Current passphrase: ');
      const next = await passphraseFromEnvOrPrompt('WAYBILL_NEW_PASSPHRASE', 'New passphrase: ', true);
      const input = viaContract(
        'vault.changePassphrase',
        { current, next },
        { current: 'The current passphrase', next: 'The new passphrase' },
      );
      await ws.changePassphrase(input.current, input.next, process.env.WAYBILL_ANALYST || undefined);
      out.stdout(
        'Passphrase changed. The database was not re-encrypted; its key is now wrapped under the new passphrase.\n',
      );
      return EXIT.ok;
    },
  },
  {
    name: 'analysts enrol',
    usage: '--data-dir D NAME [--role analyst|supervisor]',
    help: ['a supervisor enrols an analyst; prints their one-time code (give it in person)'],
    options: { role: { type: 'string' } },
    async run({ values, positionals }, out) {
      const input = viaContract(
        'analysts.enrol',
        { name: positionals[0] ?? '', role: values.role ?? 'analyst' },
        { name: 'NAME', role: '--role' },
      );
      return withUnlocked(values['data-dir'], async (ws) => {
        const r = await ws.enrolAnalyst(input.name, input.role);
        out.stdout(`Enrolled ${r.name} (${r.role}). One-time code, valid until ${r.expiresAt}: ${r.code}\n`);
        return EXIT.ok;
      });
    },
  },
  {
    name: 'analysts redeem',
    usage: '--data-dir D NAME',
    help: [
      'a new analyst sets their passphrase with their one-time code (WAYBILL_ENROLMENT_CODE, WAYBILL_NEW_PASSPHRASE)',
    ],
    async run({ values, positionals }, out) {
      const ws = workstation(values['data-dir']);
      const code = await passphraseFromEnvOrPrompt('WAYBILL_ENROLMENT_CODE', 'One-time code: ');
      const passphrase = await passphraseFromEnvOrPrompt('WAYBILL_NEW_PASSPHRASE', 'Your new passphrase: ', true);
      const input = viaContract(
        'analysts.redeem',
        { name: positionals[0] ?? '', code, passphrase },
        { name: 'NAME', code: 'WAYBILL_ENROLMENT_CODE', passphrase: 'WAYBILL_NEW_PASSPHRASE' },
      );
      try {
        await ws.redeemEnrolment(input.name, input.code, input.passphrase);
      } finally {
        ws.close();
      }
      out.stdout(`${input.name} can now sign in with their own passphrase.\n`);
      return EXIT.ok;
    },
  },
  {
    name: 'cases generate',
    usage: '--count N [--seed S] [--out FILE]',
    help: ['write realistic synthetic cases, one JSON object a line'],
    options: { count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
    async run(p) {
      const count = int(p.values.count, 'count');
      const seed = int(p.values.seed, 'seed', 1);
      const file = str(p, 'out');
      const stream = file !== undefined ? createWriteStream(file, { encoding: 'utf8' }) : process.stdout;
      for (const c of generateCases(count, { seed })) {
        // Respect backpressure: a million cases must not pile up in memory.
        if (!stream.write(JSON.stringify(c) + '\n')) await new Promise<void>((r) => stream.once('drain', () => r()));
      }
      if (stream !== process.stdout)
        await new Promise<void>((r, e) => stream.end((err?: Error | null) => (err ? e(err) : r())));
      return EXIT.ok;
    },
  },
  {
    name: 'cases import',
    usage: '--data-dir D FILE.jsonl',
    help: ['import cases; bad lines are reported and quarantined'],
    async run({ values, positionals }, out) {
      const file = positionals[0];
      if (!file) throw new UsageError('Name the file to import: waybill cases import --data-dir D FILE.jsonl');
      if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
      return withUnlocked(values['data-dir'], async (ws) => {
        const r = await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
        for (const bad of r.rejected) out.stderr(`${file}:${bad.line}: ${bad.reason}\n`);
        out.stdout(
          `Read ${r.read} lines: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected.length} rejected (quarantined).\n`,
        );
        return r.rejected.length ? EXIT.checkFailed : EXIT.ok;
      });
    },
  },
  {
    name: 'cases list',
    usage: '--data-dir D [--json] [--limit N]',
    options: { json: { type: 'boolean' }, limit: { type: 'string' } },
    run({ values }, out) {
      // Not cases.list's schema: that caps a page at 500 rows for the UI; the CLI lists everything.
      const limit = int(values.limit, 'limit', 1_000_000);
      return withUnlocked(values['data-dir'], (ws) => {
        const db = ws.database();
        const rows = listCases(db, { offset: 0, limit, sort: { column: 'transferTime', direction: 'desc' } });
        if (values.json) {
          out.stdout(JSON.stringify({ total: countCases(db), rows }) + '\n');
          return EXIT.ok;
        }
        out.stdout(
          ['ID', 'DIRECTION', 'STATUS', 'ASSET', 'AMOUNT', 'FIAT', 'COUNTERPARTY', 'TRANSFER TIME'].join('\t') + '\n',
        );
        for (const r of rows) {
          out.stdout(
            [
              r.id,
              r.direction,
              r.status,
              r.asset,
              r.amount,
              r.fiatAmount ? `${r.fiatAmount} ${r.fiatCurrency}` : '-',
              r.counterpartyName ?? '(self-hosted)',
              r.transferTime,
            ].join('\t') + '\n',
          );
        }
        out.stdout(`${rows.length} cases\n`);
        return EXIT.ok;
      });
    },
  },
  {
    name: 'audit verify',
    usage: '--data-dir D',
    help: ["check the audit trail's hash chain"],
    run({ values }, out) {
      return withUnlocked(values['data-dir'], (ws) => {
        const v = verifyAudit(ws.database());
        if (v.ok) {
          out.stdout(`Audit trail intact: ${v.events} events, hash chain verified.\n`);
          return EXIT.ok;
        }
        out.stdout(`Audit trail BROKEN at event ${v.firstBroken?.seq}: ${v.firstBroken?.reason}.\n`);
        return EXIT.checkFailed;
      });
    },
  },
  {
    name: 'rules list',
    usage: '[--json] [--date YYYY-MM-DD]',
    help: ['the jurisdictions, the rule version in force, and broken files'],
    options: { json: { type: 'boolean' }, date: { type: 'string' } },
    run(p, out) {
      const date = str(p, 'date') ?? new Date().toISOString().slice(0, 10);
      if (!DAY.test(date)) throw new UsageError('--date takes YYYY-MM-DD.');
      return rulesList(p.values.json === true, date, out);
    },
  },
  {
    name: 'rules audit',
    usage: '[CC ...] [--json] [--verified | --unverified]',
    help: [
      'per jurisdiction (all, or the ISO codes named): verified against the primary text',
      'or not (and why), its sources, and the quoted threshold wording; exit 1 if a rule',
      'file is broken',
    ],
    options: { json: { type: 'boolean' }, verified: { type: 'boolean' }, unverified: { type: 'boolean' } },
    run(p, out) {
      if (p.values.verified === true && p.values.unverified === true)
        throw new UsageError('--verified and --unverified exclude each other.');
      const only = p.values.verified === true ? 'verified' : p.values.unverified === true ? 'unverified' : null;
      const codes = p.positionals.map((c) => c.toUpperCase());
      const bad = codes.find((c) => !/^[A-Z]{2}$/.test(c));
      if (bad !== undefined) throw new UsageError(`"${bad.slice(0, 20)}" is not a two-letter jurisdiction code.`);
      return rulesAudit(p.values.json === true, only, out, undefined, codes);
    },
  },
  {
    name: 'rules evaluate',
    usage: 'FILE [--json] [--home CC] [--rates FILE.csv | --data-dir D]',
    help: [
      'does the Travel Rule apply to this case, and why; exit 0 evaluated (applies,',
      'below threshold, not required), 1 cannot evaluate, 2 usage or input error,',
      '3 red flag (a jurisdiction prohibits VASP activity)',
    ],
    options: { json: { type: 'boolean' }, home: { type: 'string' }, rates: { type: 'string' } },
    async run(p, out) {
      const file = p.positionals[0];
      if (!file) throw new UsageError('Name the case file: waybill rules evaluate FILE');
      const home = str(p, 'home')?.toUpperCase();
      const json = p.values.json === true;
      if (p.values['data-dir'] || process.env.WAYBILL_DATA_DIR) {
        return withUnlocked(p.values['data-dir'], (ws) =>
          rulesEvaluate(
            file,
            { json, home: home ?? ws.preferences.homeJurisdiction, rates: dbRates(ws.database()) },
            out,
          ),
        );
      }
      const ratesFile = str(p, 'rates');
      return rulesEvaluate(
        file,
        { json, home: home ?? 'DE', rates: null, ...(ratesFile !== undefined ? { ratesFile } : {}) },
        out,
      );
    },
  },
  {
    name: 'conformance',
    usage: '--url URL --token T [--analyst-credential A --second-analyst-credential B]',
    help: [
      'check a backend against the contract; names each failed expectation',
      "the team checks use two analysts' own credentials, or enrol (then remove) two with --token",
    ],
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      'analyst-credential': { type: 'string' },
      'second-analyst-credential': { type: 'string' },
    },
    async run(p, out) {
      const url = str(p, 'url');
      const token = str(p, 'token') ?? process.env.WAYBILL_BACKEND_TOKEN;
      if (!url || !token) throw new UsageError('waybill conformance --url URL --token T (or WAYBILL_BACKEND_TOKEN)');
      const first = str(p, 'analyst-credential');
      const second = str(p, 'second-analyst-credential');
      if (!first !== !second)
        throw new UsageError(
          'waybill conformance: give both --analyst-credential and --second-analyst-credential, or neither',
        );
      const results = await runConformance(url, token, first && second ? { analysts: [first, second] } : {});
      for (const r of results) out.stdout(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}${r.ok ? '' : `\n      ${r.detail}`}\n`);
      const failed = results.filter((r) => !r.ok).length;
      out.stdout(`${results.length - failed} of ${results.length} expectations met\n`);
      return failed ? EXIT.checkFailed : EXIT.ok;
    },
  },
  {
    name: 'fx import',
    usage: 'FILE.csv --data-dir D',
    help: ['import FX rates (pair,rate,as_of,source); re-evaluates cases'],
    run({ values, positionals }, out) {
      const file = positionals[0];
      if (!file) throw new UsageError('Name the CSV file: waybill fx import FILE.csv --data-dir D');
      if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
      const csv = parseRatesCsv(readRatesCsv(file));
      for (const bad of csv.rejected) out.stderr(`${file}:${bad.line}: ${bad.reason}\n`);
      return withUnlocked(values['data-dir'], (ws) => {
        const db = ws.database();
        const n = saveRates(db, csv.rates, new Date().toISOString());
        ws.audit('fx.imported', { file: file.split('/').pop(), rates: n, rejected: csv.rejected.length });
        const re = recheckAll(db, ws.checkContext());
        out.stdout(
          `Imported ${n} rates (${csv.rejected.length} rejected). Re-evaluated ${re.cases} cases: ${re.changed} check results changed.\n`,
        );
        return csv.rejected.length ? EXIT.checkFailed : EXIT.ok;
      });
    },
  },
  {
    name: 'screening import',
    usage: '--data-dir D --source ofac|eu|un|uk|csl PATH [--allow-shrink]',
    help: [
      'import a sanctions list version (OFAC: the folder of its CSV set);',
      'one with >20 % fewer entries than the version in force needs --allow-shrink',
    ],
    options: { source: { type: 'string' }, 'allow-shrink': { type: 'boolean' } },
    run(p, out) {
      const path = p.positionals[0];
      if (!path)
        throw new UsageError('Name the list file (or OFAC folder): waybill screening import --source ofac PATH');
      if (!existsSync(path)) throw new UsageError(`No such file or folder: ${path}`);
      return withUnlocked(p.values['data-dir'], (ws) =>
        screeningImport(ws, str(p, 'source'), path, out, { allowShrink: p.values['allow-shrink'] === true }),
      );
    },
  },
  {
    name: 'screening search',
    usage: '--data-dir D "NAME" [--json] [--min-score S]',
    options: { json: { type: 'boolean' }, 'min-score': { type: 'string' } },
    run(p, out) {
      const name = p.positionals.join(' ').trim();
      if (!name) throw new UsageError('Give a name: waybill screening search "NAME"');
      const minScore = str(p, 'min-score');
      const min = minScore !== undefined ? Number(minScore) : undefined;
      if (min !== undefined && !(min > 0 && min <= 1)) throw new UsageError('--min-score is a number between 0 and 1.');
      return withUnlocked(p.values['data-dir'], (ws) => screeningSearch(ws, name, p.values.json === true, min, out));
    },
  },
  {
    name: 'ivms101 validate',
    usage: 'FILE [--json] [--jurisdiction CC]... [--amount N --currency CUR] [--date YYYY-MM-DD]',
    help: [
      'validate an IVMS101 payload (2020, 101.2023, every protocol shape in',
      "docs/ivms101-shapes.md) and list what the jurisdictions' rules still",
      'need; exit 0 valid, 1 invalid, 2 unreadable; --date picks the rule',
      "versions in force that day (each jurisdiction's local date; default today)",
    ],
    options: {
      json: { type: 'boolean' },
      jurisdiction: { type: 'string', multiple: true },
      amount: { type: 'string' },
      currency: { type: 'string' },
      date: { type: 'string' },
    },
    run(p, out) {
      const file = p.positionals[0];
      if (!file) throw new UsageError('Name the file: waybill ivms101 validate FILE');
      const given = p.values.jurisdiction;
      const jurisdictions = Array.isArray(given) ? given : [];
      for (const j of jurisdictions)
        if (!/^[A-Za-z]{2}$/.test(j))
          throw new UsageError(`--jurisdiction takes a two-letter country code (or EU), not "${j}".`);
      const amount = str(p, 'amount');
      const currency = str(p, 'currency');
      const date = str(p, 'date');
      if (date !== undefined && !DAY.test(date)) throw new UsageError('--date takes YYYY-MM-DD.');
      return validateCommand(
        file,
        {
          json: p.values.json === true,
          jurisdictions,
          ...(amount !== undefined ? { amount } : {}),
          ...(currency !== undefined ? { currency } : {}),
          ...(date !== undefined ? { date } : {}),
        },
        out,
      );
    },
  },
  {
    name: 'ivms101 convert',
    usage: 'FILE --to 2020|2023 [--force]',
    help: ['write the payload in the other edition'],
    options: { to: { type: 'string' }, force: { type: 'boolean' } },
    run(p, out) {
      const file = p.positionals[0];
      if (!file) throw new UsageError('Name the file: waybill ivms101 convert FILE --to 2020|2023');
      return convertCommand(file, str(p, 'to'), p.values.force === true, out);
    },
  },
  {
    name: 'export create',
    usage:
      '--data-dir D --from DATE --to DATE [--jurisdiction CC] [--direction D] [--status S] [--pdf summary|per-case] --out FILE.zip',
    help: [
      'a signed audit bundle for a regulator; the public key is written',
      'beside it as FILE.zip.pub.pem; report.pdf is a summary above 10,000',
      'cases and per case below, unless --pdf says which',
    ],
    options: {
      pdf: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      jurisdiction: { type: 'string' },
      direction: { type: 'string' },
      status: { type: 'string' },
      out: { type: 'string' },
    },
    run(p, out) {
      const file = str(p, 'out');
      const from = str(p, 'from');
      const to = str(p, 'to');
      if (!from || !to || !file) throw new UsageError(EXPORT_CREATE_USAGE);
      // The UI's export.start schema: the same dates, jurisdiction, direction and status are refused.
      const selection = viaContract('export.start', {
        from,
        to,
        jurisdiction: str(p, 'jurisdiction')?.toUpperCase() ?? null,
        direction: str(p, 'direction') ?? null,
        status: str(p, 'status') ?? null,
        pdf: str(p, 'pdf') ?? null,
      });
      const opts = {
        pdf: selection.pdf,
        from: selection.from,
        to: selection.to,
        jurisdiction: selection.jurisdiction ?? undefined,
        direction: selection.direction ?? undefined,
        status: selection.status ?? undefined,
        out: file,
      };
      return withUnlocked(p.values['data-dir'], (ws) => exportCreate(ws, opts, out));
    },
  },
  {
    name: 'export verify',
    usage: 'BUNDLE.zip [--public-key KEY.pem] [--json]',
    help: ["check the signature, every file's hash and the audit chain"],
    options: { 'public-key': { type: 'string' }, json: { type: 'boolean' } },
    run(p, out) {
      return exportVerify(p.positionals[0], str(p, 'public-key'), p.values.json === true, out);
    },
  },
  {
    name: 'export public-key',
    usage: '--data-dir D',
    help: ["print the workstation's export-signing public key"],
    run({ values }, out) {
      return withUnlocked(values['data-dir'], (ws) => {
        const k = ws.signingKey();
        out.stdout(`${k.publicKeyPem.trimEnd()}\n# fingerprint ${k.fingerprint}\n`);
        return EXIT.ok;
      });
    },
  },
  {
    name: 'retention purge',
    usage: '--data-dir D [--dry-run] [--today DATE]',
    help: ['remove personal data of cases whose retention period ended'],
    options: { 'dry-run': { type: 'boolean' }, today: { type: 'string' } },
    run(p, out) {
      const today = str(p, 'today');
      if (today !== undefined && !DAY.test(today)) throw new UsageError('--today takes YYYY-MM-DD.');
      const { dryRun } = viaContract('retention.run', { dryRun: p.values['dry-run'] === true });
      return withUnlocked(p.values['data-dir'], (ws) => printPurge(ws.purgeExpired(dryRun, today), out));
    },
  },
  {
    name: 'cases hold',
    usage: '--data-dir D CASE_ID --reason TEXT | --release',
    help: ['put a case on legal hold (kept past retention), or release it'],
    options: { reason: { type: 'string' }, release: { type: 'boolean' } },
    run(p, out) {
      const id = p.positionals[0];
      const reason = str(p, 'reason') ?? null;
      if (!id || (reason === null) === (p.values.release !== true))
        throw new UsageError('waybill cases hold --data-dir D CASE_ID --reason TEXT  (or --release)');
      const input = viaContract('cases.hold', { caseId: id, reason }, { caseId: 'CASE_ID' });
      return withUnlocked(p.values['data-dir'], (ws) => {
        const h = setLegalHold(ws.database(), input.caseId, input.reason, ws.actor);
        out.stdout(
          h ? `Case ${input.caseId} is on legal hold.\n` : `Case ${input.caseId} is no longer on legal hold.\n`,
        );
        return EXIT.ok;
      });
    },
  },
  {
    name: 'serve',
    usage: '--data-dir D [--port P] [--open]',
    help: ['browser mode on 127.0.0.1; prints a URL with a one-time launch code (60 s)'],
    options: { port: { type: 'string' }, open: { type: 'boolean' } },
    async run({ values }, out) {
      const ws = workstation(values['data-dir'], 'browser');
      const log = fileLogger(ws.dataDir);
      const bridge = await startBridge({
        dispatch: createDispatcher(createHandlers(ws), log),
        events: ws.events,
        staticDir: resolve(packageRoot, 'out', 'renderer'),
        logger: log,
        port: int(values.port, 'port', 0),
      });
      out.stdout(
        `Waybill is serving ${ws.dataDir}\nOpen: ${bridge.launchUrl}\n(the link works once, within 60 seconds; start waybill serve again for a new one)\n`,
      );
      if (values.open) openInBrowser(bridge.launchUrl);
      await new Promise<void>((done) => {
        const stop = () => {
          // The database closes first: whatever the sockets do, the data is safe.
          ws.close();
          void bridge.close().then(done, done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return EXIT.ok;
    },
  },
];

export const HELP = `waybill — Travel Rule compliance workstation

Usage: waybill <command> [options]

${commandHelp(COMMANDS)}

The passphrase comes from WAYBILL_PASSPHRASE (and WAYBILL_NEW_PASSPHRASE for a change) or a prompt, the
analyst's name from WAYBILL_ANALYST (needed once several analysts have a passphrase here),
never from an argument. --data-dir defaults to WAYBILL_DATA_DIR, then the per-user app data folder.
Exit codes: 0 ok, 1 a check failed, 2 usage or input error, 3 a red flag (rules evaluate: a jurisdiction
prohibits VASP activity).
`;

export async function main(argv: string[], out: Out = defaultOut): Promise<number> {
  const [group] = argv;
  try {
    if (!group || group === '--help' || group === '-h' || group === 'help') {
      out.stdout(HELP);
      return group ? EXIT.ok : EXIT.usage;
    }
    const { command, name, args } = route(COMMANDS, argv);
    if (!command) throw new UsageError(`Unknown command "${name}". Run waybill --help.`);
    const parsed = parse(args, command.options);
    if (parsed.values.help === true) {
      out.stdout(
        `Usage: waybill ${command.name} ${command.usage}\n${(command.help ?? []).map((l) => `  ${l}\n`).join('')}`,
      );
      return EXIT.ok;
    }
    return await command.run(parsed, out);
  } catch (e) {
    if (e instanceof UsageError) {
      out.stderr(`waybill: ${e.message}\n`);
      return EXIT.usage;
    }
    if (e instanceof AppError) {
      out.stderr(`waybill: ${e.message}\n`);
      return e.code === 'internal' ? EXIT.checkFailed : EXIT.usage;
    }
    // No stack trace: it could carry a value from the input. The type is enough to start from.
    out.stderr(`waybill: unexpected ${e instanceof Error ? e.name : 'error'}; nothing further was changed.\n`);
    return EXIT.checkFailed;
  }
}

function openInBrowser(url: string): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(opener, [url], { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref();
  } catch {
    // The URL is printed above; opening it by hand works too.
  }
}
