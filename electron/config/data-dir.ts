// Where Loopgate keeps its data: the OS's per-user app-data folder, as Electron's `userData` would be.
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Environment } from './index.js';

const APP_NAME = 'Loopgate';

export function defaultDataDir(env: Environment, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env.LOOPGATE_DATA_DIR) return env.LOOPGATE_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_NAME);
}

export async function ensureDataDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}
