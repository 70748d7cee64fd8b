// Electron entry: one window over the gateway this process runs. The tray, IPC and the full
// GUI arrive with the desktop-app issue; the gateway is the same one `loopgate serve` runs.
import { app, BrowserWindow, shell } from 'electron';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from './config/data-dir.js';
import { BatchedJsonLogger } from './gateway/log.js';
import { startGateway, type StartedGateway } from './gateway/start.js';

const RENDERER_INDEX = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const DEFAULT_PORT = 7420;

let started: StartedGateway | null = null;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    title: 'Loopgate',
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  // The app never navigates away from its own page; links open in the user's browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  void window.loadFile(RENDERER_INDEX);
  return window;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void started?.close(5_000));
  void app.whenReady().then(async () => {
    started = await startGateway({
      configFile: process.env.LOOPGATE_CONFIG ?? null,
      host: '127.0.0.1',
      port: Number(process.env.LOOPGATE_PORT ?? DEFAULT_PORT),
      // Same folder as Electron's userData (productName "Loopgate"), so app and CLI share data.
      dataDir: defaultDataDir(process.env),
      env: process.env,
      logger: new BatchedJsonLogger(process.stderr),
    });
    createWindow();
  });
}
