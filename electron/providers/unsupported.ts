// Chat fields a non-OpenAI upstream cannot honour. A default value is harmless and ignored;
// anything else is a 400 naming the field, so nothing the client asked for disappears silently.
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

export function refuseUnsupported(chat: ChatRequest, provider: string): void {
  for (const [field, harmless] of Object.entries(HARMLESS)) {
    const value = chat[field];
    if (value === undefined || value === null || harmless.includes(value)) continue;
    if (typeof value === 'object' && Object.keys(value).length === 0) continue;
    throw new GatewayError('invalid_request', `"${field}" cannot be sent to ${provider} models; remove it or pick another model.`, {
      param: field,
    });
  }
}
