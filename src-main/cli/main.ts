import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { spawn } from 'node:child_process';
import { MIN_PASSPHRASE_LENGTH } from '../../src-shared/contract';
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
import { rulesEvaluate, rulesList } from './rules';
import { screeningImport, screeningSearch } from './screening';
import { runConformance } from '../sync/conformance';
import { recheckAll } from '../checks/run';
import { dbRates, parseRatesCsv, saveRates } from '../rules/fx';
import { passphraseFromEnvOrPrompt, UsageError } from './passphrase';
import { EXPORT_CREATE_USAGE, exportCreate, exportVerify, printPurge } from './export';
import { setLegalHold } from '../retention/holds';

export const EXIT = { ok: 0, checkFailed: 1, usage: 2 } as const;

const HELP = `waybill — Travel Rule compliance workstation

Usage: waybill <command> [options]

  vault init --data-dir D                 create the encrypted vault and case database
  vault change-passphrase --data-dir D    re-wrap the database key under a new passphrase
  cases generate --count N [--seed S] [--out FILE]
                                          write realistic synthetic cases, one JSON object a line
  cases import --data-dir D FILE.jsonl    import cases; bad lines are reported and quarantined
  cases list --data-dir D [--json] [--limit N]
  audit verify --data-dir D               check the audit trail's hash chain
  rules list [--json] [--date YYYY-MM-DD] the jurisdictions, the rule version in force, and broken files
  rules evaluate FILE [--json] [--home CC] [--rates FILE.csv | --data-dir D]
                                          does the Travel Rule apply to this case, and why
  conformance --url URL --token T        check a backend against the contract; names each failed expectation
  fx import FILE.csv --data-dir D         import FX rates (pair,rate,as_of,source); re-evaluates cases
  screening import --data-dir D --source ofac|eu|un|uk|csl PATH [--allow-shrink]
                                          import a sanctions list version (OFAC: the folder of its CSV set);
                                          one with >20 % fewer entries than the version in force needs --allow-shrink
  screening search --data-dir D "NAME" [--json] [--min-score S]
  ivms101 validate FILE [--json] [--jurisdiction CC]... [--amount N --currency CUR]
                                          validate an IVMS101 payload (2020, 101.2023, protobuf-JSON) and
                                          list what the jurisdictions' rules still need; exit 0 valid,
                                          1 invalid, 2 unreadable
  ivms101 convert FILE --to 2020|2023 [--force]
                                          write the payload in the other edition
  export create --data-dir D --from DATE --to DATE [--jurisdiction CC] [--direction D] [--status S] --out FILE.zip
                                          a signed audit bundle for a regulator; the public key is written
                                          beside it as FILE.zip.pub.pem
  export verify BUNDLE.zip [--public-key KEY.pem] [--json]
                                          check the signature, every file's hash and the audit chain
  export public-key --data-dir D          print the workstation's export-signing public key
  retention purge --data-dir D [--dry-run] [--today DATE]
                                          remove personal data of cases whose retention period ended
  cases hold --data-dir D CASE_ID --reason TEXT | --release
                                          put a case on legal hold (kept past retention), or release it
  serve --data-dir D [--port P] [--open]  browser mode on 127.0.0.1; prints the URL with its token

The passphrase comes from WAYBILL_PASSPHRASE (and WAYBILL_NEW_PASSPHRASE for a change) or a prompt,
never from an argument. --data-dir defaults to WAYBILL_DATA_DIR, then the per-user app data folder.
Exit codes: 0 ok, 1 a check failed, 2 usage or input error.
`;

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Out = { stdout: (s: string) => void; stderr: (s: string) => void };
const defaultOut: Out = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) };

interface Parsed {
  values: Record<string, string | boolean | string[] | undefined> & { 'data-dir'?: string };
  positionals: string[];
}

