// A stand-in for the part of Electron the shell uses (electron/shell/electron-surface.ts), so
// the shell's lifecycle runs in plain Node. It records what the shell does, and follows
// Electron's documented rules where they matter: app.quit() emits before-quit, then closes
// every window (a prevented close cancels the quit) and terminates; app.exit() ends at once.
import { EventEmitter } from 'node:events';
import type { EventSender, IpcEventsLike, IpcMainLike, SenderFrame } from '../../electron/ipc.js';
import type {
  AppSurface,
  CookieDetails,
  ElectronSurface,
  MenuHandle,
  MenuItemTemplate,
  MessageBoxOptions,
  PermissionCheckDetails,
  PermissionRequestDetails,
  PreventableEvent,
  SessionSurface,
  TraySurface,
  WebContentsSurface,
  WindowSurface,
} from '../../electron/shell/electron-surface.js';
import type { MainWindowOptions } from '../../electron/window-options.js';

class Preventable implements PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface FakeMenu {
  template: MenuItemTemplate[];
}

export interface FakeOptions {
  packaged?: boolean;
  /** false: another instance holds the single-instance lock. */
  gotLock?: boolean;
  /** Which dialog button the user presses (0 = Quit, 1 = Open log). */
  dialogResponse?: number;
  /** false: the desktop has no notification server. */
  notifications?: boolean;
  /** The OS's proxy answer per URL (PAC-style); DIRECT when not given. */
  systemProxy?: (url: string) => string;
}

