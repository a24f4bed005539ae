import Decimal from 'decimal.js';
import { CsvError } from 'csv-parse';
import { parse as parseCsv } from 'csv-parse/sync';
import type { ReadableDB, WritableDB } from '../store/db';

// Exchange rates for threshold evaluation. Decimal arithmetic throughout; the rate used is the
// latest one observed at or before the transfer time; an old rate is a warning, no rate is
// "cannot evaluate" — never a silent pass.

export interface FxRate {
  base: string;
  quote: string;
  rate: string;
  asOf: string;
  source: string;
}

export interface RateSource {
  /** The latest rate for base→quote observed at or before `at`. */
  find(base: string, quote: string, at: string): FxRate | null;
  /** Every rate it holds, when it can say: the intake's worker threads look rates up in a copy (cases/intake-pool.ts). */
  all?(): FxRate[];
}

export interface RateUse extends FxRate {
  /** How the rate was applied: multiplied (base→quote) or divided (quote→base). */
  direction: 'direct' | 'inverse';
  ageHours: number;
  stale: boolean;
}

export type Conversion =
  { ok: true; amount: string; currency: string; rates: RateUse[]; stale: boolean } | { ok: false; reason: string };

/** Currencies tried as a bridge when no direct rate exists (two legs, both recorded). */
const PIVOTS = ['USD', 'EUR'];

export const DEFAULT_MAX_RATE_AGE_HOURS = 72;

function use(r: FxRate, direction: RateUse['direction'], at: string, maxAgeHours: number): RateUse {
  const ageHours = (Date.parse(at) - Date.parse(r.asOf)) / 3_600_000;
  return { ...r, direction, ageHours: Math.round(ageHours * 10) / 10, stale: ageHours > maxAgeHours };
}

function leg(
  rates: RateSource,
  from: string,
  to: string,
  at: string,
  maxAge: number,
): { factor: Decimal; use: RateUse } | null {
  const direct = rates.find(from, to, at);
  const inverse = rates.find(to, from, at);
  // Prefer the more recent of the two quotations.
  const pick =
    direct && inverse
      ? direct.asOf >= inverse.asOf
        ? 'direct'
        : 'inverse'
      : direct
        ? 'direct'
        : inverse
          ? 'inverse'
          : null;
  if (pick === 'direct' && direct) return { factor: new Decimal(direct.rate), use: use(direct, 'direct', at, maxAge) };
  if (pick === 'inverse' && inverse)
    return { factor: new Decimal(1).div(inverse.rate), use: use(inverse, 'inverse', at, maxAge) };
  return null;
}

/** Converts `amount` of `from` into `to` at time `at`, recording every rate used and its age. */
export function convert(
  amount: string,
  from: string,
  to: string,
  at: string,
  rates: RateSource,
  maxAgeHours = DEFAULT_MAX_RATE_AGE_HOURS,
): Conversion {
  if (from === to) return { ok: true, amount: new Decimal(amount).toFixed(), currency: to, rates: [], stale: false };
  const one = leg(rates, from, to, at, maxAgeHours);
  if (one) {
    return {
      ok: true,
      amount: new Decimal(amount).times(one.factor).toFixed(),
      currency: to,
      rates: [one.use],
      stale: one.use.stale,
    };
  }
  for (const pivot of PIVOTS) {
    if (pivot === from || pivot === to) continue;
    const a = leg(rates, from, pivot, at, maxAgeHours);
    const b = a && leg(rates, pivot, to, at, maxAgeHours);
    if (a && b) {
      return {
        ok: true,
        amount: new Decimal(amount).times(a.factor).times(b.factor).toFixed(),
        currency: to,
        rates: [a.use, b.use],
        stale: a.use.stale || b.use.stale,
      };
    }
  }
  return { ok: false, reason: `no ${from}→${to} exchange rate observed on or before ${at}` };
}

/** Money for people: two decimals, rounded half-up (the comparison itself uses the exact value). */
export const display = (amount: string, currency: string) =>
  `${new Decimal(amount).toFixed(2, Decimal.ROUND_HALF_UP)} ${currency}`;

