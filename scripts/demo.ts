// `npm run demo`: the reference exchange backend with traffic, and the workstation in browser mode
// connected to it, with a local data folder (./demo-data). Ctrl+C stops both.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src-main/cases/random';
import { parseRatesCsv } from '../src-main/rules/fx';
import { advanceFlows, caseFactory } from '../reference-backend/simulate';
import { startBackend } from '../reference-backend/server';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.WAYBILL_DATA_DIR ?? join(root, 'demo-data');
const makeCase = caseFactory(1, join(root, '..', 'shared', 'fixtures', 'sanctions', 'ofac'));
const rates = parseRatesCsv(readFileSync(join(root, 'resources', 'demo', 'fx-rates.csv'), 'utf8')).rates;
const backend = await startBackend({ makeCase, rates });
backend.db.transaction(() => {
  for (let i = 0; i < 500; i++) backend.addCase(makeCase());
})();
setInterval(() => backend.addCase(makeCase()), 10_000).unref();
const r = new Random(2);
setInterval(() => advanceFlows(backend.db, r, 20_000) && backend.changed(), 5_000).unref();

const ws = spawn(process.execPath, [join(root, 'bin', 'waybill.mjs'), 'serve', '--data-dir', dataDir, '--open'], {
  stdio: 'inherit',
  env: { ...process.env, WAYBILL_BACKEND_URL: backend.url, WAYBILL_BACKEND_TOKEN: backend.token },
});
process.stdout.write(`Reference exchange backend: ${backend.url} (500 cases, a new one every 10 s)\nData folder: ${dataDir}\n`);
const stop = () => {
  ws.kill('SIGTERM');
  void backend.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
ws.once('exit', () => void backend.close().then(() => process.exit(0)));
