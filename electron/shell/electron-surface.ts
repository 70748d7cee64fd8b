// The slice of Electron's API the shell uses, as plain interfaces. main.ts passes the real
// `electron` module (the compiler checks it fits); tests pass tests/helpers/fake-electron.ts.
import type { IpcEventsLike, IpcMainLike } from '../ipc.js';
import type { MainWindowOptions } from '../window-options.js';

export interface PreventableEvent {
  preventDefault(): void;
}

export interface AppSurface {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  quit(): void;
  exit(exitCode?: number): void;
  getLoginItemSettings(): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export interface WebContentsSurface {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
}

export interface WindowSurface {
  readonly webContents: WebContentsSurface;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'focus', listener: () => void): unknown;
  /** Windows only: the user logs off or the machine shuts down (before-quit is not emitted). */
  on(event: 'query-session-end', listener: () => void): unknown;
  on(event: 'session-end', listener: () => void): unknown;
}

/** What a menu item may say; a subset of Electron's MenuItemConstructorOptions. */
export interface MenuItemTemplate {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox' | 'submenu';
  role?: 'appMenu' | 'fileMenu' | 'editMenu' | 'windowMenu' | 'reload' | 'forceReload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'quit' | 'close';
  enabled?: boolean;
  checked?: boolean;
  click?: (item: { checked: boolean }) => void;
  submenu?: MenuItemTemplate[];
}

/** A built menu; only Electron reads it. */
export type MenuHandle = object;

export interface TraySurface {
  setToolTip(toolTip: string): void;
  setContextMenu(menu: MenuHandle | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface MessageBoxOptions {
  type: 'error' | 'info';
  title: string;
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
  noLink: boolean;
}

export interface PermissionRequestDetails {
  requestingUrl: string;
  isMainFrame: boolean;
}

export interface PermissionCheckDetails {
  requestingUrl?: string;
  isMainFrame: boolean;
}

export interface CookieDetails {
  url: string;
  name: string;
  value: string;
  path: string;
  httpOnly: boolean;
  sameSite: 'strict';
  /** Seconds since the epoch. */
  expirationDate: number;
}

export interface SessionSurface {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: PermissionRequestDetails) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string, details: PermissionCheckDetails) => boolean): void;
  readonly cookies: { set(details: CookieDetails): Promise<void> };
  /** The OS's proxy for a URL, PAC-style ("PROXY host:port; DIRECT"). */
  resolveProxy(url: string): Promise<string>;
}

/** A desktop notification (Electron's Notification); `urgency` is Linux's. */
interface NotificationHandle {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
  close(): void;
}

export interface NotificationSurface {
  new (options: { title: string; body: string; urgency?: 'normal' | 'critical' | 'low' }): NotificationHandle;
  isSupported(): boolean;
}

import type { SafeStorageSurface } from './data-key.js';

export interface ElectronSurface {
  app: AppSurface;
  BrowserWindow: new (options: MainWindowOptions) => WindowSurface;
  /** Electron picks `name@2x.png` beside `name.png`, and treats a name ending in "Template" as a macOS template image. */
  Tray: new (iconPath: string) => TraySurface;
  Menu: {
    buildFromTemplate(template: MenuItemTemplate[]): MenuHandle;
    setApplicationMenu(menu: MenuHandle | null): void;
  };
  dialog: { showMessageBox(options: MessageBoxOptions): Promise<{ response: number }> };
  session: { readonly defaultSession: SessionSurface };
  shell: { openExternal(url: string): Promise<void>; openPath(path: string): Promise<string> };
  clipboard: { writeText(text: string): void };
  Notification: NotificationSurface;
  nativeTheme: { readonly shouldUseDarkColors: boolean };
  /** Wraps the data key where the OS has a real keychain (shell/data-key.ts). */
  safeStorage?: SafeStorageSurface;
  ipcMain: IpcMainLike & IpcEventsLike;
  powerMonitor: {
    on(event: 'resume', listener: () => void): unknown;
    /** Linux and macOS: the system is about to shut down or reboot; preventDefault() asks it to wait for the app's exit. */
    on(event: 'shutdown', listener: (event?: PreventableEvent) => void): unknown;
  };
}
