// electron/shell/ owns the desktop app's behaviour: start-up and its failures, the window, the
// tray, quitting with one flush, the log file and each platform's quirks. It reaches Electron
// only through the small surface main.ts passes in, so all of it runs in plain Node tests.
import type { Environment } from '../config/index.js';
import { defaultDataDir } from '../config/data-dir.js';
import { BatchedJsonLogger } from '../core/logger.js';
import type { StartedGateway, StartOptions } from '../app/start.js';
import { GatewayError } from '../core/errors.js';
import { bindApi, bindEvents } from '../ipc.js';
import { isAppUrl } from '../window-options.js';
import { homedir } from 'node:os';
import { appSettings, type AppSettings } from './app-args.js';
import { installLoopgateCommand, type InstallTarget } from './install-command.js';
import { exportKeyForServe, safeStorageWrapper } from './data-key.js';
import { appMenuTemplate } from './app-menu.js';
import { describeBootFailure, explainBootFailure } from './boot-failure.js';
import { joinEvents, showGatewayNotices } from './gateway-notices.js';
import type { ElectronSurface } from './electron-surface.js';
import { logFilePath, RotatingLogFile } from './log-file.js';
import { loginItemFor } from './login-item.js';
import { MainWindow } from './main-window.js';
import { applyPermissionPolicy } from './permissions.js';
import { shellApi } from './shell-api.js';
import { staysInTrayOnClose } from './tray-availability.js';
import { TrayController } from './tray.js';
import { UiSession } from './ui-session.js';
import { systemProxy } from '../core/system-proxy.js';
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
  /** How the gateway was started, for a restart; the port is the one it got (a restart keeps it). */
  private startOptions: StartOptions | null = null;
  /** The gateway's origin, kept while it is stopped so the window stays trusted for a restart. */
  private lastOrigin = '';
  private restarting: Promise<{ url: string }> | null = null;
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
    return this.started?.url.origin ?? this.lastOrigin;
  }

  /** The app's "Restart gateway": in-flight requests finish and usage is flushed, then it starts again on the same port (the window reloads itself). */
  restartGateway(): Promise<{ url: string }> {
    this.restarting ??= this.restart().finally(() => (this.restarting = null));
    return this.restarting;
  }

  private async restart(): Promise<{ url: string }> {
    const options = this.startOptions;
    if (!options || this.stopping) throw new GatewayError('unavailable', 'Loopgate is quitting.');
    await this.stopServing(QUIT_GRACE_MS);
    this.logger.log('info', 'Restarting the gateway, as asked in the app');
    try {
      await this.serve(options);
    } catch (error) {
      const failure = describeBootFailure(error, { port: options.port, dataDir: options.dataDir });
      this.logger.log('error', `The gateway could not start again: ${failure.detail}`, { code: failure.code });
      // No tray without a gateway: closing the window must quit rather than hide the app.
      this.stayInTray = false;
      throw new GatewayError('unavailable', failure.message);
    }
    return { url: this.origin() };
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
      if (this.settings.exportKey) {
        process.stdout.write(await exportKeyForServe(dataDir, keychain.wrapper));
        return this.exit(0);
      }
      this.logger.log('info', `The data key for provider credentials is protected by ${keychain.wrapper ? 'the OS keychain' : `a 0600 key file (${keychain.reason})`}`);
      // The OS's certificate store and proxy settings count for upstream calls in the desktop app.
      const desktop = { dataKeyWrapper: keychain.wrapper, systemCertificates: true, systemProxy: systemProxy((url) => electron.session.defaultSession.resolveProxy(url)) };
      // The updater outlives a gateway restart: made before the first serve, whose events it joins.
      this.updates = this.createUpdates(dataDir);
      await this.serve({ configFile, host: HOST, port, dataDir, env, logger: this.logger, ...desktop });
      if (this.stopping) return;
      const updateHandlers = this.updates ? updateApi(this.updates, () => void this.stop(QUIT_GRACE_MS, true)) : {};
      const own = { 'shell.installCommand': () => installLoopgateCommand(this.installTarget(dataDir), env), 'shell.restartGateway': () => this.restartGateway(), ...updateHandlers };
      bindApi(
        electron.ipcMain,
        shellApi(() => this.started?.app.api ?? null, own),
        (url) => isAppUrl(url, this.origin()),
      );
      await this.updates?.start();
      this.stayInTray = this.tray !== null && staysInTrayOnClose(env, await trayShown);
      this.watchPower();
      this.running = true;
      this.logger.log('info', `Loopgate is running on ${this.origin()}`, { trayShown: this.stayInTray });
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

  private createUpdates(dataDir: string): UpdateController | null {
    const { updates, electron } = this.host;
    if (!updates) return null;
    const changed = (view: UpdateController['current'], previous: UpdateController['current']): void => {
      if (view.phase !== previous.phase) void this.tray?.refresh();
      const notice = updateNotice(view, previous);
      if (notice && electron.Notification.isSupported()) new electron.Notification(notice).show();
    };
    return new UpdateController({ ...updates, dataDir, every: (intervalMs, task) => this.host.every(intervalMs, task), now: () => this.host.now(), logger: this.logger, changed });
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

  /** Starts the gateway and what hangs on it: events to the window, tray, alert notifications, the window's session. */
  private async serve(options: StartOptions): Promise<void> {
    const { electron } = this.host;
    const started = await this.host.startGateway(options);
    this.started = started;
    this.lastOrigin = started.url.origin;
    // A restart keeps the port the first start got (port 0 picks one once).
    this.startOptions = { ...options, port: Number(started.url.port) };
    if (this.stopping) return;
    this.stopTimers.push(bindEvents(electron.ipcMain, joinEvents(started.app.events, this.updates), (url) => isAppUrl(url, this.origin())));
    this.tray = this.createTray(started);
    this.stopTimers.push(...showGatewayNotices(started, { Notification: electron.Notification, open: (hash) => this.running && this.window.showAt(hash), logger: this.logger }));
    this.uiSession = new UiSession({ loginLink: () => started.gateway.loginLink(), cookies: electron.session.defaultSession.cookies, now: () => this.host.now(), logger: this.logger });
    await this.uiSession.signIn().catch((error: unknown) => this.logger.log('warn', `Could not sign the window in: ${String(error)}`));
    this.schedule();
  }

  private schedule(): void {
    const tray = this.tray;
    const session = this.uiSession;
    if (tray) this.stopTimers.push(this.host.every(TRAY_REFRESH_MS, () => tray.refresh()));
    if (session) this.stopTimers.push(this.host.every(SESSION_CHECK_MS, () => session.renewIfDue()));
  }

  /** Once per app: these outlive a gateway restart. */
  private watchPower(): void {
    const { electron } = this.host;
    electron.powerMonitor.on('resume', () => void this.uiSession?.renewIfDue());
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
      if (!this.stopping) await explainBootFailure(this.host.electron, failure, this.logFile);
    } catch (dialogError) {
      this.logger.log('error', `Could not show the start-up failure: ${String(dialogError)}`);
      await this.logger.flush();
    } finally {
      this.exit(1);
    }
  }

  private async release(graceMs: number): Promise<void> {
    this.running = false;
    this.updates?.stop();
    await this.stopServing(graceMs);
    await this.logger.flush();
  }

  /** Stops the gateway and what hangs on it (its events to the window among the timers); the IPC API stays bound and answers gateway_stopped. */
  private async stopServing(graceMs: number): Promise<void> {
    this.uiSession = null;
    this.stopTimers.forEach((stopTimer) => stopTimer());
    this.stopTimers = [];
    this.tray?.destroy();
    this.tray = null;
    const started = this.started;
    this.started = null;
    await started?.close(graceMs).catch((error: unknown) => this.logger.log('error', `Shutdown did not finish cleanly: ${String(error)}`));
  }

  private exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.host.electron.app.exit(code);
  }
}
