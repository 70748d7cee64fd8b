// Electron entry: hands the real Electron API and this process's surroundings to the shell
// (electron/shell/), which runs the gateway in this process, its window and its tray.
import * as electron from 'electron';
import { fileURLToPath } from 'node:url';
import { guardProcess } from './core/request-scope.js';
import { startGateway } from './app/start.js';
import { DesktopShell } from './shell/lifecycle.js';
import { trayIconFile } from './shell/tray.js';
import { isTrayShown } from './shell/tray-availability.js';

const BUILD_DIR = new URL('../../build/', import.meta.url);

const shell = new DesktopShell({
  electron,
  argv: process.argv,
  env: process.env,
  platform: process.platform,
  execPath: process.execPath,
  resources: {
    preload: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
    trayIcon: fileURLToPath(new URL(trayIconFile(process.platform), BUILD_DIR)),
    windowIcon: fileURLToPath(new URL('icon.png', BUILD_DIR)),
  },
  startGateway,
  isTrayShown: () => isTrayShown(process.platform),
  every(intervalMs, task) {
    const timer = setInterval(() => void task(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  },
  onSignal: (signal, handler) => void process.on(signal, handler),
  now: Date.now,
  logMirror: electron.app.isPackaged ? null : process.stderr,
});
// A fault one request's handling missed ends that request; any other is logged and the app keeps running, as Electron would.
guardProcess({ logger: shell.logger, outsideRequest: () => undefined });
void shell.start();
