// The secret guard's settings, as the config file, the key metadata and the app name them.

export const SECRET_GUARD_MODES = ['off', 'warn', 'redact', 'block'] as const;
/** off: nothing scanned; warn: logged and counted, sent as is; redact: sent with placeholders; block: refused (400). */
export type SecretGuardMode = (typeof SECRET_GUARD_MODES)[number];

export interface SecretGuardSettings {
  /** For keys whose metadata names no `secret_guard` of their own. */
  mode: SecretGuardMode;
  /** Scan prompts bound for local deployments too (off: Ollama, LM Studio and loopback api_base are exempt). */
  scanLocal: boolean;
}

/** The key metadata field a key's own mode is read from. */
export const KEY_MODE_FIELD = 'secret_guard';

export function isSecretGuardMode(value: unknown): value is SecretGuardMode {
  return typeof value === 'string' && (SECRET_GUARD_MODES as readonly string[]).includes(value);
}
