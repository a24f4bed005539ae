import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AfterPackContext, BuildResult, Configuration } from 'electron-builder';
import { publicKeyToBase64, signUpdateFile } from './src-main/app/update-signature';

// electron-builder's configuration (`npm run dist`), as a function of the environment so the packaging
// test can read it with and without signing credentials. Everything secret comes from the environment;
// what is absent is skipped with a line saying so, except where skipping would make updates unverifiable
// (then packaging refuses). README "Packaging and updates" lists the variables.

export const APP_ID = 'io.waybill.workstation';
const ROOT = fileURLToPath(new URL('.', import.meta.url));

type Env = Readonly<Record<string, string | undefined>>;

export interface PackagingPlan {
  config: Configuration;
  /** One line per skipped or enabled step, printed when electron-builder loads the file. */
  notes: string[];
}

const has = (env: Env, ...names: string[]) => names.every((n) => !!env[n]);

export function packagingPlan(env: Env): PackagingPlan {
  const notes: string[] = [];
  const feed = env.WAYBILL_UPDATE_URL ?? '';
  if (feed && !/^https:\/\/[^/]+/.test(feed)) throw new Error('WAYBILL_UPDATE_URL must be an https URL.');
  const updateKeyFile = env.WAYBILL_UPDATE_SIGNING_KEY_FILE ?? '';
  const updatePublicKey = env.WAYBILL_UPDATE_PUBLIC_KEY ?? '';
  if (feed) {
    // An AppImage refuses every update without a signature it can check: a feed without the key pair
    // would ship an app that never updates. Refuse to build that instead.
    if (!updateKeyFile || !updatePublicKey) {
      throw new Error(
        'WAYBILL_UPDATE_URL is set: WAYBILL_UPDATE_SIGNING_KEY_FILE (Ed25519 private key, PEM) and WAYBILL_UPDATE_PUBLIC_KEY (its public key, base64 of the raw 32 bytes) must be set too.',
      );
    }
    const derived = publicKeyToBase64(createPublicKey(createPrivateKey(readFileSync(updateKeyFile, 'utf8'))));
    if (derived !== updatePublicKey.trim())
      throw new Error('WAYBILL_UPDATE_PUBLIC_KEY is not the public key of WAYBILL_UPDATE_SIGNING_KEY_FILE.');
    notes.push(`updates: generic feed ${feed}; AppImage updates signed with Ed25519 (.sig beside each)`);
  } else {
    notes.push('updates: off (WAYBILL_UPDATE_URL unset); the app will not look for updates');
  }

  const macSigned = has(env, 'CSC_LINK') || has(env, 'CSC_NAME');
  const notarize =
    macSigned &&
    (has(env, 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID') ||
      has(env, 'APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'));
  notes.push(
    macSigned
      ? 'macOS: signing with CSC_LINK/CSC_NAME'
      : 'macOS: signing skipped (CSC_LINK and CSC_NAME unset); Gatekeeper will refuse the app',
  );
  notes.push(
    notarize
      ? 'macOS: notarising with the APPLE_* credentials'
      : 'macOS: notarisation skipped (needs signing and APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID or APPLE_API_KEY/APPLE_API_KEY_ID/APPLE_API_ISSUER)',
  );
  const winSigned = has(env, 'WIN_CSC_LINK') || has(env, 'CSC_LINK');
  const publisherName = env.WAYBILL_WIN_PUBLISHER_NAME ?? '';
  notes.push(
    winSigned
      ? `Windows: signing with WIN_CSC_LINK/CSC_LINK${publisherName ? `; updates must be signed by "${publisherName}"` : ''}`
      : 'Windows: signing skipped (WIN_CSC_LINK and CSC_LINK unset); SmartScreen will warn',
  );
  const forceSigning = env.WAYBILL_REQUIRE_SIGNING === '1';
  if (forceSigning) notes.push('WAYBILL_REQUIRE_SIGNING=1: an unsigned macOS or Windows build fails');

  const config: Configuration = {
    appId: APP_ID,
    productName: 'Waybill',
    executableName: 'waybill',
    copyright: 'Copyright © Waybill contributors',
    directories: { output: 'dist', buildResources: 'resources/packaging' },
    files: [
      'package.json',
      'out/**/*',
      // The CLI's own build (cli.vite.config.ts) is for `bin/waybill.mjs` in a checkout, not the app.
      '!out/cli{,/**/*}',
      'resources/**/*',
      '!resources/packaging{,/**/*}',
      // The Node-ABI binding and the SQLCipher sources stay behind; the Electron-ABI build ships below.
      '!node_modules/better-sqlite3-multiple-ciphers/{build,deps,src}{,/**/*}',
    ],
    // Built by build/rebuild-native.mjs (@electron/rebuild); a .node cannot load from inside the ASAR.
    extraResources: [
      {
        from: '.electron-native/node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node',
        to: 'native/better_sqlite3.node',
      },
    ],
    // Native modules are built for Electron by build/rebuild-native.mjs into .electron-native/, never in
    // node_modules, whose Node build the CLI and the tests use.
    npmRebuild: false,
    asar: true,
    // ASAR integrity: electron-builder records the archive's hashes in the app (Info.plist on macOS, a
    // resource on Windows) and the embeddedAsarIntegrityValidation fuse makes Electron check them.
    disableAsarIntegrity: false,
    // Issue 17 point 12, and Electron's fuses guide: no Node-in-disguise, no inspector, no NODE_OPTIONS,
    // code only from the validated ASAR, cookies encrypted, no extra file:// privileges (we use app://).
    electronFuses: {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    },
    forceCodeSigning: forceSigning,
    linux: {
      target: ['AppImage', 'deb'],
      icon: 'resources/packaging/icon.png',
      category: 'Office',
      maintainer: 'Waybill <maintainers@waybill.invalid>',
      synopsis: 'Travel Rule compliance workstation',
    },
    appImage: { artifactName: 'Waybill-${version}-${arch}.${ext}' },
    deb: { artifactName: 'waybill_${version}_${arch}.${ext}' },
    mac: {
      target: ['dmg'],
      icon: 'resources/packaging/icon.icns',
      category: 'public.app-category.business',
      hardenedRuntime: true,
      entitlements: 'resources/packaging/entitlements.mac.plist',
      entitlementsInherit: 'resources/packaging/entitlements.mac.plist',
      // null tells electron-builder not to look for an identity at all (instead of an ad-hoc guess).
      ...(macSigned ? {} : { identity: null }),
      notarize,
    },
    dmg: { artifactName: 'Waybill-${version}-${arch}.${ext}' },
    win: {
      target: ['nsis'],
      icon: 'resources/packaging/icon.ico',
      // electron-updater checks a downloaded installer's Authenticode signer against this name.
      verifyUpdateCodeSignature: true,
      ...(publisherName ? { signtoolOptions: { publisherName: [publisherName] } } : {}),
    },
    nsis: {
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      artifactName: 'Waybill-Setup-${version}.${ext}',
    },
    publish: feed ? [{ provider: 'generic', url: feed }] : null,
    beforePack: (context: AfterPackContext) =>
      checkBeforePack(context, feed, updatePublicKey, { macSigned, winSigned, publisherName }),
    afterAllArtifactBuild: (result: BuildResult) => (feed ? signAppImages(result, updateKeyFile) : []),
  };
  return { config, notes };
}

/** Refuses a package whose updates could not be verified, and one whose bundle lacks the build-time settings. */
function checkBeforePack(
  context: AfterPackContext,
  feed: string,
  updatePublicKey: string,
  s: { macSigned: boolean; winSigned: boolean; publisherName: string },
): void {
  const main = readFileSync(join(ROOT, 'out', 'main', 'index.cjs'), 'utf8');
  // electron.vite.config.ts bakes the feed and key into the bundle from the same variables.
  if (feed && (!main.includes(JSON.stringify(feed)) || !main.includes(JSON.stringify(updatePublicKey.trim())))) {
    throw new Error(
      'out/main was built without this WAYBILL_UPDATE_URL / WAYBILL_UPDATE_PUBLIC_KEY: run `npm run dist` with them set (it rebuilds).',
    );
  }
  if (!feed) return;
  if (context.electronPlatformName === 'win32' && (!s.winSigned || !s.publisherName)) {
    throw new Error(
      'An update feed on Windows needs a signed build and WAYBILL_WIN_PUBLISHER_NAME: electron-updater checks updates against that publisher.',
    );
  }
  if (context.electronPlatformName === 'darwin' && !s.macSigned) {
    throw new Error(
      "An update feed on macOS needs a signed build (CSC_LINK or CSC_NAME): Squirrel.Mac checks updates against the app's signature.",
    );
  }
}

/** Writes `<AppImage>.sig` beside every AppImage and hands them to the publisher. */
async function signAppImages(result: BuildResult, keyFile: string): Promise<string[]> {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const pem = readFileSync(keyFile, 'utf8');
  const signatures: string[] = [];
  for (const artifact of result.artifactPaths.filter((p) => p.endsWith('.AppImage'))) {
    const sig = `${artifact}.sig`;
    writeFileSync(sig, await signUpdateFile(artifact, version, pem));
    signatures.push(sig);
  }
  return signatures;
}

// electron-builder loads this file (`--config electron-builder.ts`) and takes its default export.
export default function (): Configuration {
  const { config, notes } = packagingPlan(process.env);
  for (const n of notes) console.log(`  • waybill packaging: ${n}`);
  return config;
}
