import fc from 'fast-check';
import { validate as oracleValidate } from 'ivms101';
import { readIvms101 } from '../../src-main/ivms101/engine';
import { writeEdition } from '../../src-main/ivms101/model';
import type { Edition } from '../../src-main/ivms101/schema';
import { arbitraryModel } from '../../test/support/ivms101-arbitraries';
import { round, type Measurement, type Suite } from '../harness';

const PAYLOADS = Number(process.env.BENCH_IVMS_PAYLOADS ?? 2000);

/** Runs fn over every payload until at least `minMs` have passed; returns payloads per second. */
function rate(payloads: unknown[], fn: (p: unknown) => void, minMs = 1500): number {
  for (const p of payloads.slice(0, 200)) fn(p); // warm-up
  let done = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    for (const p of payloads) fn(p);
    done += payloads.length;
  }
  return done / ((performance.now() - start) / 1000);
}

export const ivms101Suite: Suite = {
  name: 'ivms101',
  async run() {
    const models = fc.sample(arbitraryModel, { numRuns: PAYLOADS, seed: 2026 });
    const out: Measurement[] = [];
    for (const e of ['2020', '2023'] as Edition[]) {
      const payloads = models.map((m) => writeEdition(m, e));
      const ours = rate(payloads, (p) => {
        const r = readIvms101(p, { today: '2026-11-22' });
        if (!r.ok || !r.result.valid) throw new Error('benchmark payload unexpectedly invalid');
      });
      const oracle = rate(payloads, (p) => {
        try {
          oracleValidate(p, { version: e });
        } catch {
          // The oracle rejects some of these (it applies C1 to beneficiaries); its cost is what we measure.
        }
      });
      out.push(
        {
          suite: 'ivms101',
          metric: `validate ${e} (Waybill)`,
          value: round(ours, 0),
          unit: 'payloads/s',
          note: `goal ≥ 100000; ${PAYLOADS} generated payloads`,
        },
        {
          suite: 'ivms101',
          metric: `validate ${e} (npm ivms101, same payloads)`,
          value: round(oracle, 0),
          unit: 'payloads/s',
        },
        {
          suite: 'ivms101',
          metric: `${e}: Waybill / npm ivms101`,
          value: round(ours / oracle, 2),
          unit: 'ratio',
          note: 'goal ≥ 5; Waybill also checks C10 against GLEIF, LEI check digits, dates',
        },
      );
    }
    return out;
  },
};
