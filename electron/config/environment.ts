// `os.environ/NAME` references: LiteLLM's way for a config value to come from the environment,
// or from the file's own `environment_variables`.
import { ConfigError, type Environment } from './config-error.js';
import type { ConfigFile } from './schema.js';

export const ENV_REFERENCE = 'os.environ/';

/** A variable's value, from the process environment or the file's environment_variables. */
export type Lookup = (name: string) => string | undefined;

// `environment_variables` in the file are LiteLLM's way to define values for `os.environ/`.
export function environmentLookup(file: ConfigFile, env: Environment): Lookup {
  const fromFile = file.environment_variables ?? {};
  return (name) => {
    const value = env[name] ?? fromFile[name];
    return value === undefined ? undefined : String(value);
  };
}

export function resolveValue(value: string, path: string, lookup: Lookup): string {
  if (!value.startsWith(ENV_REFERENCE)) return value;
  const name = value.slice(ENV_REFERENCE.length);
  const resolved = lookup(name);
  if (resolved === undefined || resolved === '') {
    throw new ConfigError(path, `expected environment variable ${name} to be set (referenced as "${value}")`);
  }
  return resolved;
}
