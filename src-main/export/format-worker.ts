import { parentPort } from 'node:worker_threads';
import { formatJob, RuleSources, type FormatJob } from './format';

// A worker thread of an export (export/pool.ts): formats and deflates the batches it is sent, one at
// a time, and hands the bytes back without copying them (their buffers are transferred). The reading
// thread hands each batch's buffer back once hashed: the next batches are written into those, so the
// buffers in flight stay a handful whatever the export's size (not garbage awaiting collection).

const free: ArrayBuffer[] = [];
/**
 * Buffers kept for reuse: one (more only held memory: 6 were kept before issue 21's point 2, then 2; a
 * batch's three files come back as three buffers, the rest are collected with the worker's small heap).
 */
const KEEP = 1;

function alloc(bytes: number): Uint8Array {
  const i = free.findIndex((b) => b.byteLength >= bytes);
  if (i >= 0) return new Uint8Array(free.splice(i, 1)[0]!, 0, bytes);
  return new Uint8Array(new ArrayBuffer(Math.max(bytes, 1 << 20)), 0, bytes);
}

// The export's rule_sources (FormatPool.shareSources), sent before the batches that refer to them.
let sources = new RuleSources();

type Message = { id: number; job: FormatJob } | { recycle: ArrayBuffer } | { sources: [string, string][] };

parentPort?.on('message', (m: Message) => {
  if ('recycle' in m) {
    if (free.length < KEEP) free.push(m.recycle);
    return;
  }
  if ('sources' in m) {
    sources = new RuleSources(m.sources);
    return;
  }
  try {
    const out = formatJob(m.job, alloc, sources);
    const transfer = out.chunks
      .flatMap((c) => [c.raw.buffer, c.deflated.buffer])
      .filter((b, i, a) => b.byteLength > 0 && a.indexOf(b) === i);
    parentPort?.postMessage({ id: m.id, out }, transfer as ArrayBuffer[]);
  } catch (e) {
    // The message only: a row's content never leaves in an error.
    parentPort?.postMessage({ id: m.id, error: e instanceof Error ? `${e.name}: ${e.message}` : 'formatting failed' });
  }
});
