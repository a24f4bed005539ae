import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

// Loading a worker thread's own entry, the same way for every pool (export/pool.ts, cases/intake-pool.ts):
// the built file beside the bundle (electron.vite.config.ts names each entry), or the TypeScript source
// through tsx when the caller itself runs from source (the CLI, tests and the bench run through tsx).

export interface WorkerEntry {
  /** The caller's `import.meta.url`: from source it ends in `.ts`, in the bundle it is index.cjs's. */
  here: string;
  /** The entry's source, relative to the caller, e.g. `./format-worker.ts`. */
  source: string;
  /** The built entry's file name beside the bundle, e.g. `export-worker.cjs`. */
  built: string;
}

export function startWorker(entry: WorkerEntry, options: WorkerOptions = {}): Worker {
  const { here } = entry;
  if (here.endsWith('.ts')) {
    // The worker registers tsx's loader before importing its module (`--import tsx` in a worker's
    // execArgv is not applied in time).
    const api = pathToFileURL(
      createRequire(here)
        .resolve('tsx/package.json')
        .replace(/package\.json$/, 'dist/esm/api/index.mjs'),
    ).href;
    const source = new URL(entry.source, here).href;
    return new Worker(
      `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); })`,
      { ...options, eval: true },
    );
  }
  return new Worker(join(dirname(fileURLToPath(here)), entry.built), options);
}

/**
 * As startWorker, but from source through tsx's require hook in the worker's own thread: tsx's ESM
 * register() (above) runs Node's module hooks on a thread of their own beside each worker, ~10 MiB each
 * (measured with the export's workers: two idle workers +66 MiB that way, +47 MiB this way). For entries
 * whose modules need nothing of ESM (no import.meta, no top-level await): the export's workers.
 */
export function startCjsWorker(entry: WorkerEntry, options: WorkerOptions = {}): Worker {
  const { here } = entry;
  if (!here.endsWith('.ts')) return startWorker(entry, options);
  const tsx = createRequire(here).resolve('tsx/cjs/api');
  const source = fileURLToPath(new URL(entry.source, here));
  return new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`, {
    ...options,
    eval: true,
  });
}
