// The app's settings from its command line (what `npm start -- --port 0` passes on) and the
// LOOPGATE_* variables; the command line wins. Chromium's own switches are ignored.
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../config/data-dir.js';
import type { Environment } from '../config/index.js';

const DEFAULT_PORT = 7420;

export interface AppSettings {
  port: number;
  configFile: string | null;
  dataDir: string;
  /** `loopgate export-key`: write the keychain-wrapped data key out as a key file, then exit. */
  exportKey: boolean;
}

export class AppArgsError extends Error {
  readonly code = 'invalid_arguments';
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new AppArgsError(`${source} expects a port from 0 to 65535, got "${value}"`);
  return port;
}

/** `argv` as Electron gives it: the executable, in development the app folder, then arguments. */
export function appSettings(argv: readonly string[], env: Environment): AppSettings {
  const { values, positionals } = parseArgs({
    args: argv.slice(1),
    options: { port: { type: 'string' }, config: { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const text = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const port = text(values.port);
  const envPort = text(env.LOOPGATE_PORT);
  return {
    port: port !== undefined ? parsePort(port, '--port') : envPort !== undefined ? parsePort(envPort, 'LOOPGATE_PORT') : DEFAULT_PORT,
    configFile: text(values.config) ?? text(env.LOOPGATE_CONFIG) ?? null,
    dataDir: text(values['data-dir']) ?? defaultDataDir(env),
    exportKey: positionals.includes('export-key'),
  };
}
