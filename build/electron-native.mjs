// Builds a copy of better-sqlite3-multiple-ciphers for Electron's ABI in .electron-native/,
// leaving node_modules with the Node build that the CLI, browser mode and tests use.
// The Electron main process loads this copy through better-sqlite3's `nativeBinding` option.
// Needs Electron's headers (downloaded by node-gyp): it cannot run on a machine without that access.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const source = join(root, 'node_modules', 'better-sqlite3-multiple-ciphers');
const target = join(root, '.electron-native', 'better-sqlite3-multiple-ciphers');
const binding = join(target, 'build', 'Release', 'better_sqlite3.node');
const stamp = join(target, `.built-for-electron-${electronVersion}`);

if (existsSync(binding) && existsSync(stamp)) {
  console.log(`electron-native: already built for Electron ${electronVersion}`);
  process.exit(0);
}
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true, filter: (f) => !f.includes(`${join('build', '')}`) });
execFileSync(
  process.execPath,
  [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
  { cwd: target, stdio: 'inherit' },
);
if (!existsSync(binding)) throw new Error(`electron-native: node-gyp finished but ${binding} is missing`);
writeFileSync(stamp, '');
console.log(`electron-native: built for Electron ${electronVersion} at ${binding}`);
