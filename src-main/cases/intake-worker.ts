import { parentPort, workerData } from 'node:worker_threads';
import { BACKGROUND_NICENESS, lowerThisThread } from '../platform/thread-priority';
import { sharingIvms101Reads } from '../ivms101/engine';
import { defaultRulePack } from '../rules/pack';
import { ScreeningIndex } from '../screening/search';
import { readCase, type ReadCase } from './intake';
import {
  contextOf,
  rawOf,
  toWriter,
  workerFailure,
  type PoolRaw,
  type Snapshot,
  type WorkerFault,
} from './intake-pool';

// A worker thread of the intake (cases/intake-pool.ts): the pure stage of `admit` (parse, contract,
// IVMS101 reading, evaluation, the IVMS101 check, the screening search, digests) for the chunks of
// cases it is sent, in the order they come. It holds no database: the rule pack is loaded here, the
// screening index built here from the lists sent once, the FX rates looked up in the copy sent once.

const started = performance.now();
// Below the writer's thread, which is the intake's critical path (platform/thread-priority.ts).
lowerThisThread(BACKGROUND_NICENESS);
const snapshot = (workerData as { snapshot: Snapshot }).snapshot;
const fault = (workerData as { fault?: WorkerFault }).fault;
const pack = defaultRulePack();
const ctx = contextOf(snapshot, pack, snapshot.lists ? new ScreeningIndex(snapshot.lists) : null);
// The lists now live in the index: the message's copy is not kept twice.
snapshot.lists = null;

parentPort?.postMessage({
  ready: {
    packDigest: pack.digest,
    ms: Math.round(performance.now() - started),
    heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  },
});

// What this worker has sent of the citation lists (toWriter: each list's text crosses once).
const sent = new Set<string>();

parentPort?.on('message', (m: { id: number; items: PoolRaw[] }) => {
  const out = m.items.map((item): ReadCase => {
    try {
      if (fault?.exitOn && item.text.includes(fault.exitOn)) process.exit(70);
      if (fault?.throwOn && item.text.includes(fault.throwOn)) throw new RangeError('a test fault');
      return toWriter(
        sharingIvms101Reads(() => readCase(rawOf(item), ctx.today, ctx)),
        sent,
      );
    } catch (e) {
      // This case only: the others of its chunk are read as usual. Its name, never its content.
      return { ok: false, reason: workerFailure(`it threw ${e instanceof Error ? e.name : 'an error'}`) };
    }
  });
  parentPort?.postMessage({ id: m.id, out });
});
