import { parseOfacCsv } from '../../src-main/screening/lists/ofac';
import { ScreeningIndex } from '../../src-main/screening/search';
import { DEFAULT_MIN_SCORE } from '../../src-main/screening/case';
import { ordinaryNames, variations } from '../../test/support/screening-sets';
import { sharedPath } from '../../test/support/shared';
import { median, percentile, round, type Suite } from '../harness';

export const screeningSuite: Suite = {
  name: 'screening',
  async run() {
    let t = performance.now();
    const ofac = parseOfacCsv(sharedPath('fixtures', 'sanctions', 'ofac'));
    const parseMs = performance.now() - t;
    const builds: number[] = [];
    let index: ScreeningIndex | null = null;
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      index = new ScreeningIndex([{ source: 'ofac', version: 'bench', entries: ofac.entries }]);
      builds.push(performance.now() - t);
    }
    const idx = index!;
    // A realistic mix: listed names in other spellings and ordinary customers' names.
    const queries = [...variations(ofac.entries, 60).map((v) => v.query), ...ordinaryNames().slice(0, 100)];
    const opts = { minScore: DEFAULT_MIN_SCORE, limit: 20 };
    for (const q of queries.slice(0, 50)) idx.search(q, opts); // warm-up
    const timed = (naive: boolean) =>
      queries.map((q) => {
        const s = performance.now();
        idx.search(q, opts, naive);
        return performance.now() - s;
      });
    const indexed = timed(false);
    const naive = timed(true);
    return [
      { suite: 'screening', metric: 'parse OFAC CSV snapshot', value: round(parseMs, 0), unit: 'ms', note: `${ofac.entries.length} entries, ${ofac.entries.reduce((s, e) => s + e.names.length, 0)} names` },
      { suite: 'screening', metric: 'index build (OFAC)', value: round(median(builds), 0), unit: 'ms (median of 5)' },
      { suite: 'screening', metric: 'name query via index, p50', value: round(percentile(indexed, 50), 2), unit: 'ms', note: `${queries.length} queries` },
      { suite: 'screening', metric: 'name query via index, p95', value: round(percentile(indexed, 95), 2), unit: 'ms' },
      { suite: 'screening', metric: 'naive scan of every name, p50', value: round(percentile(naive, 50), 2), unit: 'ms', note: 'same scoring, same queries' },
      { suite: 'screening', metric: 'naive scan of every name, p95', value: round(percentile(naive, 95), 2), unit: 'ms' },
      { suite: 'screening', metric: 'scan / index (p50)', value: round(percentile(naive, 50) / percentile(indexed, 50), 1), unit: 'ratio' },
    ];
  },
};
