// A provider's pool of API keys, edited one key at a time (a key is never shown back, so the
// list cannot be sent whole): add one, remove one by its place. Each edit names the version it
// read. The views pair each key's hint with what the router knows of it now.
import { z } from 'zod';
import type { ProviderKeyView } from '../../shared/api.js';
import { catalogEntry, PASSTHROUGH_KEY } from '../../shared/providers.js';
import { GatewayError } from '../core/errors.js';
import type { KeyHealth } from '../router/index.js';
import type { ProviderCredential, ProviderInput } from '../store/providers.js';
import { MAX_LENGTH, text } from './validation.js';

const versioned = { id: text(MAX_LENGTH.id).min(1), version: z.number().int().positive() };
export const addKeySchema = z.object({ ...versioned, apiKey: text(MAX_LENGTH.secret).trim().min(1, 'Paste the API key to add.') });
export const removeKeySchema = z.object({ ...versioned, index: z.number().int().nonnegative() });

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', `${param}: ${message}`, { param });
}

/** The store change that leaves `keys` as the pool: the first as the provider's key, the rest beside it. */
export function poolChange(provider: ProviderCredential, keys: readonly string[]): ProviderInput {
  const [apiKey = null, ...moreKeys] = keys;
  return { name: provider.name, family: provider.family, apiBase: provider.apiBase, apiKey, moreKeys };
}

/** The pool with `key` added; refused for a provider whose clients sign in, for Bedrock's AWS pair, and for a key it holds already. */
export function withKey(provider: ProviderCredential, keys: readonly string[], key: string): string[] {
  if (provider.passthrough) throw invalid('apiKey', 'each tool signs in with its own account here; switch the provider to a saved key first.');
  if (catalogEntry(provider.family)?.protocol === 'bedrock') throw invalid('apiKey', 'a Bedrock provider signs with one AWS key pair; it has no pool of keys.');
  if (key === PASSTHROUGH_KEY) throw invalid('apiKey', `"${PASSTHROUGH_KEY}" cannot be one key of a pool.`);
  if (keys.includes(key)) throw invalid('apiKey', `this provider already holds that key (••••${key.slice(-4)}).`);
  return [...keys, key];
}

/** The pool without the key at `index`. */
export function withoutKey(keys: readonly string[], index: number): string[] {
  if (index >= keys.length) throw invalid('index', `the provider holds ${keys.length} key(s); there is no key number ${index + 1}.`);
  return keys.filter((_, at) => at !== index);
}

/** Each key's hint with its live state (a key the gateway has not used yet is ready). */
export function keyViews(hints: readonly string[], health: readonly KeyHealth[]): ProviderKeyView[] {
  return hints.map((hint, index) => ({ hint, ...(health[index] ?? { state: 'ready', coolingUntil: null, lastError: null, uses: 0 }) }));
}
