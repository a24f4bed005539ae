import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { Workstation } from '../src-main/app/workstation';
import { generateCases } from '../src-main/cases/generate';
import { readCase, type ReadCase } from '../src-main/cases/intake';
import { contextOf, payloadFromText, toWriter } from '../src-main/cases/intake-pool';
import { sharingIvms101Reads } from '../src-main/ivms101/engine';
import { defaultRulePack } from '../src-main/rules/pack';
import { parseOfacCsv } from '../src-main/screening/lists/ofac';
import { ScreeningIndex } from '../src-main/screening/search';
import { sharedPath } from '../test/support/shared';

// The intake worker's per-case function (cases/intake-worker.ts) in a loop on this thread, over the
// intake suite's generated cases (seed 21), so its CPU a case can be measured and profiled alone
// (`node --cpu-prof --import tsx bench/intake-worker-loop.ts`). BENCH_LOOP_CASES cases, BENCH_LOOP_ROUNDS rounds;
// BENCH_LOOP_OFAC=1 screens against OFAC's list (shared fixtures; the intake suite's vault has no list);
// each round prints the CPU µs a case of the read and of the structured clone a worker's message costs,
// at both ends (the writer's is on the import's critical thread).

const N = Number(process.env.BENCH_LOOP_CASES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_LOOP_ROUNDS ?? 3);

const dir = mkdtempSync(join(tmpdir(), 'waybill-loop-'));
try {
  const ws = new Workstation({ dataDir: join(dir, 'ws'), mode: 'cli', actor: 'bench' });
  await ws.createVault('benchmark passphrase 1');
  const live = ws.checkContext();
  const ctx = contextOf(
    { homeJurisdiction: live.homeJurisdiction, today: live.today, rates: live.rates.all?.() ?? [], lists: null },
    defaultRulePack(),
    process.env.BENCH_LOOP_OFAC === '1'
      ? new ScreeningIndex([
          {
            source: 'ofac',
            version: 'bench',
            entries: parseOfacCsv(sharedPath('fixtures', 'sanctions', 'ofac')).entries,
          },
        ])
      : null,
  );
  ws.close();
  const texts: string[] = [];
  for (const c of generateCases(N, { seed: 21 })) texts.push(JSON.stringify(c));
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = cpu();
    const out: ReadCase[] = [];
    const sent = new Set<string>();
    for (const text of texts)
      out.push(
        toWriter(
          sharingIvms101Reads(() => readCase({ text }, ctx.today, ctx)),
          sent,
        ),
      );
    const t1 = cpu();
    const messages: Buffer[] = [];
    for (let i = 0; i < out.length; i += 250) messages.push(serialize(out.slice(i, i + 250)));
    const t2 = cpu();
    // The writer's end of the message: the copy rebuilt, each payload given back (intake-pool.ts).
    const received = messages.flatMap((m) => deserialize(m) as ReadCase[]);
    for (const r of received) payloadFromText(r);
    const t3 = cpu();
    const bytes = messages.reduce((n, m) => n + m.length, 0);
    // What the writer receives, as one digest: equal before and after a change that must not alter it.
    const sum = createHash('sha256');
    for (const r of received) sum.update(JSON.stringify(r.ok ? { ...r, ivms101Text: undefined } : r));
    console.log(
      `round ${round}: read ${((t1 - t0) / N).toFixed(1)} µs a case, clone ${((t2 - t1) / N).toFixed(1)} µs a case on the worker and ${((t3 - t2) / N).toFixed(1)} on the writer (${(bytes / N / 1024).toFixed(1)} KiB), ok ${out.filter((r) => r.ok).length}, output ${sum.digest('hex').slice(0, 16)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
