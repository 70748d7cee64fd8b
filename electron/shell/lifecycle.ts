// electron/shell/ owns the desktop app's behaviour: start-up and its failures, the window, the
// tray, quitting with one flush, the log file and each platform's quirks. It reaches Electron
// only through the small surface main.ts passes in, so all of it runs in plain Node tests.
import type { Environment } from '../config/index.js';
import { defaultDataDir } from '../config/data-dir.js';
import { BatchedJsonLogger } from '../core/logger.js';
import type { StartedGateway, StartOptions } from '../app/start.js';
import { bindApi, bindEvents, type EventSourceLike } from '../ipc.js';
import { isAppUrl } from '../window-options.js';
import { homedir } from 'node:os';
import type { InstallCommandResult } from '../../shared/api.js';
import { showAlertNotifications } from './alert-notifications.js';
import { showOfflineNotifications } from './offline-notifications.js';
import { appSettings, type AppSettings } from './app-args.js';
import { installLoopgateCommand, type InstallTarget } from './install-command.js';
import { safeStorageWrapper } from './data-key.js';
import { exportDataKey, type DataKeyWrapper } from '../store/secrets.js';
import { appMenuTemplate } from './app-menu.js';
import { describeBootFailure } from './boot-failure.js';
import type { ElectronSurface } from './electron-surface.js';
import { logFilePath, RotatingLogFile } from './log-file.js';
import { loginItemFor } from './login-item.js';
import { MainWindow } from './main-window.js';
import { applyPermissionPolicy } from './permissions.js';
import { staysInTrayOnClose } from './tray-availability.js';
import { TrayController } from './tray.js';
import { UiSession } from './ui-session.js';
import { UpdateController, updateApi, updateNotice, type UpdaterHost } from './updates.js';

interface ShellResources {
  preload: string;
  /** The built CLI (dist/electron/cli.js): what an unpackaged app's `loopgate` command runs. */
  cli: string;
  trayIcon: string;
  windowIcon: string;
}

/** Everything the shell needs from its surroundings; main.ts passes the real ones. */
export interface ShellHost {
  electron: ElectronSurface;
  argv: readonly string[];
  env: Environment;
  platform: NodeJS.Platform;
  /** The running executable: what "Start at login" launches. */
  execPath: string;
  resources: ShellResources;
  startGateway(options: StartOptions): Promise<StartedGateway>;
  isTrayShown(): Promise<boolean>;
  /** Runs a task every `intervalMs`; returns what stops it. */
  every(intervalMs: number, task: () => Promise<void>): () => void;
  onSignal(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  now(): number;
  /** Where log lines are mirrored besides the log file (stderr in a development run). */
  logMirror: NodeJS.WritableStream | null;
  /** electron-updater (shell/updates.ts); absent: no self-update. */
  updates?: UpdaterHost;
}

const HOST = '127.0.0.1';
const QUIT_GRACE_MS = 5_000;
/** Windows gives a process little time once the session ends. */
const SESSION_END_GRACE_MS = 1_000;
const TRAY_REFRESH_MS = 30_000;
const SESSION_CHECK_MS = 15 * 60_000;

export class DesktopShell {
  readonly logFile: string;
  readonly logger: BatchedJsonLogger;
  private readonly settings: AppSettings | null;
  private readonly settingsError: unknown = null;
  private readonly window: MainWindow;
  private started: StartedGateway | null = null;
  private tray: TrayController | null = null;
  private uiSession: UiSession | null = null;
  private updates: UpdateController | null = null;
  private stopTimers: Array<() => void> = [];
  private running = false;
  private stayInTray = false;
  private booting: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | null = null;
  private exited = false;

  constructor(private readonly host: ShellHost) {
    let settings: AppSettings | null = null;
    try {
      settings = appSettings(host.argv, host.env);
    } catch (error) {
      this.settingsError = error;
    }
    this.settings = settings;
    this.logFile = logFilePath(settings?.dataDir ?? defaultDataDir(host.env));
    this.logger = new BatchedJsonLogger(new RotatingLogFile(this.logFile, undefined, host.logMirror));
    this.window = new MainWindow({
      electron: host.electron,
      preload: host.resources.preload,
      ...(host.platform === 'linux' ? { icon: host.resources.windowIcon } : {}),
      devTools: !host.electron.app.isPackaged,
      logger: this.logger,
      origin: () => this.origin(),
      staysInTray: () => this.stayInTray,
      isQuitting: () => this.stopping !== null,
      onFocus: () => void this.uiSession?.renewIfDue(),
      onSessionEnd: () => void this.stop(SESSION_END_GRACE_MS),
    });
  }

