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
    this.window = this.create();
  }

  private create(): WindowSurface {
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
    window.loadURL(`${deps.origin()}/ui/`).catch((error: unknown) => deps.logger.log('error', `The window could not load the admin UI: ${String(error)}`));
    return window;
  }
}
