// Electron entry: the gateway runs in this process; one window shows its admin UI (served by
// the gateway, typed API over IPC); closing the window keeps Loopgate in the tray.
import { app, BrowserWindow, clipboard, ipcMain, Menu, nativeImage, nativeTheme, session, shell, Tray } from 'electron';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from './config/data-dir.js';
import { BatchedJsonLogger } from './core/logger.js';
import { startGateway, type StartedGateway } from './gateway/start.js';
import { bindApi } from './ipc.js';
import { isAppUrl, isExternalLink, mainWindowOptions } from './window-options.js';

const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const TRAY_ICON = fileURLToPath(new URL('../../build/tray.png', import.meta.url));
const DEFAULT_PORT = 7420;
/** LOOPGATE_QUIT_ON_CLOSE=1 quits with the window instead of staying in the tray. */
const STAY_IN_TRAY = process.env.LOOPGATE_QUIT_ON_CLOSE !== '1';

let started: StartedGateway | null = null;
let window: BrowserWindow | null = null;
let tray: Tray | null = null;
let quitting = false;

function origin(): string {
  return started?.url.origin ?? '';
}

function showWindow(): void {
  if (window) {
    window.show();
    window.focus();
    return;
  }
  window = new BrowserWindow(mainWindowOptions(PRELOAD, nativeTheme.shouldUseDarkColors));
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, origin())) event.preventDefault();
  });
  window.once('ready-to-show', () => window?.show());
  window.on('close', (event) => {
    if (STAY_IN_TRAY && !quitting) {
      event.preventDefault();
      window?.hide();
    }
  });
  window.on('closed', () => (window = null));
  // Signed in by a one-time link: the session cookie never leaves this window.
  void window.loadURL(started!.gateway.loginLink());
}

async function refreshTray(): Promise<void> {
  if (!tray || !started) return;
  const status = await started.gateway.api['status.get']({});
  const paused = started.gateway.paused;
  tray.setToolTip(`Loopgate — ${paused ? 'paused' : 'running'} on ${origin()}`);
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: `${paused ? 'Paused' : 'Running'} · port ${started.url.port} · ${status.today.requests} requests today`, enabled: false },
      { type: 'separator' },
      { label: 'Open Loopgate', click: showWindow },
      { label: 'Copy base URL', click: () => clipboard.writeText(`${origin()}/v1`) },
      {
        label: paused ? 'Resume gateway' : 'Pause gateway',
        click: () => {
          started?.gateway.setPaused(!paused);
          void refreshTray();
        },
      },
      {
        label: 'Start at login',
        type: 'checkbox',
        checked: app.getLoginItemSettings().openAtLogin,
        click: (item) => app.setLoginItemSettings({ openAtLogin: item.checked }),
      },
      { type: 'separator' },
      { label: 'Quit Loopgate', click: () => app.quit() },
    ]),
  );
}

async function boot(): Promise<void> {
  // No permission (camera, notifications, ...) is ever granted to the UI.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  started = await startGateway({
    configFile: process.env.LOOPGATE_CONFIG ?? null,
    host: '127.0.0.1',
    port: Number(process.env.LOOPGATE_PORT ?? DEFAULT_PORT),
    // Same folder as Electron's userData (productName "Loopgate"), so app and CLI share data.
    dataDir: defaultDataDir(process.env),
    env: process.env,
    logger: new BatchedJsonLogger(process.stderr),
  });
  bindApi(ipcMain, started.gateway.api, (url) => isAppUrl(url, origin()));
  tray = new Tray(nativeImage.createFromPath(TRAY_ICON));
  tray.on('click', showWindow);
  await refreshTray();
  setInterval(() => void refreshTray(), 30_000).unref();
  showWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('window-all-closed', () => {
    if (!STAY_IN_TRAY) app.quit();
  });
  app.on('before-quit', (event) => {
    if (!started || quitting) return;
    // Finish in-flight requests and flush usage before the process goes.
    quitting = true;
    event.preventDefault();
    void started.close(5_000).finally(() => app.exit(0));
  });
  void app.whenReady().then(boot);
}
