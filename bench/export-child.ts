import { statSync } from 'node:fs';

import { Workstation } from '../src-main/app/workstation';
import { verifyExport } from '../src-main/export/verify';

// Runs in a process of its own so its peak memory (maxRSS) is the export's, not the harness's.
const [dataDir, passphrase, out, mode] = process.argv.slice(2) as [string, string, string, 'create' | 'verify'];
const rssMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const base = rssMiB();
const t0 = performance.now();
if (mode === 'create') {
  const ws = new Workstation({ dataDir, mode: 'cli', actor: 'bench' });
  await ws.unlock(passphrase);
  const r = await ws.createExport(
    { from: '2000-01-01', to: '2099-12-31', jurisdiction: null, direction: null, status: null },
    out,
  );
  const ms = performance.now() - t0;
  ws.close();
  console.log(
    JSON.stringify({
      ms,
      baseMiB: base,
      peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      bytes: statSync(out).size,
      cases: r.counts.cases,
      events: r.counts.auditEvents,
      pdfBytes: 0,
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
