import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';

// Deflate level vs throughput vs size, on the first SAMPLE bytes of each bundle file given (as an
// export writes them: 64 KiB chunks through one stream). Usage: npx tsx bench/deflate-levels.ts FILE...
const SAMPLE = Number(process.env.SAMPLE_MB ?? 48) * 2 ** 20;

export interface LevelRow {
  level: number;
  inMiB: number;
  outMiB: number;
  ratio: number;
  cpuS: number;
  mibPerCpuS: number;
}

function head(file: string): Buffer {
  const n = Math.min(SAMPLE, statSync(file).size);
  const b = Buffer.alloc(n);
  const fd = openSync(file, 'r');
  readSync(fd, b, 0, n, 0);
  closeSync(fd);
  return b;
}

export function measureLevels(samples: Buffer[], levels = [1, 2, 3, 4, 6, 9]): LevelRow[] {
  const input = samples.reduce((a, b) => a + b.length, 0);
  return levels.map((level) => {
    const c0 = process.cpuUsage();
    let out = 0;
    for (const s of samples) out += deflateRawSync(s, { level, memLevel: 8 }).length;
    const c = process.cpuUsage(c0);
    const cpuS = (c.user + c.system) / 1e6;
    return {
      level,
      inMiB: input / 2 ** 20,
      outMiB: out / 2 ** 20,
      ratio: out / input,
      cpuS,
      mibPerCpuS: input / 2 ** 20 / cpuS,
    };
  });
}

if (process.argv[1]?.endsWith('deflate-levels.ts')) {
  const samples = process.argv.slice(2).map(head);
  for (const r of measureLevels(samples))
    console.log(
      `level ${r.level}: ${r.inMiB.toFixed(0)} MiB → ${r.outMiB.toFixed(1)} MiB (${(100 * r.ratio).toFixed(1)}%), ${r.cpuS.toFixed(2)} s CPU, ${r.mibPerCpuS.toFixed(0)} MiB/s per core`,
    );
}
