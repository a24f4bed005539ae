import { readdirSync, readFileSync, statSync } from 'node:fs';

import { Workstation } from '../src-main/app/workstation';
import { verifyExport } from '../src-main/export/verify';
import type { PdfMode } from '../src-main/export/sections';
import { ioBytes } from './proc-io';

// Runs in a process of its own so its peak memory (maxRSS) is the export's, not the harness's.
// argv: DATA_DIR PASSPHRASE OUT create|verify [summary|per-case]
const [dataDir, passphrase, out, mode, pdfArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  'create' | 'verify',
  string | undefined,
];
const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);

/**
 * CPU seconds of each thread of this process so far (Linux /proc, by thread id), kept at the most seen:
 * a worker's entry goes when it ends. Which thread waits on which (issue 21, both cores busy): the
 * reading thread's CPU beside the workers' and the wall time.
 */
const threadCpu = new Map<number, { name: string; s: number }>();
function sampleThreads(): void {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return; // not Linux
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const s = (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
      const id = Number(tid);
      if ((threadCpu.get(id)?.s ?? -1) < s) threadCpu.set(id, { name: id === process.pid ? 'main' : name, s });
    } catch {
      // the thread ended between the listing and the read
    }
  }
}
const base = rssMiB();
const t0 = performance.now();
if (mode === 'create') {
  const ws = new Workstation({ dataDir, mode: 'cli', actor: 'bench' });
  await ws.unlock(passphrase);
  // A store built under another rule pack is re-evaluated in the background after unlock: measured
  // alone, the export starts once that is done (as on a workstation whose rules are current).
  await ws.recheckDone;
  const unlockMs = performance.now() - t0;
  // Wall and CPU time of each phase (section), for the breakdown in bench/suites/export.ts.
  const phases: Record<string, { ms: number; cpuMs: number }> = {};
  let phase = '';
  let phaseAt = performance.now();
  let phaseCpu = process.cpuUsage();
  const closePhase = () => {
    if (!phase) return;
    const cpu = process.cpuUsage(phaseCpu);
    const p = (phases[phase] ??= { ms: 0, cpuMs: 0 });
    p.ms += performance.now() - phaseAt;
    p.cpuMs += (cpu.user + cpu.system) / 1000;
  };
  // maxRSS also holds what unlocking took (Argon2id's 64 MiB of wasm memory, never given back):
  // the export's own peak is sampled from its start.
  const startMiB = rssMiB();
  // This thread's V8 heap before the export (module code and data, from source with tsx's): the peak's
  // heap figure less this is what the export itself held there.
  const startHeapMiB = Math.round(process.memoryUsage().heapTotal / 2 ** 20);
  let exportPeakMiB = startMiB;
  // What the peak was made of (this thread's V8 heap, and buffers outside it), for the memory breakdown.
  let atPeak = { heapMiB: 0, externalMiB: 0, phase: '' };
  let ticks = 0;
  sampleThreads();
  const before = new Map([...threadCpu].map(([id, t]) => [id, t.s]));
  const sampler = setInterval(() => {
    if (++ticks % 5 === 0) sampleThreads();
    const m = process.memoryUsage();
    if (m.rss / 2 ** 20 <= exportPeakMiB) return;
    exportPeakMiB = Math.round(m.rss / 2 ** 20);
    atPeak = {
      heapMiB: Math.round(m.heapTotal / 2 ** 20),
      externalMiB: Math.round(m.external / 2 ** 20),
      phase,
    };
  }, 50);
  const cpu0 = process.cpuUsage();
  const read0 = ioBytes('rchar');
  const c0 = performance.now();
  const r = await ws.createExport(
    // EXPORT_FROM/EXPORT_TO: a date range of the store (a smaller selection from the same store).
    {
      from: process.env.EXPORT_FROM ?? '2000-01-01',
      to: process.env.EXPORT_TO ?? '2099-12-31',
      jurisdiction: null,
      direction: null,
      status: null,
    },
    out,
    {
      ...(pdfArg ? { pdf: pdfArg as PdfMode } : {}),
      onProgress: (p) => {
        if (p.phase === phase) return;
        closePhase();
        phase = p.phase;
        phaseAt = performance.now();
        phaseCpu = process.cpuUsage();
      },
    },
  );
  closePhase();
  clearInterval(sampler);
  sampleThreads();
  // The export's own CPU by thread (what each spent before it, unlocking, taken off), the busiest first.
  const threads = [...threadCpu]
    .map(([id, t]) => ({ name: t.name, s: Math.round((t.s - (before.get(id) ?? 0)) * 10) / 10 }))
    .filter((t) => t.s >= 0.5)
    .sort((a, b) => b.s - a.s);
  exportPeakMiB = Math.max(exportPeakMiB, rssMiB());
  const ms = performance.now() - c0;
  const cpu = process.cpuUsage(cpu0);
  ws.close();
  console.log(
    JSON.stringify({
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      unlockMs,
      baseMiB: base,
      peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      startMiB,
      startHeapMiB,
      exportPeakMiB,
      atPeak,
      workers: r.workers,
      bytes: statSync(out).size,
      cases: r.counts.cases,
      events: r.counts.auditEvents,
      pdf: r.pdf,
      phases,
      threads,
      // read(2) bytes of the export (Linux /proc; null elsewhere): the store's pages, each through the cipher.
      bytesRead: read0 === null ? null : (ioBytes('rchar') ?? read0) - read0,
    }),
  );
} else {
  const r = await verifyExport(out, {});
  const ms = performance.now() - t0;
  console.log(
    JSON.stringify({
      ms,
      ok: r.ok,
      baseMiB: base,
      peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      files: r.files,
      events: r.auditEvents,
      problems: r.problems.slice(0, 3),
    }),
  );
}
