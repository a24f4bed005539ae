// Builds better-sqlite3-multiple-ciphers for Electron's ABI with @electron/rebuild, in a copy under
// .electron-native/, leaving node_modules with the Node build that the CLI, browser mode and tests use.
// The Electron main process loads this copy through better-sqlite3's `nativeBinding` option
// (src-main/electron/main.ts), and `npm run dist` packs it (electron-builder.ts, unpacked from the ASAR).
// It needs Electron's headers, which @electron/rebuild downloads from electronjs.org: it runs on a
// developer or packaging machine with network access, never in `npm install` or `npm test`.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { rebuild } from '@electron/rebuild';

const MODULE = 'better-sqlite3-multiple-ciphers';
const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const arch = process.env.WAYBILL_NATIVE_ARCH ?? process.arch;
const target = join(root, '.electron-native');
const binding = join(target, 'node_modules', MODULE, 'build', 'Release', 'better_sqlite3.node');
const stamp = join(target, `.built-for-electron-${electronVersion}-${process.platform}-${arch}`);

if (existsSync(binding) && existsSync(stamp)) {
  console.log(`rebuild-native: ${MODULE} already built for Electron ${electronVersion} (${process.platform}-${arch})`);
  process.exit(0);
}
// A one-module project for @electron/rebuild to walk: only the SQLCipher binding needs Electron's ABI.
rmSync(target, { recursive: true, force: true });
mkdirSync(join(target, 'node_modules'), { recursive: true });
const version = require(`${MODULE}/package.json`).version;
writeFileSync(
  join(target, 'package.json'),
  JSON.stringify({ name: 'waybill-electron-native', private: true, dependencies: { [MODULE]: version } }, null, 2),
);
cpSync(join(root, 'node_modules', MODULE), join(target, 'node_modules', MODULE), {
  recursive: true,
  filter: (f) => !f.includes(join(MODULE, 'build')),
});
try {
  // From source: the SQLCipher amalgamation is what we ship, not a prebuilt fetched from elsewhere.
  await rebuild({
    buildPath: target,
    electronVersion,
    arch,
    onlyModules: [MODULE],
    force: true,
    buildFromSource: true,
    mode: 'sequential',
  });
} catch (e) {
  console.error(
    `rebuild-native: @electron/rebuild failed for Electron ${electronVersion}: ${e instanceof Error ? e.message : String(e)}`,
  );
  console.error(
    "rebuild-native: it downloads Electron's headers from electronjs.org; a machine without that access cannot run it.",
  );
  process.exit(1);
}
if (!existsSync(binding)) {
  console.error(`rebuild-native: @electron/rebuild finished but ${binding} is missing`);
  process.exit(1);
}
writeFileSync(stamp, '');
console.log(
  `rebuild-native: ${MODULE} built for Electron ${electronVersion} (${process.platform}-${arch}) at ${binding}`,
);
