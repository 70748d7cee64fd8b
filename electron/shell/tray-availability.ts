// Whether a tray icon will be seen. On stock GNOME there is no tray (no StatusNotifier host), so
// an app that hid itself there on close could never be reached again: it quits instead.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Environment } from '../config/index.js';

export type CommandRunner = (command: string, args: string[]) => Promise<string>;

const PROBE_TIMEOUT_MS = 2_000;

async function runCommand(command: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(command, args, { timeout: PROBE_TIMEOUT_MS });
  return stdout;
}

/** Linux: a tray shows when a StatusNotifierWatcher owns its name on the session bus. */
export async function isTrayShown(platform: NodeJS.Platform, run: CommandRunner = runCommand): Promise<boolean> {
  if (platform === 'darwin' || platform === 'win32') return true;
  try {
    const reply = await run('gdbus', ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus', '--method', 'org.freedesktop.DBus.NameHasOwner', 'org.kde.StatusNotifierWatcher']);
    return reply.trim() === '(true,)';
  } catch {
    // No gdbus or no session bus: nothing can be shown to be there, so assume nothing is.
    return false;
  }
}

/** LOOPGATE_QUIT_ON_CLOSE=1 always quits with the window, =0 always keeps running in the tray. */
export function staysInTrayOnClose(env: Environment, trayShown: boolean): boolean {
  if (env.LOOPGATE_QUIT_ON_CLOSE === '1') return false;
  if (env.LOOPGATE_QUIT_ON_CLOSE === '0') return true;
  return trayShown;
}
