import fc from 'fast-check';
import { validate as oracleValidate } from 'ivms101';
import { loadavg } from 'node:os';
import { compiledVariant, readClean } from '../src-main/ivms101/compiled';
import { LEI_PATTERN } from '../src-main/ivms101/lei';
import { writeEdition } from '../src-main/ivms101/model';
import type { Edition } from '../src-main/ivms101/schema';
import { arbitraryModel } from '../test/support/ivms101-arbitraries';

// Where the compiled IVMS101 reader's µs go (issue 21): the same generated reader with one kind of
// check after another switched off, beside npm ivms101 and a bare walk over every value, on the
// ivms101 suite's payloads, in one process, rounds interleaved, best round of each (CPU time).
// Usage: WAYBILL_SHARED=… npx tsx bench/ivms101-breakdown.ts [PAYLOADS]
// What it shows: how much of the time is checks npm ivms101 does not make at all, how much the
// reading itself, and the floor any reader that looks at every value pays on this machine.

const PAYLOADS = Number(process.argv[2] ?? 2000);
const TODAY = '2026-11-22';
const ROUNDS = 5;
const yes = () => true;
const identityCodes = (s: string) =>
  s.replace(/\? x : typeof x === 'string' \? K\[\d+\]\.get\(x\) : undefined/g, '? x : x');

let sink = 0;
/** Every value visited, nothing checked: what touching the payload costs (memory, for-in, recursion). */
function walk(v: unknown): void {
  if (typeof v === 'string') sink += v.length;
  else if (Array.isArray(v)) for (const x of v as unknown[]) walk(x);
  else if (typeof v === 'object' && v !== null) for (const k in v) walk((v as Record<string, unknown>)[k]);
}

const models = fc.sample(arbitraryModel, { numRuns: PAYLOADS, seed: 2026 });
console.log(`load ${loadavg()[0]!.toFixed(2)}; ${PAYLOADS} payloads; µs CPU per payload, best of ${ROUNDS}`);
for (const e of ['2020', '2023'] as Edition[]) {
  const payloads = models.map((m) => JSON.parse(JSON.stringify(writeEdition(m, e))) as unknown);
  const contenders: Record<string, (p: unknown) => unknown> = {
    'Waybill (readClean, as the product runs it)': (p) => readClean(p, TODAY),
    // What npm ivms101 does not check: text length and character set.
    'without text length/character-set checks': compiledVariant(e, TODAY, { text2020: yes, text2023: yes, local: yes }),
    // ...nor LEI check digits (format only), RA against GLEIF (format only), real calendar days.
    'also LEI/RA/dates by format only, as the package': compiledVariant(e, TODAY, {
      text2020: yes,
      text2023: yes,
      local: yes,
      lei: (s: string) => LEI_PATTERN.test(s),
      ra: (s: string) => (/^RA[0-9]{6}$/.test(s) ? s : undefined),
      date: yes,
    }),
    'reading only (every value check off, codes as given)': compiledVariant(
      e,
      TODAY,
      {
        text2020: yes,
        text2023: yes,
        local: yes,
        lei: yes,
        ra: (s: string) => s,
        date: yes,
        country: yes,
        number: yes,
      },
      identityCodes,
    ),
    'floor: a recursive walk touching every value': (p) => (walk(p), 1),
    'npm ivms101': (p) => {
      try {
        return oracleValidate(p, { version: e });
      } catch {
        return 1; // it refuses some (C1 on beneficiaries); its cost is what is measured
      }
    },
  };
  for (const [name, fn] of Object.entries(contenders))
    for (const p of payloads) if (!fn(p)) throw new Error(`${name}: a valid payload refused`);
  const best: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, fn] of Object.entries(contenders)) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      let n = 0;
      while (performance.now() - start < 400) {
        for (const p of payloads) fn(p);
        n += payloads.length;
      }
      const used = process.cpuUsage(cpu);
      best[name] = Math.min(best[name] ?? Infinity, (used.user + used.system) / n);
    }
  const oracle = best['npm ivms101']!;
  for (const [name, us] of Object.entries(best))
    console.log(`${e}  ${name.padEnd(52)} ${us.toFixed(2).padStart(6)} µs  ${(oracle / us).toFixed(2)}× npm ivms101`);
}
console.log(`load ${loadavg()[0]!.toFixed(2)}${sink < 0 ? '' : ''}`);
