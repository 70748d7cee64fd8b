// The one window: created on first use, then shown, restored and focused rather than made
// again. Closing it hides it while Loopgate stays in the tray, and closes it otherwise.
import type { Logger } from '../core/logger.js';
import { isAppUrl, isExternalLink, mainWindowOptions } from '../window-options.js';
import type { ElectronSurface, WindowSurface } from './electron-surface.js';

export interface MainWindowDeps {
  electron: Pick<ElectronSurface, 'BrowserWindow' | 'shell' | 'nativeTheme'>;
  preload: string;
  icon?: string;
  devTools: boolean;
  logger: Logger;
  /** The gateway's origin; the window shows only its /ui. */
  origin(): string;
  staysInTray(): boolean;
  isQuitting(): boolean;
  onFocus(): void;
  /** Windows ends the session (log off, shut down) without emitting before-quit. */
  onSessionEnd(): void;
}

export class MainWindow {
  private window: WindowSurface | null = null;

  constructor(private readonly deps: MainWindowDeps) {}

  get exists(): boolean {
    return this.window !== null;
  }

  show(): void {
    if (this.window) {
      // A second launch or a Dock click must bring back a minimised window too.
      if (this.window.isMinimized()) this.window.restore();
      this.window.show();
      this.window.focus();
      return;
    }
    this.window = this.create('');
  }

  /** Shows the window at a view (`#/logs?key=…`): a same-page navigation when it is open already. */
  showAt(hash: string): void {
    if (!this.window) {
      this.window = this.create(hash);
      return;
    }
    this.show();
    this.load(this.window, hash);
  }

  private load(window: WindowSurface, hash: string): void {
    window.loadURL(`${this.deps.origin()}/ui/${hash}`).catch((error: unknown) => this.deps.logger.log('error', `The window could not load the admin UI: ${String(error)}`));
  }

  private create(hash: string): WindowSurface {
    const { deps } = this;
    const window = new deps.electron.BrowserWindow(mainWindowOptions({ preload: deps.preload, dark: deps.electron.nativeTheme.shouldUseDarkColors, devTools: deps.devTools, ...(deps.icon ? { icon: deps.icon } : {}) }));
    window.webContents.setWindowOpenHandler(({ url }) => {
      if (isExternalLink(url)) void deps.electron.shell.openExternal(url);
      return { action: 'deny' };
    });
    window.webContents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, deps.origin())) event.preventDefault();
    });
    window.once('ready-to-show', () => window.show());
    window.on('close', (event) => {
      if (deps.staysInTray() && !deps.isQuitting()) {
        event.preventDefault();
        window.hide();
      }
    });
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    window.on('focus', () => deps.onFocus());
    window.on('query-session-end', () => deps.onSessionEnd());
    window.on('session-end', () => deps.onSessionEnd());
    this.load(window, hash);
    return window;
  }
}
