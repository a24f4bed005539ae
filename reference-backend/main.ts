// `npm run exchange`: the reference exchange backend on loopback, with generated traffic.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseRatesCsv } from '../src-main/rules/fx';
import { Random } from '../src-main/cases/random';
import { advanceFlows, caseFactory } from './simulate';
import { startBackend } from './server';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    seed: { type: 'string', default: '1' },
    cases: { type: 'string', default: '500' },
    rate: { type: 'string', default: '6' },
    token: { type: 'string' },
    db: { type: 'string' },
    // The sample the project ships (public domain); point it at a full OFAC CSV set to distribute that.
    'ofac-dir': { type: 'string', default: join(root, 'resources', 'sanctions', 'ofac-small') },
  },
});
const num = (v: string | undefined, name: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative number\n`);
    process.exit(2);
  }
  return n;
};
const seed = num(values.seed, 'seed');
const makeCase = caseFactory(seed, values['ofac-dir']);
const rates = parseRatesCsv(readFileSync(join(root, 'resources', 'demo', 'fx-rates.csv'), 'utf8')).rates;
const backend = await startBackend({
  port: num(values.port, 'port'),
  makeCase,
  rates,
  sanctionsLists: { ofac: values['ofac-dir'] },
  ...(values.token ? { token: values.token } : {}),
  ...(values.db ? { dbFile: values.db } : {}),
});
backend.db.transaction(() => {
  for (let i = 0; i < num(values.cases, 'cases'); i++) backend.addCase(makeCase());
})();
const rate = num(values.rate, 'rate');
if (rate > 0) setInterval(() => backend.addCase(makeCase()), 60_000 / rate);
const r = new Random(seed + 1);
setInterval(() => {
  if (advanceFlows(backend.db, r, 20_000)) backend.changed();
}, 5_000);
process.stdout.write(`Reference exchange backend: ${backend.url}\nWorkstation token: ${backend.token}\n`);
const stop = () => void backend.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