  /** Takes the single-instance lock, wires the app's events and boots once Electron is ready. */
  start(): Promise<void> {
    const { app } = this.host.electron;
    if (!app.requestSingleInstanceLock()) {
      app.quit();
      return Promise.resolve();
    }
    app.on('second-instance', () => this.showWindow());
    // macOS: a Dock click or a relaunch from Finder, with the window hidden.
    app.on('activate', () => this.showWindow());
    app.on('window-all-closed', () => {
      if (!this.stayInTray) app.quit();
    });
    app.on('before-quit', (event) => {
      // Every quit request waits for the one flush; Loopgate exits when it is done.
      event.preventDefault();
      void this.stop(QUIT_GRACE_MS);
    });
    this.booting = app.whenReady().then(() => this.boot());
    return this.booting;
  }

  /** Graceful stop, once however often it is asked for: in-flight requests finish, usage is flushed, a ready update is installed, then exit 0. */
  stop(graceMs = QUIT_GRACE_MS, restart = false): Promise<void> {
    this.stopping ??= this.booting.then(async () => {
      await this.release(graceMs);
      this.updates?.installOnExit(restart);
      this.exit(0);
    });
    return this.stopping;
  }

  private origin(): string {
    return this.started?.url.origin ?? '';
  }

  private showWindow(): void {
    // Before the gateway is up there is nothing to show; boot shows the window when it is.
    if (this.running) this.window.show();
  }

  private async boot(): Promise<void> {
    const { electron, env, platform } = this.host;
    // Registered once Electron is ready, so they replace Chromium's handlers (whose second
    // signal kills the process mid-flush).
    this.host.onSignal('SIGINT', () => void this.stop());
    this.host.onSignal('SIGTERM', () => void this.stop());
    try {
      if (!this.settings) throw this.settingsError;
      applyPermissionPolicy(electron.session.defaultSession, () => this.origin());
      const menu = appMenuTemplate(platform, electron.app.isPackaged);
      electron.Menu.setApplicationMenu(menu ? electron.Menu.buildFromTemplate(menu) : null);
      const trayShown = this.host.isTrayShown();
      const { port, configFile, dataDir } = this.settings;
      const keychain = await safeStorageWrapper(electron.safeStorage, platform);
      if (this.settings.exportKey) return await this.exportKey(dataDir, keychain.wrapper);
      this.logger.log('info', `The data key for provider credentials is protected by ${keychain.wrapper ? 'the OS keychain' : `a 0600 key file (${keychain.reason})`}`);
      this.started = await this.host.startGateway({ configFile, host: HOST, port, dataDir, env, logger: this.logger, dataKeyWrapper: keychain.wrapper, systemCertificates: true });
      if (this.stopping) return;
      const started = this.started;
      const installCommand = (): Promise<InstallCommandResult> => installLoopgateCommand(this.installTarget(dataDir), env);
      const updates = this.createUpdates(dataDir);
      const updateHandlers = updates ? updateApi(updates, () => void this.stop(QUIT_GRACE_MS, true)) : {};
      bindApi(electron.ipcMain, { ...started.app.api, 'shell.installCommand': installCommand, ...updateHandlers }, (url) => isAppUrl(url, this.origin()));
      bindEvents(electron.ipcMain, updates ? joinEvents(started.app.events, updates) : started.app.events, (url) => isAppUrl(url, this.origin()));
      this.tray = this.createTray(started);
      await updates?.start();
      this.stopTimers.push(showAlertNotifications({ Notification: electron.Notification, alerts: started.app.services.alerts, open: (hash) => this.running && this.window.showAt(hash), logger: this.logger }));
      this.stopTimers.push(
        showOfflineNotifications({
          Notification: electron.Notification,
          onConnectivity: (listener) => started.app.onConnectivity(listener),
          desktopNotifications: () => started.app.services.alerts.current().desktop,
          open: (hash) => this.running && this.window.showAt(hash),
          logger: this.logger,
        }),
      );
      this.stayInTray = this.tray !== null && staysInTrayOnClose(env, await trayShown);
      this.uiSession = new UiSession({ loginLink: () => started.gateway.loginLink(), cookies: electron.session.defaultSession.cookies, now: () => this.host.now(), logger: this.logger });
      await this.uiSession.signIn().catch((error: unknown) => this.logger.log('warn', `Could not sign the window in: ${String(error)}`));
      this.schedule();
      this.running = true;
      this.logger.log('info', `Loopgate is running on ${started.url.origin}`, { trayShown: this.stayInTray });
      this.showWindow();
    } catch (error) {
      await this.failBoot(error);
    }
  }

  /** What the installed `loopgate` command runs: this app's executable (an AppImage's own file), or the built CLI from a checkout. */
  private installTarget(dataDir: string): InstallTarget {
    const { electron, env, platform } = this.host;
    const program = electron.app.isPackaged ? { path: env.APPIMAGE || this.host.execPath, node: false } : { path: this.host.resources.cli, node: true };
    return { platform, home: homedir(), dataDir, program };
  }

