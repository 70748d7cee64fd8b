// "Start at login": macOS and Windows through Electron's login items; Linux through an XDG
// autostart entry (Electron's setLoginItemSettings does nothing there). Only an installed app
// can start at login, so a development run hides the option.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from '../config/index.js';
import type { AppSurface } from './electron-surface.js';

export interface LoginItem {
  isEnabled(): Promise<boolean>;
  setEnabled(enabled: boolean): Promise<void>;
}

export interface LoginItemContext {
  app: AppSurface;
  platform: NodeJS.Platform;
  env: Environment;
  /** What to run at login: the installed executable. */
  execPath: string;
  home?: string;
}

export function autostartFile(env: Environment, home = homedir()): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'autostart', 'loopgate.desktop');
}

/** One Exec argument, quoted by the Desktop Entry spec's rules (then its string escapes, and % doubled). */
export function desktopExecArgument(path: string): string {
  const quoted = `"${path.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

export function autostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Loopgate',
    'Comment=Local AI gateway',
    `Exec=${desktopExecArgument(executable)}`,
    'Icon=loopgate',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

function linuxLoginItem(context: LoginItemContext): LoginItem {
  const file = autostartFile(context.env, context.home);
  // An AppImage runs from a temporary mount; APPIMAGE names the file itself.
  const executable = context.env.APPIMAGE || context.execPath;
  return {
    isEnabled: () =>
      readFile(file, 'utf8').then(
        (text) => text.includes('X-GNOME-Autostart-enabled=true'),
        () => false,
      ),
    async setEnabled(enabled) {
      if (!enabled) return rm(file, { force: true });
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, autostartEntry(executable));
    },
  };
}

/** null where the option is hidden: a development run, or a platform without login items. */
export function loginItemFor(context: LoginItemContext): LoginItem | null {
  if (!context.app.isPackaged) return null;
  if (context.platform === 'linux') return linuxLoginItem(context);
  if (context.platform !== 'darwin' && context.platform !== 'win32') return null;
  const { app } = context;
  return {
    isEnabled: async () => app.getLoginItemSettings().openAtLogin,
    setEnabled: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
  };
}