// ---- storage ---------------------------------------------------------------------------------

export function dbRates(db: ReadableDB): RateSource {
  const stmt = db.prepare(
    'SELECT base, quote, rate, as_of AS asOf, source FROM fx_rates WHERE base = ? AND quote = ? AND as_of <= ? ORDER BY as_of DESC LIMIT 1',
  );
  return {
    find: (base, quote, at) => (stmt.get(base, quote, at) as FxRate | undefined) ?? null,
    all: () => db.prepare('SELECT base, quote, rate, as_of AS asOf, source FROM fx_rates').all() as FxRate[],
  };
}

export function memoryRates(list: FxRate[]): RateSource {
  const sorted = [...list].sort((a, b) => b.asOf.localeCompare(a.asOf));
  return {
    find: (base, quote, at) => sorted.find((r) => r.base === base && r.quote === quote && r.asOf <= at) ?? null,
    all: () => [...list],
  };
}

export function saveRates(db: WritableDB, rates: FxRate[], importedAt: string): number {
  const stmt = db.prepare(
    'INSERT OR REPLACE INTO fx_rates (base, quote, rate, as_of, source, imported_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  db.transaction(() => rates.forEach((r) => stmt.run(r.base, r.quote, r.rate, r.asOf, r.source, importedAt)))();
  return rates.length;
}

export interface CsvReport {
  rates: FxRate[];
  rejected: { line: number; reason: string }[];
}

/**
 * Reads `pair,rate,as_of,source` records (pair as BASE/QUOTE; a header line is optional), RFC 4180 by
 * csv-parse: a quoted cell may hold commas (a source such as "ECB, reference rates"). A bad record is
 * reported with its line number and reason; the good ones are kept.
 */
export function parseRatesCsv(text: string): CsvReport {
  const report: CsvReport = { rates: [], rejected: [] };
  let first = true;
  const take = (cells: string[], n: number): void => {
    const reject = (reason: string) => report.rejected.push({ line: n, reason });
    const header = first && /^pair$/i.test(cells[0] ?? ''); // the first record, after any # notes
    first = false;
    if (header) return;
    if (cells.length !== 4) {
      reject(`expected 4 columns (pair,rate,as_of,source), found ${cells.length}`);
      return;
    }
    const [pair = '', rate = '', asOf = '', source = ''] = cells;
    const m = /^([A-Z]{3,5})\/([A-Z]{3,5})$/.exec(pair.toUpperCase());
    if (!m) reject(`pair "${pair.slice(0, 20)}" is not BASE/QUOTE, e.g. EUR/USD`);
    else if (!/^\d+(\.\d+)?$/.test(rate) || new Decimal(rate).isZero())
      reject(`rate "${rate.slice(0, 20)}" is not a positive decimal number`);
    else if (Number.isNaN(Date.parse(asOf)) || !/^\d{4}-\d{2}-\d{2}/.test(asOf))
      reject(`as_of "${asOf.slice(0, 30)}" is not an ISO date or time`);
    else if (!source) reject('source is empty: every rate must say where it came from');
    else report.rates.push({ base: m[1]!, quote: m[2]!, rate, asOf: new Date(asOf).toISOString(), source });
  };
  try {
    parseCsv(text, {
      trim: true,
      skip_empty_lines: true,
      comment: '#', // a line starting with # is a note
      comment_no_infix: true, // a # inside a cell is data
      relax_column_count: true, // a wrong count is this record's problem, reported below
      skip_records_with_error: true,
      on_skip: (err) => {
        if (err) report.rejected.push({ line: Number(err.lines) || 0, reason: `not readable as CSV (${err.code})` });
      },
      on_record: (record: string[], ctx) => {
        take(record, ctx.lines);
        return null; // taken here, in order: nothing to collect
      },
    });
  } catch (e) {
    // An unclosed quote reaches the end of the text: the records before it are kept.
    const lines = e instanceof CsvError ? Number(e.lines) || 0 : 0;
    report.rejected.push({
      line: lines,
      reason: `not readable as CSV from here (${e instanceof CsvError ? e.code : 'unreadable'})`,
    });
  }
  return report;
}
