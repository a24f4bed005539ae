import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { WORKER_ENTRIES } from './src-main/platform/worker-entries';

// The CLI built once (`npm run build`), so `bin/waybill.mjs` starts without tsx transforming the core on every
// run: the CLI tests spawn it hundreds of times. One flat folder: the worker entries and every chunk sit beside
// waybill.cjs, where the core looks for them (its own import.meta.url: platform/worker-entry.ts, platform/paths.ts).
// An SSR build: the dependencies stay in node_modules, loaded as from source, except any-ascii: an ES module only,
// whose default export a CommonJS bundle would read as its whole namespace (`require` of an ES module), so it is
// bundled (src-main/cli/screening.test.ts failed on every screening index without this).

export default defineConfig({
  ssr: { noExternal: ['any-ascii'] },
  build: {
    ssr: true,
    outDir: 'out/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: {
        waybill: resolve(import.meta.dirname, 'src-main/cli/main.ts'),
        ...Object.fromEntries(
          Object.entries(WORKER_ENTRIES).map(([name, file]) => [name, resolve(import.meta.dirname, file)]),
        ),
      },
      // The heavy mail and PDF packages are imported on first use (`await import(...)`, see
      // test/lint/lazy-heavy-modules.test.ts); as `require` they load the same CommonJS builds a static import did,
      // and test/e2e/built-bundles.test.ts still sees them.
      output: {
        format: 'cjs',
        entryFileNames: '[name].cjs',
        chunkFileNames: '[name]-[hash].cjs',
        dynamicImportInCjs: false,
      },
    },
  },
});
