// A config value that stops start-up, and the environment config values are read from.
import { redactSecrets } from './redact.js';

/** A config value that stops start-up; `path` names it the way the YAML spells it. */
export class ConfigError extends Error {
  readonly path: string;
  /** The message without its path; secrets in it are masked (redact.ts). */
  readonly detail: string;
  constructor(path: string, message: string) {
    const detail = redactSecrets(message);
    super(path ? `${path}: ${detail}` : detail);
    this.name = 'ConfigError';
    this.path = path;
    this.detail = detail;
  }

  /** The same error with the values of secret environment variables masked too. */
  redacting(env: Environment): ConfigError {
    return new ConfigError(this.path, redactSecrets(this.detail, env));
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;
