// Electron entry: hands the real Electron API and this process's surroundings to the shell
// (electron/shell/), which runs the gateway in this process, its window and its tray.
import * as electron from 'electron';
import electronUpdater from 'electron-updater';
import { fileURLToPath } from 'node:url';
import { guardProcess } from './core/request-scope.js';
import { startGateway } from './app/start.js';
import { appCommand, runAppCommand } from './shell/app-commands.js';
import { DesktopShell } from './shell/lifecycle.js';
import { trayIconFile } from './shell/tray.js';
import { isTrayShown } from './shell/tray-availability.js';
import type { UpdaterHost } from './shell/updates.js';

/** electron-updater for this platform: Linux and Windows run the downloaded installer; macOS hands it to Squirrel, which installs on quit. */
function updaterHost(): UpdaterHost {
  const { autoUpdater, BaseUpdater } = electronUpdater;
  return {
    updater: autoUpdater,
    installsOnQuitItself: !(autoUpdater instanceof BaseUpdater),
    install(restart) {
      if (autoUpdater instanceof BaseUpdater) return autoUpdater.install(true, restart);
      if (restart) autoUpdater.quitAndInstall();
      return true;
    },
  };
}

const BUILD_DIR = new URL('../../build/', import.meta.url);

const command = appCommand(process.argv, electron.app.isPackaged);
if (command) {
  // `loopgate run|env`: the launcher, no window; a headless start opens this app as the gateway.
  electron.app.dock?.hide();
  const appArgs = electron.app.isPackaged ? [] : [process.argv[1] ?? '.'];
  const starter = { command: process.execPath, args: (dataDir: string, port: string) => [...appArgs, '--data-dir', dataDir, '--port', port], describe: 'Loopgate app' };
  void runAppCommand(command, { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, starter }).then((code) => electron.app.exit(code));
} else {
  const shell = new DesktopShell({
    electron,
    argv: process.argv,
    env: process.env,
    platform: process.platform,
    execPath: process.execPath,
    resources: {
      preload: fileURLToPath(new URL('./preload.cjs', import.meta.url)),
      cli: fileURLToPath(new URL('./cli.js', import.meta.url)),
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
    updates: updaterHost(),
  });
  // A fault one request's handling missed ends that request; any other is logged and the app keeps running, as Electron would.
  guardProcess({ logger: shell.logger, outsideRequest: () => undefined });
  void shell.start();
}
