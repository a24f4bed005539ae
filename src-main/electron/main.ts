import { app, BrowserWindow, ipcMain, session } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/channels';
import { fail } from '../../src-shared/result';
import { createDispatcher } from '../api/dispatcher';
import { createHandlers } from '../api/handlers';
import { resolveDataDir } from '../platform/data-dir';
import { fileLogger } from '../platform/log';
import { Workstation } from '../app/workstation';
import { safeStorageProtector } from './device-key';
import { createSecureWindow, hardenSession, hardenWebContents, isTrustedSender } from './security';

// Thin glue: a window, the IPC transport and safeStorage. Everything else is the plain-Node core.

// The SQLCipher binding built for Electron's ABI, kept apart from the Node one (build/electron-native.mjs).
const electronBinding = join(app.getAppPath(), '.electron-native', 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node');
if (existsSync(electronBinding)) process.env.WAYBILL_NATIVE_BINDING = electronBinding;

process.env.WAYBILL_RESOURCES ??= join(app.getAppPath(), 'resources');

const argDataDir = process.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(start);
}

function start(): void {
  const dataDir = resolveDataDir(argDataDir);
  const log = fileLogger(dataDir);
  const ws = new Workstation({ dataDir, mode: 'electron', deviceProtector: safeStorageProtector, logger: log });
  const dispatch = createDispatcher(createHandlers(ws), log);
  const indexFile = join(__dirname, '../renderer/index.html');
  const appUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(indexFile).href;

  hardenSession(session.defaultSession);
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents, appUrl));

  const win = createSecureWindow(BrowserWindow, join(__dirname, '../preload/index.cjs'));
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
  app.on('window-all-closed', () => {
    unsubscribe();
    ws.close();
    app.quit();
  });

  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(indexFile);
}