export function createFakeElectron(options: FakeOptions = {}) {
  /** What happened, in order: "exit 0", "quit completed", "dialog", … */
  const timeline: string[] = [];
  const windows: FakeWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications: FakeNotification[] = [];
  const dialogs: MessageBoxOptions[] = [];
  const openedPaths: string[] = [];
  const clipboard: string[] = [];
  const cookies: CookieDetails[] = [];
  const appEvents = new EventEmitter();
  const powerEvents = new EventEmitter();
  let applicationMenu: FakeMenu | null | undefined;
  let requestHandler: Parameters<SessionSurface['setPermissionRequestHandler']>[0] | null = null;
  let checkHandler: Parameters<SessionSurface['setPermissionCheckHandler']>[0] | null = null;
  let loginItem = false;
  let exitCode: number | null = null;
  let quitting = false;

  const live = (): FakeWindow[] => windows.filter((window) => !window.destroyed);

  class FakeWebContents implements WebContentsSurface {
    readonly events = new EventEmitter();
    openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
      this.openHandler = handler;
    }
    on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): this {
      this.events.on(event, listener);
      return this;
    }
    /** A navigation the page starts; true when the shell let it happen. */
    navigate(url: string): boolean {
      const event = new Preventable();
      this.events.emit('will-navigate', event, url);
      return !event.defaultPrevented;
    }
  }

  class FakeWindow extends EventEmitter implements WindowSurface {
    readonly webContents = new FakeWebContents();
    readonly loaded: string[] = [];
    visible = false;
    minimized = false;
    focused = false;
    destroyed = false;
    constructor(readonly options: MainWindowOptions) {
      super();
      windows.push(this);
      timeline.push('window created');
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      // Chromium paints, then says so.
      setImmediate(() => this.emit('ready-to-show'));
    }
    show(): void {
      this.visible = true;
    }
    hide(): void {
      this.visible = false;
    }
    focus(): void {
      this.focused = true;
    }
    restore(): void {
      this.minimized = false;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    minimize(): void {
      this.minimized = true;
      this.focused = false;
    }
    /** The user clicks the close button (or quit closes it): true when the window really closed. */
    close(): boolean {
      const event = new Preventable();
      this.emit('close', event);
      if (event.defaultPrevented) return false;
      this.destroyed = true;
      this.visible = false;
      this.emit('closed');
      if (!quitting && live().length === 0) appEvents.emit('window-all-closed');
      return true;
    }
  }

  class FakeNotification extends EventEmitter {
    shown = false;
    constructor(readonly options: { title: string; body: string; urgency?: string }) {
      super();
    }
    static isSupported(): boolean {
      return options.notifications ?? true;
    }
    show(): void {
      this.shown = true;
      notifications.push(this);
    }
    close(): void {
      this.shown = false;
    }
    /** The user clicks it. */
    click(): void {
      this.emit('click');
    }
  }

  class FakeTray extends EventEmitter implements TraySurface {
    toolTip = '';
    menu: FakeMenu | null = null;
    destroyed = false;
    constructor(readonly iconPath: string) {
      super();
      trays.push(this);
    }
    setToolTip(toolTip: string): void {
      this.toolTip = toolTip;
    }
    setContextMenu(menu: MenuHandle | null): void {
      this.menu = menu as FakeMenu | null;
    }
    destroy(): void {
      this.destroyed = true;
    }
    /** A menu item by its label. */
    item(label: string): MenuItemTemplate | undefined {
      return this.menu?.template.find((item) => item.label === label);
    }
  }

  const app: AppSurface & { emit(event: string, ...args: unknown[]): boolean } = {
    isPackaged: options.packaged ?? false,
    requestSingleInstanceLock: () => options.gotLock ?? true,
    whenReady: () => Promise.resolve(),
    on(event: string, listener: (...args: never[]) => void) {
      appEvents.on(event, listener as (...args: unknown[]) => void);
      return app;
    },
    emit: (event, ...args) => appEvents.emit(event, ...args),
    quit(): void {
      const event = new Preventable();
      appEvents.emit('before-quit', event);
      if (event.defaultPrevented || exitCode !== null) return;
      quitting = true;
      for (const window of live()) {
        if (!window.close()) {
          quitting = false;
          timeline.push('quit cancelled by a window');
          return;
        }
      }
      timeline.push('quit completed');
      exitCode ??= 0;
    },
    exit(code = 0): void {
      timeline.push(`exit ${code}`);
      exitCode ??= code;
      for (const window of live()) window.destroyed = true;
    },
    getLoginItemSettings: () => ({ openAtLogin: loginItem }),
    setLoginItemSettings: (settings) => void (loginItem = settings.openAtLogin),
  };

  const ipcHandlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
  const ipcMessages = new EventEmitter();
  const ipcMain: IpcMainLike & IpcEventsLike = {
    handle: (channel, listener) => void ipcHandlers.set(channel, listener),
    removeHandler: (channel) => void ipcHandlers.delete(channel),
    on: (channel, listener) => ipcMessages.on(channel, listener),
    removeListener: (channel, listener) => ipcMessages.removeListener(channel, listener),
  };

  const session: SessionSurface = {
    setPermissionRequestHandler: (handler) => void (requestHandler = handler),
    setPermissionCheckHandler: (handler) => void (checkHandler = handler),
    cookies: {
      async set(details) {
        cookies.push(details);
      },
    },
    resolveProxy: async (url) => options.systemProxy?.(url) ?? 'DIRECT',
  };

  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: {
      buildFromTemplate: (template: MenuItemTemplate[]): FakeMenu => ({ template }),
      setApplicationMenu: (menu: MenuHandle | null) => void (applicationMenu = menu as FakeMenu | null),
    },
    dialog: {
      async showMessageBox(box: MessageBoxOptions) {
        dialogs.push(box);
        timeline.push('dialog');
        return { response: options.dialogResponse ?? 0 };
      },
    },
    session: { defaultSession: session },
    shell: {
      openExternal: async (url: string) => void openedPaths.push(url),
      openPath: async (path: string) => (openedPaths.push(path), ''),
    },
    clipboard: { writeText: (text: string) => void clipboard.push(text) },
    nativeTheme: { shouldUseDarkColors: false },
    ipcMain,
    powerMonitor: {
      on: (event: string, listener: (event?: PreventableEvent) => void) => powerEvents.on(event, listener),
    },
  } satisfies ElectronSurface;

  return {
    electron,
    app,
    timeline,
    windows,
    trays,
    /** Desktop notifications shown, in order. */
    notifications,
    dialogs,
    openedPaths,
    clipboard,
    cookies,
    live,
    get exitCode() {
      return exitCode;
    },
    get applicationMenu() {
      return applicationMenu;
    },
    get startsAtLogin() {
      return loginItem;
    },
    /** A power event; true when the shell asked the system to wait (preventDefault). */
    emitPower(event: 'resume' | 'shutdown'): boolean {
      const preventable = new Preventable();
      powerEvents.emit(event, preventable);
      return preventable.defaultPrevented;
    },
    /** What the window's permission request handler answers. */
    requestPermission(permission: string, details: PermissionRequestDetails): Promise<boolean> {
      return new Promise((resolve) => {
        if (!requestHandler) return resolve(true); // Electron grants everything without a handler
        requestHandler(null, permission, resolve, details);
      });
    },
    checkPermission(permission: string, requestingOrigin: string, details: PermissionCheckDetails): boolean {
      return checkHandler ? checkHandler(null, permission, requestingOrigin, details) : true;
    },
    /** Sends an IPC message (ipcRenderer.send) as a frame of the window would, from `sender`. */
    send(channel: string, frame: SenderFrame | null, sender: EventSender) {
      ipcMessages.emit(channel, { senderFrame: frame, sender });
    },
    /** Calls an IPC channel as a frame of the window would. */
    invoke(channel: string, request: unknown, frame: SenderFrame | null) {
      const handler = ipcHandlers.get(channel);
      if (!handler) throw new Error(`no IPC handler for ${channel}`);
      return handler({ senderFrame: frame }, request);
    },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;