function parse(args: string[], options: ParseArgsConfig['options']): Parsed {
  try {
    const r = parseArgs({ args, options: { ...options, 'data-dir': { type: 'string' }, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
    return r as Parsed;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function int(value: string | boolean | string[] | undefined, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 0) throw new UsageError(`--${name} needs a whole number.`);
  return n;
}

function workstation(dataDir: string | undefined, mode: 'cli' | 'browser' = 'cli'): Workstation {
  const dir = resolveDataDir(dataDir);
  return new Workstation({ dataDir: dir, mode, logger: fileLogger(dir) });
}

async function unlocked(dataDir: string | undefined): Promise<Workstation> {
  const ws = workstation(dataDir);
  if (ws.status().vault === 'absent') throw new AppError('vault_absent', `No vault in ${ws.dataDir}. Run: waybill vault init --data-dir ${ws.dataDir}`);
  await ws.unlock(await passphraseFromEnvOrPrompt('WAYBILL_PASSPHRASE', 'Passphrase: '));
  return ws;
}

export async function main(argv: string[], out: Out = defaultOut): Promise<number> {
  const [group, sub, ...rest] = argv;
  try {
    if (!group || group === '--help' || group === '-h' || group === 'help') {
      out.stdout(HELP);
      return group ? EXIT.ok : EXIT.usage;
    }
    const single = group === 'serve' || group === 'conformance';
    const cmd = single ? group : `${group} ${sub ?? ''}`.trim();
    const args = single ? (sub === undefined ? [] : [sub, ...rest]) : rest;
    switch (cmd) {
      case 'vault init': {
        const { values } = parse(args, {});
        const ws = workstation(values['data-dir']);
        if (ws.status().vault !== 'absent') throw new AppError('vault_exists', `A vault already exists in ${ws.dataDir}.`);
        const pass = await passphraseFromEnvOrPrompt('WAYBILL_PASSPHRASE', 'New passphrase: ', true);
        if (pass.length < MIN_PASSPHRASE_LENGTH) throw new UsageError(`The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`);
        await ws.createVault(pass);
        ws.close();
        out.stdout(`Vault created in ${ws.dataDir}\n`);
        return EXIT.ok;
      }
      case 'vault change-passphrase': {
        const { values } = parse(args, {});
        const ws = workstation(values['data-dir']);
        const current = await passphraseFromEnvOrPrompt('WAYBILL_PASSPHRASE', 'Current passphrase: ');
        const next = await passphraseFromEnvOrPrompt('WAYBILL_NEW_PASSPHRASE', 'New passphrase: ', true);
        if (next.length < MIN_PASSPHRASE_LENGTH) throw new UsageError(`The passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`);
        await ws.changePassphrase(current, next);
        out.stdout('Passphrase changed. The database was not re-encrypted; its key is now wrapped under the new passphrase.\n');
        return EXIT.ok;
      }
      case 'cases generate': {
        const { values } = parse(args, { count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } });
        const count = int(values.count, 'count');
        const seed = int(values.seed, 'seed', 1);
        const stream = typeof values.out === 'string' ? createWriteStream(values.out, { encoding: 'utf8' }) : process.stdout;
        for (const c of generateCases(count, { seed })) {
          // Respect backpressure: a million cases must not pile up in memory.
          if (!stream.write(JSON.stringify(c) + '\n')) await new Promise<void>((r) => stream.once('drain', () => r()));
        }
        if (stream !== process.stdout) await new Promise<void>((r, e) => stream.end((err?: Error | null) => (err ? e(err) : r())));
        return EXIT.ok;
      }
      case 'cases import': {
        const { values, positionals } = parse(args, {});
        const file = positionals[0];
        if (!file) throw new UsageError('Name the file to import: waybill cases import --data-dir D FILE.jsonl');
        if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
        const ws = await unlocked(values['data-dir']);
        try {
          const r = await importCasesFile(ws.database(), file, ws.actor, ws.checkContext());
          for (const bad of r.rejected) out.stderr(`${file}:${bad.line}: ${bad.reason}\n`);
          out.stdout(`Read ${r.read} lines: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected.length} rejected (quarantined).\n`);
          return r.rejected.length ? EXIT.checkFailed : EXIT.ok;
        } finally {
          ws.close();
        }
      }
      case 'cases list': {
        const { values } = parse(args, { json: { type: 'boolean' }, limit: { type: 'string' } });
        const ws = await unlocked(values['data-dir']);
        try {
          const db = ws.database();
          const rows = listCases(db, { offset: 0, limit: int(values.limit, 'limit', 1_000_000), sort: { column: 'transferTime', direction: 'desc' } });
          if (values.json) out.stdout(JSON.stringify({ total: countCases(db), rows }) + '\n');
          else {
            out.stdout(['ID', 'DIRECTION', 'STATUS', 'ASSET', 'AMOUNT', 'FIAT', 'COUNTERPARTY', 'TRANSFER TIME'].join('\t') + '\n');
            for (const r of rows) {
              out.stdout([r.id, r.direction, r.status, r.asset, r.amount, r.fiatAmount ? `${r.fiatAmount} ${r.fiatCurrency}` : '-', r.counterpartyName ?? '(self-hosted)', r.transferTime].join('\t') + '\n');
            }
            out.stdout(`${rows.length} cases\n`);
          }
          return EXIT.ok;
        } finally {
          ws.close();
        }
      }
      case 'audit verify': {
        const { values } = parse(args, {});
        const ws = await unlocked(values['data-dir']);
        try {
          const v = verifyAudit(ws.database());
          if (v.ok) {
            out.stdout(`Audit trail intact: ${v.events} events, hash chain verified.\n`);
            return EXIT.ok;
          }
          out.stdout(`Audit trail BROKEN at event ${v.firstBroken?.seq}: ${v.firstBroken?.reason}.\n`);
          return EXIT.checkFailed;
        } finally {
          ws.close();
        }
      }
      case 'conformance': {
        const { values } = parse(args, { url: { type: 'string' }, token: { type: 'string' } });
        const url = typeof values.url === 'string' ? values.url : undefined;
        const token = typeof values.token === 'string' ? values.token : process.env.WAYBILL_BACKEND_TOKEN;
        if (!url || !token) throw new UsageError('waybill conformance --url URL --token T (or WAYBILL_BACKEND_TOKEN)');
        const results = await runConformance(url, token);
        for (const r of results) out.stdout(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}${r.ok ? '' : `\n      ${r.detail}`}\n`);
        const failed = results.filter((r) => !r.ok).length;
        out.stdout(`${results.length - failed} of ${results.length} expectations met\n`);
        return failed ? EXIT.checkFailed : EXIT.ok;
      }
      case 'rules list': {
        const { values } = parse(args, { json: { type: 'boolean' }, date: { type: 'string' } });
        const date = typeof values.date === 'string' ? values.date : new Date().toISOString().slice(0, 10);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError('--date takes YYYY-MM-DD.');
        return rulesList(values.json === true, date, out);
      }
      case 'rules evaluate': {
        const { values, positionals } = parse(args, { json: { type: 'boolean' }, home: { type: 'string' }, rates: { type: 'string' } });
        const file = positionals[0];
        if (!file) throw new UsageError('Name the case file: waybill rules evaluate FILE');
        const home = typeof values.home === 'string' ? values.home.toUpperCase() : undefined;
        if (values['data-dir'] || process.env.WAYBILL_DATA_DIR) {
          const ws = await unlocked(values['data-dir']);
          try {
            return rulesEvaluate(file, { json: values.json === true, home: home ?? ws.preferences.homeJurisdiction, rates: dbRates(ws.database()) }, out);
          } finally {
            ws.close();
          }
        }
        return rulesEvaluate(file, { json: values.json === true, home: home ?? 'DE', rates: null, ...(typeof values.rates === 'string' ? { ratesFile: values.rates } : {}) }, out);
      }
      case 'fx import': {
        const { values, positionals } = parse(args, {});
        const file = positionals[0];
        if (!file) throw new UsageError('Name the CSV file: waybill fx import FILE.csv --data-dir D');
        if (!existsSync(file)) throw new UsageError(`No such file: ${file}`);
        const csv = parseRatesCsv(readFileSync(file, 'utf8'));
        for (const bad of csv.rejected) out.stderr(`${file}:${bad.line}: ${bad.reason}\n`);
        const ws = await unlocked(values['data-dir']);
        try {
          const db = ws.database();
          const n = saveRates(db, csv.rates, new Date().toISOString());
          ws.audit('fx.imported', { file: file.split('/').pop(), rates: n, rejected: csv.rejected.length });
          const re = recheckAll(db, ws.checkContext());
          out.stdout(`Imported ${n} rates (${csv.rejected.length} rejected). Re-evaluated ${re.cases} cases: ${re.changed} check results changed.\n`);
          return csv.rejected.length ? EXIT.checkFailed : EXIT.ok;
        } finally {
          ws.close();
        }
      }
      case 'screening import': {
        const { values, positionals } = parse(args, { source: { type: 'string' }, 'allow-shrink': { type: 'boolean' } });
        const path = positionals[0];
        if (!path) throw new UsageError('Name the list file (or OFAC folder): waybill screening import --source ofac PATH');
        if (!existsSync(path)) throw new UsageError(`No such file or folder: ${path}`);
        const ws = await unlocked(values['data-dir']);
        try {
          return screeningImport(ws, typeof values.source === 'string' ? values.source : undefined, path, out, { allowShrink: values['allow-shrink'] === true });
        } finally {
          ws.close();
        }
      }
      case 'screening search': {
        const { values, positionals } = parse(args, { json: { type: 'boolean' }, 'min-score': { type: 'string' } });
        const name = positionals.join(' ').trim();
        if (!name) throw new UsageError('Give a name: waybill screening search "NAME"');
        const min = typeof values['min-score'] === 'string' ? Number(values['min-score']) : undefined;
        if (min !== undefined && !(min > 0 && min <= 1)) throw new UsageError('--min-score is a number between 0 and 1.');
        const ws = await unlocked(values['data-dir']);
        try {
          return screeningSearch(ws, name, values.json === true, min, out);
        } finally {
          ws.close();
        }
      }
      case 'ivms101 validate': {
        const { values, positionals } = parse(args, {
          json: { type: 'boolean' },
          jurisdiction: { type: 'string', multiple: true },
          amount: { type: 'string' },
          currency: { type: 'string' },
        });
        const file = positionals[0];
        if (!file) throw new UsageError('Name the file: waybill ivms101 validate FILE');
        const jurisdictions = (values.jurisdiction as unknown as string[] | undefined) ?? [];
        for (const j of jurisdictions) if (!/^[A-Za-z]{2}$/.test(j)) throw new UsageError(`--jurisdiction takes a two-letter country code (or EU), not "${j}".`);
        return validateCommand(
          file,
          {
            json: values.json === true,
            jurisdictions,
            ...(typeof values.amount === 'string' ? { amount: values.amount } : {}),
            ...(typeof values.currency === 'string' ? { currency: values.currency } : {}),
          },
          out,
        );
      }
      case 'ivms101 convert': {
        const { values, positionals } = parse(args, { to: { type: 'string' }, force: { type: 'boolean' } });
        const file = positionals[0];
        if (!file) throw new UsageError('Name the file: waybill ivms101 convert FILE --to 2020|2023');
        return convertCommand(file, typeof values.to === 'string' ? values.to : undefined, values.force === true, out);
      }
      case 'export create': {
        const { values } = parse(args, { from: { type: 'string' }, to: { type: 'string' }, jurisdiction: { type: 'string' }, direction: { type: 'string' }, status: { type: 'string' }, out: { type: 'string' } });
        const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
        const opts = { from: str('from'), to: str('to'), jurisdiction: str('jurisdiction'), direction: str('direction'), status: str('status'), out: str('out') };
        if (!opts.from || !opts.to || !opts.out) throw new UsageError(EXPORT_CREATE_USAGE);
        const ws = await unlocked(values['data-dir']);
        try {
          return await exportCreate(ws, opts, out);
        } finally {
          ws.close();
        }
      }
      case 'export verify': {
        const { values, positionals } = parse(args, { 'public-key': { type: 'string' }, json: { type: 'boolean' } });
        return exportVerify(positionals[0], typeof values['public-key'] === 'string' ? values['public-key'] : undefined, values.json === true, out);
      }
      case 'export public-key': {
        const { values } = parse(args, {});
        const ws = await unlocked(values['data-dir']);
        try {
          const k = ws.signingKey();
          out.stdout(`${k.publicKeyPem.trimEnd()}\n# fingerprint ${k.fingerprint}\n`);
          return EXIT.ok;
        } finally {
          ws.close();
        }
      }
      case 'retention purge': {
        const { values } = parse(args, { 'dry-run': { type: 'boolean' }, today: { type: 'string' } });
        const today = typeof values.today === 'string' ? values.today : undefined;
        if (today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new UsageError('--today takes YYYY-MM-DD.');
        const ws = await unlocked(values['data-dir']);
        try {
          return printPurge(ws.purgeExpired(values['dry-run'] === true, today), out);
        } finally {
          ws.close();
        }
      }
      case 'cases hold': {
        const { values, positionals } = parse(args, { reason: { type: 'string' }, release: { type: 'boolean' } });
        const id = positionals[0];
        const reason = typeof values.reason === 'string' ? values.reason : null;
        if (!id || (reason === null) === (values.release !== true)) throw new UsageError('waybill cases hold --data-dir D CASE_ID --reason TEXT  (or --release)');
        const ws = await unlocked(values['data-dir']);
        try {
          const h = setLegalHold(ws.database(), id, reason, ws.actor);
          out.stdout(h ? `Case ${id} is on legal hold.\n` : `Case ${id} is no longer on legal hold.\n`);
          return EXIT.ok;
        } finally {
          ws.close();
        }
      }
      case 'serve': {
        const { values } = parse(args, { port: { type: 'string' }, open: { type: 'boolean' } });
        const ws = workstation(values['data-dir'], 'browser');
        const log = fileLogger(ws.dataDir);
        const bridge = await startBridge({
          dispatch: createDispatcher(createHandlers(ws), log),
          events: ws.events,
          staticDir: resolve(packageRoot, 'out', 'renderer'),
          logger: log,
          port: int(values.port, 'port', 0),
        });
        out.stdout(`Waybill is serving ${ws.dataDir}\nOpen: ${bridge.launchUrl}\n`);
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
      }
      default:
        throw new UsageError(`Unknown command "${cmd}". Run waybill --help.`);
    }
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
    spawn(opener, [url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
  } catch {
    // The URL is printed above; opening it by hand works too.
  }
}
