import { app, BrowserWindow, ipcMain, Notification, protocol, session } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/channels';
import { fail } from '../../src-shared/result';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { APP_INDEX_URL, APP_SCHEME, serveAppRequest } from '../app/app-protocol';
import { resolveDataDir } from '../platform/data-dir';
import { developmentOverrides } from '../app/dev-overrides';
import { fileLogger } from '../platform/log';
import { Workstation } from '../app/workstation';
import { safeStorageProtector } from './device-key';
import { startUpdates } from './updater';
import { createSecureWindow, hardenSession, hardenWebContents, isTrustedSender } from './security';

// Thin glue: a window, the IPC transport and safeStorage. Everything else is the plain-Node core.

// Set by electron.vite.config.ts at build time.
declare const __WAYBILL_DEVELOPMENT_BUILD__: boolean; // true only in `electron-vite dev` builds
declare const __WAYBILL_UPDATE_URL__: string; // '' when the build has no update feed
declare const __WAYBILL_UPDATE_PUBLIC_KEY__: string; // Ed25519, base64 of the raw key; '' when none

// The SQLCipher binding built for Electron's ABI (build/rebuild-native.mjs), kept apart from the Node one;
// packaged, electron-builder puts it beside the ASAR (a .node file cannot load from inside one).
const electronBinding = app.isPackaged
  ? join(process.resourcesPath, 'native', 'better_sqlite3.node')
  : join(
      app.getAppPath(),
      '.electron-native',
      'node_modules',
      'better-sqlite3-multiple-ciphers',
      'build',
      'Release',
      'better_sqlite3.node',
    );
// A packaged app takes neither the native binding nor its shipped data from the environment: either would
// let whoever sets a variable load their own code or rules into the app.
if (app.isPackaged) {
  process.env.WAYBILL_NATIVE_BINDING = electronBinding;
  process.env.WAYBILL_RESOURCES = join(app.getAppPath(), 'resources');
} else {
  if (existsSync(electronBinding)) process.env.WAYBILL_NATIVE_BINDING = electronBinding;
  process.env.WAYBILL_RESOURCES ??= join(app.getAppPath(), 'resources');
}

// Before ready: app:// is a standard, secure origin of its own (not file://), so the CSP is a response
// header and the page's origin is ours alone. No bypassCSP, no service workers, and no corsEnabled (in
// Electron it lets other origins read app:// responses without any Access-Control-Allow-Origin check).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const argDataDir = process.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

function start(): void {
  const dataDir = resolveDataDir(argDataDir);
  const log = fileLogger(dataDir);
  const ws = new Workstation({
    dataDir,
    mode: 'electron',
    deviceProtector: safeStorageProtector,
    logger: log,
    // OS notifications (issue 18 point 14): the renderer says what, the shell shows it, silently where unsupported.
    osNotify: (title, body) => {
      if (Notification.isSupported()) new Notification({ title, body, silent: false }).show();
    },
  });
  const dispatch = createDispatcher(createHandlers(ws), log);
  const dev = developmentOverrides({
    isPackaged: app.isPackaged,
    developmentBuild: __WAYBILL_DEVELOPMENT_BUILD__,
    env: process.env,
  });
  if (dev.ignored.length) log.warn('electron.dev_variables_ignored', { names: dev.ignored.join(',') });
  const appUrl = dev.rendererUrl ?? APP_INDEX_URL;
  const rendererDir = join(__dirname, '../renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const r = await serveAppRequest(rendererDir, request.url, request.method);
    return new Response(r.body, { status: r.status, headers: r.headers });
  });

  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents, appUrl));

  const win = createSecureWindow(BrowserWindow, join(__dirname, '../preload/index.cjs'), dev.devTools);
  win.once('ready-to-show', () => win.show());

  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame, win.webContents.mainFrame, appUrl)) {
      log.warn('ipc.refused_sender', {});
      return fail('forbidden', 'IPC from an untrusted frame.');
    }
    return dispatch(typeof method === 'string' ? method : '', input);
  });
  const unsubscribe = ws.events.subscribe((name, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
  });

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  const updates = startUpdates({
    isPackaged: app.isPackaged,
    feedUrl: __WAYBILL_UPDATE_URL__,
    publicKeyBase64: __WAYBILL_UPDATE_PUBLIC_KEY__,
    platform: process.platform,
    appImage: process.env.APPIMAGE,
    log,
  });
  app.on('window-all-closed', () => {
    unsubscribe();
    ws.close();
    if (!updates.installIfVerified()) app.quit();
  });

  void win.loadURL(appUrl);
}
