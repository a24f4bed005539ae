// Every worker thread's entry, by the name of its built file (`<name>.cjs`, beside the bundle that starts
// it: platform/worker-entry.ts). Both builds take their inputs from here: the Electron main bundle
// (electron.vite.config.ts) and the CLI's (cli.vite.config.ts). A worker missing from one build starts
// from source but fails in that build only; test/lint/worker-entries.test.ts checks every startWorker
// call's name is listed.
export const WORKER_ENTRIES = {
  'checkpoint-worker': 'src-main/store/checkpoint-worker.ts',
  'export-worker': 'src-main/export/format-worker.ts',
  'intake-worker': 'src-main/cases/intake-worker.ts',
  'migrate-worker': 'src-main/store/migrate-worker.ts',
  'pdf-worker': 'src-main/export/pdf-worker.ts',
} as const;
