import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { WORKER_ENTRIES } from './src-main/platform/worker-entries';

// Our folders are not electron-vite's defaults (src/main, src/preload, src/renderer),
// so every entry is named explicitly.
export default defineConfig(({ mode }) => ({
  main: {
    // A development build (`electron-vite dev`) is the only one that may honour ELECTRON_RENDERER_URL and
    // WAYBILL_DEVTOOLS (src-main/app/dev-overrides.ts); `electron-vite build` bakes in false.
    // The update feed and the AppImage update public key are fixed at build time too (electron-builder.ts
    // checks them when packaging): the environment of an installed app cannot redirect or re-key updates.
    define: {
      __WAYBILL_DEVELOPMENT_BUILD__: JSON.stringify(mode === 'development'),
      __WAYBILL_UPDATE_URL__: JSON.stringify(process.env.WAYBILL_UPDATE_URL ?? ''),
      __WAYBILL_UPDATE_PUBLIC_KEY__: JSON.stringify(process.env.WAYBILL_UPDATE_PUBLIC_KEY ?? ''),
    },
    build: {
      outDir: 'out/main',
      // any-ascii is an ES module only: required from this CommonJS bundle, its default export read as
      // the module's namespace, and every screening name normalisation threw a TypeError. Bundled instead
      // (test/e2e/built-bundles.test.ts refuses a require of any ES-module-only package).
      externalizeDeps: { exclude: ['any-ascii'] },
      rollupOptions: {
        // The worker threads load their own entries, beside index.cjs (src-main/platform/worker-entries.ts).
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          ...Object.fromEntries(Object.entries(WORKER_ENTRIES).map(([name, file]) => [name, resolve(__dirname, file)])),
        },
        // One flat folder: a chunk that starts a worker looks for its entry beside itself (worker-entry.ts),
        // and in chunks/ the intake's and the store upgrade's were not found. The heavy mail and PDF packages
        // are imported on first use (test/lint/lazy-heavy-modules.test.ts); as `require` they load the same
        // CommonJS builds a static import did, and test/e2e/built-bundles.test.ts still sees them.
        output: {
          format: 'cjs',
          entryFileNames: '[name].cjs',
          chunkFileNames: '[name]-[hash].cjs',
          dynamicImportInCjs: false,
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be CommonJS.
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // Keep the bundle free of inline scripts and eval so the strict CSP holds.
      modulePreload: { polyfill: false },
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
}));
