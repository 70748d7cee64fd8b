// The secret guard on outgoing prompts: before an attempt leaves for a cloud deployment, the
// request's text is scanned for credentials (secret-scan.ts) and, by the caller's mode, sent as
// is with a warning, sent with placeholders (the answer gets the originals back), or refused.
// Local deployments (Ollama, LM Studio, a loopback api_base) are exempt unless asked otherwise.
import type { DeploymentConfig } from '../../core/deployment.js';
import { GatewayError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Json } from '../../dialects/types.js';
import type { Caller } from '../access/auth.js';
import { isSecretGuardMode, KEY_MODE_FIELD, type SecretGuardMode, type SecretGuardSettings } from '../../../shared/secret-guard.js';
import { AnswerRestorer } from './secret-restore.js';
import { scanText } from './secret-scan.js';

const LOCAL_FAMILIES = new Set(['ollama', 'lm_studio', 'lmstudio']);
/** Values whose strings are not text a person wrote: names, ids, base64 media. */
const NOT_TEXT = new Set(['model', 'role', 'type', 'id', 'tool_call_id', 'tool_use_id', 'call_id', 'data', 'mime_type', 'mimeType', 'media_type', 'signature', 'encrypted_content']);

interface Found {
  rule: string;
  secret: string;
  placeholder: string;
}

/** What one attempt sends: the body, the client's own text when it may still stand, and what restores the answer. */
export interface GuardedAttempt {
  body: Json;
  clientText: string | null;
  restorer: AnswerRestorer | null;
}

function isLocalDeployment(deployment: DeploymentConfig): boolean {
  if (LOCAL_FAMILIES.has(deployment.family)) return true;
  const host = deployment.apiBase.hostname;
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

export class SecretGuard {
  /** Requests the guard acted on, by mode (warned, redacted, blocked): what the app counts. */
  readonly counts: Record<Exclude<SecretGuardMode, 'off'>, number> = { warn: 0, redact: 0, block: 0 };

  constructor(
    private readonly settings: SecretGuardSettings,
    private readonly logger: Logger,
  ) {}

  /** A key's own mode (its metadata's `secret_guard`) wins over the global one. */
  modeFor(caller: Caller | null): SecretGuardMode {
    const own = caller?.kind === 'virtual' ? caller.key.metadata[KEY_MODE_FIELD] : undefined;
    return isSecretGuardMode(own) ? own : this.settings.mode;
  }

  /** Scans the request once; null when the caller's mode is off or nothing was found. */
  inspect(body: Json, caller: Caller | null, requestId: string): GuardedRequest | null {
    const mode = this.modeFor(caller);
    if (mode === 'off') return null;
    const found = findSecrets(body);
    return found.length > 0 ? new GuardedRequest(this, mode, found, body, requestId) : null;
  }

  exempts(deployment: DeploymentConfig): boolean {
    return !this.settings.scanLocal && isLocalDeployment(deployment);
  }

  /** Logs the rules, never the secret. */
  acted(mode: Exclude<SecretGuardMode, 'off'>, rules: string[], requestId: string, deployment: DeploymentConfig): void {
    this.counts[mode] += 1;
    const said = mode === 'warn' ? 'sent as is' : mode === 'redact' ? 'sent with placeholders' : 'refused';
    this.logger.log('warn', `Secret guard: the prompt holds credentials (${said})`, { id: requestId, rules: rules.join(','), mode, deployment: deployment.id });
  }
}

/** One request the guard found credentials in. */
export class GuardedRequest {
  private redacted: Json | null = null;
  private done = false;

  constructor(
    private readonly guard: SecretGuard,
    readonly mode: Exclude<SecretGuardMode, 'off'>,
    private readonly found: Found[],
    private readonly body: Json,
    private readonly requestId: string,
  ) {}

  /** Distinct rule names, sorted: what a refusal and the log say. */
  rules(): string[] {
    return [...new Set(this.found.map((found) => found.rule))].sort();
  }

  /** JSON text to keep (an answer that repeats a secret sent as is) with each secret back to its placeholder. */
  maskJson(text: string): string {
    let out = text;
    for (const { secret, placeholder } of this.found) {
      const written = JSON.stringify(secret).slice(1, -1);
      if (out.includes(written)) out = out.split(written).join(placeholder);
    }
    return out;
  }

  /** The body with placeholders, for anything kept (the request log) whatever the mode. */
  redactedBody(): Json {
    this.redacted ??= mapText(this.body, (text) => redactText(text, this.found)) as Json;
    return this.redacted;
  }

  /** What goes to this deployment; a refusal (block) is thrown: a 400 that names the rules. */
  forAttempt(deployment: DeploymentConfig, clientText: string | null): GuardedAttempt {
    if (this.guard.exempts(deployment)) return { body: this.body, clientText, restorer: null };
    // Each request is logged and counted once, however many attempts it takes.
    if (!this.done) this.guard.acted(this.mode, this.rules(), this.requestId, deployment);
    this.done = true;
    if (this.mode === 'block') {
      throw new GatewayError(
        'secret_detected',
        `The request holds what looks like a credential (${this.rules().join(', ')}), so Loopgate's secret guard did not send it. Remove it, or ask for the guard to redact instead.`,
      );
    }
    if (this.mode === 'warn') return { body: this.body, clientText, restorer: null };
    return { body: this.redactedBody(), clientText: null, restorer: new AnswerRestorer(this.found) };
  }
}

/** Every credential in the body's text, each distinct secret with its own placeholder (`[REDACTED:github-2]`). */
function findSecrets(body: Json): Found[] {
  const bySecret = new Map<string, Found>();
  mapText(body, (text) => {
    for (const { rule, secret } of scanText(text)) {
      if (!bySecret.has(secret)) bySecret.set(secret, { rule, secret, placeholder: `[REDACTED:${rule}-${bySecret.size + 1}]` });
    }
    return text;
  });
  // Longest first, so a secret inside another is not replaced before it.
  return [...bySecret.values()].sort((a, b) => b.secret.length - a.secret.length);
}

function redactText(text: string, found: Found[]): string {
  let out = text;
  for (const { secret, placeholder } of found) if (out.includes(secret)) out = out.split(secret).join(placeholder);
  return out;
}

/** A copy of a JSON value with each text string replaced by `change` (the same value where nothing changed). */
function mapText(value: unknown, change: (text: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let copy: unknown[] | null = null;
    items.forEach((item, index) => {
      const next = mapText(item, change);
      if (next !== item) (copy ??= [...items])[index] = next;
    });
    return copy ?? items;
  }
  if (typeof value !== 'object' || value === null) return value;
  let copy: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    if (NOT_TEXT.has(key) || (typeof item === 'string' && item.startsWith('data:'))) continue;
    const next = mapText(item, change);
    if (next !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return copy ?? value;
}
