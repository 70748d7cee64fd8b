// The main window's options and navigation rules, as plain data so tests can read them without
// Electron. main.ts applies them.

/** The page is isolated: no Node in it or its workers, a sandbox, web security on (the type holds every build to it). */
const ISOLATED = { contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false } as const;

export interface MainWindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  title: string;
  show: boolean;
  backgroundColor: string;
  /** The window and taskbar icon on Linux (Windows and macOS take it from the app bundle). */
  icon?: string;
  webPreferences: typeof ISOLATED & { preload: string; spellcheck: boolean; devTools: boolean };
}

export interface MainWindowSettings {
  preload: string;
  dark: boolean;
  /** Packaged builds have no DevTools: nobody debugs an installed app's page by accident. */
  devTools: boolean;
  icon?: string;
}

export function mainWindowOptions({ preload, dark, devTools, icon }: MainWindowSettings): MainWindowOptions {
  return {
    width: 1180,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    title: 'Loopgate',
    // Shown once the first paint is ready, so the window never flashes white.
    show: false,
    backgroundColor: dark ? '#0f1115' : '#f6f7f9',
    ...(icon ? { icon } : {}),
    webPreferences: { preload, ...ISOLATED, spellcheck: false, devTools },
  };
}

/** The window only ever shows the gateway's own admin UI; everything else opens in the browser. */
export function isAppUrl(url: string, gatewayOrigin: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.origin === gatewayOrigin && parsed.pathname.startsWith('/ui/');
  } catch {
    return false;
  }
}

/** Links worth handing to the user's browser (never file:, javascript: and the like). */
export function isExternalLink(url: string): boolean {
  return /^https?:\/\//.test(url);
}