  /** `loopgate export-key`: the wrapped data key written out as a 0600 key file, for `loopgate serve`. */
  private async exportKey(dataDir: string, wrapper: DataKeyWrapper | null): Promise<void> {
    if (!wrapper) {
      process.stdout.write(`The data key in ${dataDir} is not in the OS keychain; headless Loopgate can already use it.\n`);
    } else {
      const file = await exportDataKey(dataDir, wrapper);
      process.stdout.write(`Wrote the data key to ${file} (0600); \`loopgate serve --data-dir ${dataDir}\` can now open the store.\n`);
    }
    this.exit(0);
  }

  private createUpdates(dataDir: string): UpdateController | null {
    const { updates, electron } = this.host;
    if (!updates) return null;
    this.updates = new UpdateController({
      ...updates,
      dataDir,
      every: (intervalMs, task) => this.host.every(intervalMs, task),
      now: () => this.host.now(),
      logger: this.logger,
      changed: (view, previous) => {
        if (view.phase !== previous.phase) void this.tray?.refresh();
        const notice = updateNotice(view, previous);
        if (notice && electron.Notification.isSupported()) new electron.Notification(notice).show();
      },
    });
    return this.updates;
  }

  private createTray(started: StartedGateway): TrayController | null {
    const { electron, platform, env } = this.host;
    try {
      const loginItem = loginItemFor({ app: electron.app, platform, env, execPath: this.host.execPath });
      const tray: TrayController = new TrayController(
        new electron.Tray(this.host.resources.trayIcon),
        electron.Menu,
        {
          status: async () => started.app.api['status.get']({}),
          paused: () => started.app.paused,
          origin: () => this.origin(),
          updateReady: () => (this.updates?.current.phase === 'ready' ? this.updates.current.version : null),
        },
        loginItem,
        {
          open: () => this.showWindow(),
          copyBaseUrl: () => electron.clipboard.writeText(`${this.origin()}/v1`),
          setPaused: (paused) => {
            started.app.setPaused(paused);
            void tray.refresh();
          },
          setStartAtLogin: (enabled) => {
            void loginItem
              ?.setEnabled(enabled)
              .catch((error: unknown) => this.logger.log('warn', `Could not change "Start at login": ${String(error)}`))
              .finally(() => void tray.refresh());
          },
          quit: () => electron.app.quit(),
          restartToUpdate: () => void this.stop(QUIT_GRACE_MS, true),
        },
        this.logger,
      );
      void tray.refresh();
      return tray;
    } catch (error) {
      this.logger.log('warn', `No tray icon: ${String(error)}`);
      return null;
    }
  }

  private schedule(): void {
    const { electron } = this.host;
    const tray = this.tray;
    const session = this.uiSession;
    if (tray) this.stopTimers.push(this.host.every(TRAY_REFRESH_MS, () => tray.refresh()));
    if (session) this.stopTimers.push(this.host.every(SESSION_CHECK_MS, () => session.renewIfDue()));
    electron.powerMonitor.on('resume', () => void session?.renewIfDue());
    electron.powerMonitor.on('shutdown', (event) => {
      event?.preventDefault();
      void this.stop(SESSION_END_GRACE_MS);
    });
  }

  /** Says why in a dialog (with the log one click away), then exits 1 so the lock is released. */
  private async failBoot(error: unknown): Promise<void> {
    const failure = describeBootFailure(error, this.settings);
    this.logger.log('error', `Loopgate could not start: ${failure.detail}`, { code: failure.code });
    await this.release(QUIT_GRACE_MS);
    try {
      if (!this.stopping) await this.explainBootFailure(failure.message, failure.detail);
    } catch (dialogError) {
      this.logger.log('error', `Could not show the start-up failure: ${String(dialogError)}`);
      await this.logger.flush();
    } finally {
      this.exit(1);
    }
  }

  private async explainBootFailure(message: string, detail: string): Promise<void> {
    const { dialog, shell } = this.host.electron;
    const { response } = await dialog.showMessageBox({
      type: 'error',
      title: 'Loopgate could not start',
      message,
      detail: `${detail}\n\nLog: ${this.logFile}`,
      buttons: ['Quit', 'Open log'],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    });
    if (response === 1) await shell.openPath(this.logFile);
  }

  private async release(graceMs: number): Promise<void> {
    this.running = false;
    this.updates?.stop();
    this.stopTimers.forEach((stopTimer) => stopTimer());
    this.stopTimers = [];
    this.tray?.destroy();
    this.tray = null;
    const started = this.started;
    this.started = null;
    await started?.close(graceMs).catch((error: unknown) => this.logger.log('error', `Shutdown did not finish cleanly: ${String(error)}`));
    await this.logger.flush();
  }

  private exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.host.electron.app.exit(code);
  }
}

/** The core's events and the updater's, to one window. */
function joinEvents(core: EventSourceLike, updates: EventSourceLike): EventSourceLike {
  return {
    subscribe(listener) {
      const stops = [core.subscribe(listener), updates.subscribe(listener)];
      return () => stops.forEach((stop) => stop());
    },
  };
}
