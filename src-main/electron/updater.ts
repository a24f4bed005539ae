import { rmSync } from 'node:fs';
import electronUpdater from 'electron-updater';
import type { Logger } from '../platform/log';
import { publicKeyFromBase64, verifyDownloadedUpdate } from '../app/update-signature';

// Thin glue around electron-updater. The feed URL and (for AppImage) the update public key are fixed at
// build time (electron.vite.config.ts from WAYBILL_UPDATE_URL / WAYBILL_UPDATE_PUBLIC_KEY); without them,
// or in an unpackaged app, there are no updates. Windows and macOS updates are checked by electron-updater
// and the OS against the publisher's certificate; a Linux AppImage is installed only after our Ed25519
// check (app/update-signature.ts) passes, and a refused download is deleted.

export interface UpdateSettings {
  isPackaged: boolean;
  feedUrl: string;
  publicKeyBase64: string;
  platform: NodeJS.Platform;
  /** Set by the AppImage runtime; a .deb install is updated by the system's package manager instead. */
  appImage: string | undefined;
  log: Logger;
}

export interface Updates {
  /** At quit: installs a verified AppImage update (and quits); false when there is none. */
  installIfVerified(): boolean;
}

const NONE: Updates = { installIfVerified: () => false };

export function startUpdates(s: UpdateSettings): Updates {
  if (!s.isPackaged || !s.feedUrl) {
    s.log.info('update.disabled', { reason: !s.isPackaged ? 'not packaged' : 'no update feed in this build' });
    return NONE;
  }
  if (s.platform === 'linux' && !s.appImage) {
    s.log.info('update.disabled', { reason: 'not an AppImage (the package manager updates a .deb)' });
    return NONE;
  }
  const updater = electronUpdater.autoUpdater;
  updater.setFeedURL({ provider: 'generic', url: s.feedUrl });
  updater.autoDownload = true;
  updater.allowDowngrade = false;
  updater.allowPrerelease = false;
  if (s.platform === 'linux') {
    if (!s.publicKeyBase64) {
      s.log.warn('update.disabled', {
        reason: 'no update public key in this build: an AppImage update could not be checked',
      });
      return NONE;
    }
    let publicKey: ReturnType<typeof publicKeyFromBase64>;
    try {
      publicKey = publicKeyFromBase64(s.publicKeyBase64);
    } catch {
      s.log.warn('update.disabled', { reason: 'the update public key in this build is not an Ed25519 key' });
      return NONE;
    }
    // electron-updater never installs by itself here: only installIfVerified does, after our check passed.
    updater.autoInstallOnAppQuit = false;
    let verified = false;
    updater.on('update-downloaded', (event) => {
      void verifyDownloadedUpdate({
        file: event.downloadedFile,
        version: event.version,
        feedUrl: s.feedUrl,
        publicKey,
      }).then((r) => {
        if (r.ok) {
          s.log.info('update.verified', { version: event.version });
          verified = true;
        } else {
          verified = false;
          s.log.warn('update.refused', { version: event.version, reason: r.reason });
          rmSync(event.downloadedFile, { force: true });
        }
      });
    });
    watch(updater, s.log);
    return {
      installIfVerified: () => {
        if (!verified) return false;
        updater.quitAndInstall(true, false);
        return true;
      },
    };
  }
  // Windows and macOS: electron-updater installs on quit once the OS-level signature check passes.
  updater.autoInstallOnAppQuit = true;
  watch(updater, s.log);
  return NONE;
}

function watch(updater: typeof electronUpdater.autoUpdater, log: Logger): void {
  updater.on('error', (e: Error) => log.warn('update.error', { message: e.message }));
  void updater.checkForUpdates().catch(() => undefined);
}
