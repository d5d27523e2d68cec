// Electron main process: window, hardening, the stainless:// protocol and the contract over IPC.
// Thin by design: every request goes through dispatch() into core; the trust rules are plain
// functions in shell/ (tested without Electron). docs/SECURITY.md maps Electron's checklist here.
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from './core/core';
import { createImageHandler } from './core/images/handler';
import { rendererDir } from './core/paths';
import { startupTasks } from './core/startup';
import { callContract, CSP } from './webhost';
import { createAppProtocolHandler } from './shell/appProtocol';
import { APP_SCHEME, APP_URL, devServerUrl, isAllowedExternal, isTrustedFrameUrl } from './shell/trust';
import type { PickOptions } from './core/files/broker';

// stainless://app (the UI) and stainless://img (images): standard + secure gives the page a real
// origin with the same rules as https; no file:// page ever exists.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

const here = fileURLToPath(new URL('.', import.meta.url));
const workspaceArg = process.argv.find((a) => a.startsWith('--workspace='))?.slice('--workspace='.length) ?? null;
// the electron-vite dev server, only in an unpackaged development run
const devUrl = devServerUrl(app.isPackaged, process.env);
let core: Core | null = null;
let win: BrowserWindow | null = null;

/** IPC is answered only for the app's own top frame in our window. */
function trusted(event: IpcMainInvokeEvent): boolean {
  if (!win || event.sender.id !== win.webContents.id) return false;
  const frame = event.senderFrame;
  return !!frame && frame.parent === null && isTrustedFrameUrl(frame.url, devUrl);
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 680,
    title: 'Stainless',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    },
  });
  win.once('ready-to-show', () => win?.show());
  // No new windows, no navigation away from the app; only allowlisted links open in the browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (url !== win?.webContents.getURL()) e.preventDefault();
  });
  win.webContents.on('will-redirect', (e, url) => {
    if (!isTrustedFrameUrl(url, devUrl)) e.preventDefault();
  });
  void win.loadURL(devUrl ?? APP_URL);
}

/** Native dialogs answer files.pick: the user's choice becomes a handle, the renderer never names a path. */
async function pick(o: PickOptions): Promise<string | null> {
  if (!win) return null;
  const filters = o.extensions?.length ? [{ name: o.extensions.join(', '), extensions: o.extensions }] : undefined;
  if (o.kind === 'save') {
    const r = await dialog.showSaveDialog(win, { title: o.title, defaultPath: o.defaultName, filters });
    return r.canceled || !r.filePath ? null : r.filePath;
  }
  const r = await dialog.showOpenDialog(win, { title: o.title, filters, properties: [o.kind === 'dir' ? 'openDirectory' : 'openFile'] });
  return r.canceled || !r.filePaths[0] ? null : r.filePaths[0];
}

app.whenReady().then(() => {
  core = createCore({ workspace: workspaceArg, transport: 'ipc' });
  const c = core;
  c.files.picker = pick;
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  // no camera, microphone, notifications, geolocation, clipboard reads … for any page
  ses.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir(), createImageHandler(c)));

  ipcMain.handle('api', async (event, name: unknown, body: unknown) => {
    if (!trusted(event)) throw new Error('request from an unknown sender');
    const r = await callContract(c, String(name), body);
    return r.body;
  });
  c.events.on((e) => win?.webContents.send('api-event', e));

  createWindow();
  startupTasks(c, { demo: true }).catch((e) => console.error('start-up:', e));
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (ev) => ev.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('window-all-closed', () => {
  core?.close();
  app.quit();
});
