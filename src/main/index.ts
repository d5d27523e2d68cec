// Electron main process: window, hardening, the stainless:// image protocol and the contract over IPC.
// Thin by design: every request goes through dispatch() into core.
import { app, BrowserWindow, ipcMain, protocol, session, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from './core/core';
import { dispatch, handlers, ApiError } from './core/api';
import { createImageHandler } from './core/images/handler';
import { startupTasks } from './core/startup';
import { CSP } from './webhost';

protocol.registerSchemesAsPrivileged([{ scheme: 'stainless', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

const here = fileURLToPath(new URL('.', import.meta.url));
const workspaceArg = process.argv.find((a) => a.startsWith('--workspace='))?.slice('--workspace='.length) ?? null;
let core: Core | null = null;
let win: BrowserWindow | null = null;

function isOwnPage(contents: WebContents): boolean {
  return win !== null && contents.id === win.webContents.id;
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
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win?.show());
  // No new windows, no navigation away from the app; external links open in the browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (url !== win?.webContents.getURL()) e.preventDefault();
  });
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(here, '../renderer/index.html'));
}

app.whenReady().then(() => {
  core = createCore({ workspace: workspaceArg, transport: 'ipc' });
  const c = core;
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  protocol.handle('stainless', createImageHandler(c));

  ipcMain.handle('api', async (event, name: unknown, body: unknown) => {
    if (!isOwnPage(event.sender)) throw new Error('request from an unknown sender');
    try {
      return { result: await dispatch(c, handlers, String(name), body) };
    } catch (e) {
      const code = e instanceof ApiError ? e.code : 'failed';
      return { error: { code, message: e instanceof Error ? e.message : String(e) } };
    }
  });
  c.events.on((e) => win?.webContents.send('api-event', e));

  createWindow();
  startupTasks(c, { demo: true }).catch((e) => console.error('start-up:', e));
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (ev) => ev.preventDefault());
});

app.on('window-all-closed', () => {
  core?.close();
  app.quit();
});
