// Chat fields a non-OpenAI upstream cannot honour. A default value is harmless and ignored;
// anything else is a 400 naming the field, so nothing the client asked for disappears silently,
// unless drop_params is on (LiteLLM's setting): then the fields are dropped, and the drop is said.
import type { ChatRequest } from '../core/chat.js';
import { GatewayError } from '../core/errors.js';

/** field → the values that mean "not asked for". */
const HARMLESS: Record<string, ReadonlyArray<unknown>> = {
  n: [1],
  logprobs: [false],
  top_logprobs: [0],
  presence_penalty: [0],
  frequency_penalty: [0],
  logit_bias: [],
  seed: [],
  audio: [],
  modalities: [],
  prediction: [],
  web_search_options: [],
};

/** The fields of `chat` set to something only OpenAI's wire format can say. */
export function unsupportedParams(chat: ChatRequest): string[] {
  return Object.entries(HARMLESS)
    .filter(([field, harmless]) => {
      const value = chat[field];
      if (value === undefined || value === null || harmless.includes(value)) return false;
      return !(typeof value === 'object' && Object.keys(value).length === 0);
    })
    .map(([field]) => field);
}

export function refuseUnsupported(chat: ChatRequest, provider: string): void {
  const [field] = unsupportedParams(chat);
  if (field === undefined) return;
  throw new GatewayError('invalid_request', `"${field}" cannot be sent to ${provider} models; remove it or pick another model.`, { param: field });
}

/** The request without `fields` (drop_params). */
export function withoutParams(chat: ChatRequest, fields: readonly string[]): ChatRequest {
  if (fields.length === 0) return chat;
  const kept: ChatRequest = { ...chat };
  for (const field of fields) delete kept[field];
  return kept;
}
