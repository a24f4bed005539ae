import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BuildResult, Configuration } from 'electron-builder';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ID, packagingPlan } from '../../electron-builder';
import { publicKeyFromBase64, publicKeyToBase64, verifyUpdateFile } from '../../src-main/app/update-signature';
import { ROOT } from '../support/cli';
import { tempDir } from '../support/temp';

// Packaging cannot run here (electron-builder downloads Electron for each target), so its configuration is
// checked instead: by electron-builder's own validator against its own schema (app-builder-lib/scheme.json,
// the check `electron-builder` runs before building), and for what issue 17 point 12 and issue 20 ask.
const require = createRequire(import.meta.url);
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: Configuration, debug: { isEnabled: boolean; add(): void }): Promise<void>;
};
const validate = (config: Configuration) => validateConfiguration(config, { isEnabled: false, add() {} });

const t = tempDir();
afterAll(() => t.cleanup());
const keys = generateKeyPairSync('ed25519');
const keyFile = join(t.dir, 'update-key.pem');
writeFileSync(keyFile, keys.privateKey.export({ format: 'pem', type: 'pkcs8' }));
const publicKey = publicKeyToBase64(keys.publicKey);
const release = {
  WAYBILL_UPDATE_URL: 'https://updates.waybill.example/stable/',
  WAYBILL_UPDATE_SIGNING_KEY_FILE: keyFile,
  WAYBILL_UPDATE_PUBLIC_KEY: publicKey,
  CSC_LINK: '/secure/cert.p12',
  CSC_KEY_PASSWORD: 'x',
  APPLE_ID: 'a@b.example',
  APPLE_APP_SPECIFIC_PASSWORD: 'x',
  APPLE_TEAM_ID: 'TEAM',
  WAYBILL_WIN_PUBLISHER_NAME: 'Waybill Ltd',
};

describe('electron-builder configuration', () => {
  it("is valid under electron-builder's own schema, unsigned and fully signed", async () => {
    await expect(validate(packagingPlan({}).config)).resolves.toBeUndefined();
    await expect(validate(packagingPlan(release).config)).resolves.toBeUndefined();
  });

  it('is really checked: a misspelt option or a wrong type fails the same validation', async () => {
    const { config } = packagingPlan({});
    await expect(validate({ ...config, linux: { ...config.linux, tagret: 'AppImage' } as never })).rejects.toThrow(
      /configuration\.linux should be/,
    );
    await expect(validate({ ...config, asar: 'yes' as never })).rejects.toThrow(/configuration\.asar should be/);
  });

  it('sets the hardening fuses and ASAR integrity (issue 17 point 12)', () => {
    const { config } = packagingPlan({});
    expect(config.asar).toBe(true);
    expect(config.disableAsarIntegrity).toBe(false);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
    // The native build is ours (Electron ABI, .electron-native/), not electron-builder's in-place rebuild.
    expect(config.npmRebuild).toBe(false);
  });

  it('builds AppImage and deb, dmg, and NSIS, under the app id, with icons that are what they claim', () => {
    const { config } = packagingPlan({});
    expect(config.appId).toBe(APP_ID);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
    const icon = (p: string | null | undefined) => readFileSync(join(ROOT, p ?? 'missing'));
    const png = icon(config.linux?.icon);
    expect([png.subarray(1, 4).toString(), png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual(['PNG', 512, 512]);
    const ico = icon(config.win?.icon);
    expect([ico.readUInt16LE(2), ico[6 + 16 * (ico.readUInt16LE(4) - 1)]]).toEqual([1, 0]); // an icon file whose largest entry is 256 px
    const icns = icon(config.mac?.icon);
    expect([icns.subarray(0, 4).toString(), icns.readUInt32BE(4)]).toEqual(['icns', icns.length]);
  });

  it('signs and notarises only with credentials, saying what it skipped', () => {
    const unsigned = packagingPlan({});
    expect(unsigned.config.mac).toMatchObject({ identity: null, notarize: false, hardenedRuntime: true });
    expect(unsigned.config.forceCodeSigning).toBe(false);
    expect(unsigned.config.publish).toBeNull();
    for (const skipped of [
      /^macOS: signing skipped/,
      /^macOS: notarisation skipped/,
      /^Windows: signing skipped/,
      /^updates: off/,
    ]) {
      expect(
        unsigned.notes.some((n) => skipped.test(n)),
        String(skipped),
      ).toBe(true);
    }
    const signed = packagingPlan(release);
    expect(signed.config.mac?.notarize).toBe(true);
    expect(signed.config.mac).not.toHaveProperty('identity');
    expect(signed.config.win).toMatchObject({
      verifyUpdateCodeSignature: true,
      signtoolOptions: { publisherName: ['Waybill Ltd'] },
    });
    expect(signed.config.publish).toEqual([{ provider: 'generic', url: release.WAYBILL_UPDATE_URL }]);
    expect(packagingPlan({ WAYBILL_REQUIRE_SIGNING: '1' }).config.forceCodeSigning).toBe(true);
  });

  it('refuses an update feed it could not make verifiable', () => {
    expect(() => packagingPlan({ WAYBILL_UPDATE_URL: 'http://updates.example/' })).toThrow(/https/);
    expect(() => packagingPlan({ WAYBILL_UPDATE_URL: release.WAYBILL_UPDATE_URL })).toThrow(
      /WAYBILL_UPDATE_SIGNING_KEY_FILE/,
    );
    const other = publicKeyToBase64(generateKeyPairSync('ed25519').publicKey);
    expect(() => packagingPlan({ ...release, WAYBILL_UPDATE_PUBLIC_KEY: other })).toThrow(/not the public key/);
  });

  it('writes a verifiable .sig beside each AppImage after the build, and none for other artifacts', async () => {
    const { config } = packagingPlan(release);
    const appImage = join(t.dir, 'Waybill-0.1.0-x86_64.AppImage');
    const deb = join(t.dir, 'waybill_0.1.0_amd64.deb');
    writeFileSync(appImage, Buffer.alloc(100_000, 7));
    writeFileSync(deb, 'deb');
    const hook = config.afterAllArtifactBuild as (r: BuildResult) => Promise<string[]>;
    const sigs = await hook({ artifactPaths: [appImage, deb] } as BuildResult);
    expect(sigs).toEqual([`${appImage}.sig`]);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const r = await verifyUpdateFile(
      appImage,
      version,
      readFileSync(`${appImage}.sig`, 'utf8'),
      publicKeyFromBase64(publicKey),
    );
    expect(r.ok).toBe(true);
  });

  it('is what `npm run dist` uses, after building the UI and the Electron-ABI binding', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.dist).toMatch(
      /electron-vite build && node build\/rebuild-native\.mjs && electron-builder --config electron-builder\.ts/,
    );
  });
});
