// Completions, embeddings, image generation and moderation: OpenAI-only endpoints with no chat
// equivalent, so they go to providers that serve them natively (OpenAI, OpenAI-compatible
// servers, Azure) and nowhere else.
import { GatewayError } from '../core/errors.js';
import { errorBodyFor } from './error-bodies.js';
import { prepareOpenAIBody } from './openai-wire.js';
import { usageFromOpenAI } from '../core/usage.js';
import { OpenAIStreamRelay } from './openai-wire.js';
import { chatDialect, wantsUsage } from './chat/index.js';
import type { InboundDialect } from './types.js';

function nativeOnly(name: 'completions' | 'embeddings' | 'images' | 'moderations', requiredField: string, path: string): InboundDialect {
  const refuse = (): never => {
    throw new GatewayError('invalid_request', `/v1/${path} is served only by OpenAI-compatible providers; this model's provider has no such endpoint.`, {
      param: 'model',
    });
  };
  return {
    ...chatDialect,
    name,
    requiredField,
    toChat: refuse,
    fromChat: refuse,
    streamEncoder: refuse,
    errorBody: errorBodyFor('openai'),
    nativeBody: (request, upstreamModel, clientText) => prepareOpenAIBody(name, request, upstreamModel, clientText).body,
    nativeUsage: (body) => usageFromOpenAI(body),
    usageMember: 'usage',
    // Chat-like streams (completions) had a usage chunk asked for; an image stream reports its own.
    nativeStreamScanner: (request) => new OpenAIStreamRelay(name === 'completions' && !wantsUsage(request)),
  };
}

export const completionsDialect = nativeOnly('completions', 'prompt', 'completions');
export const embeddingsDialect = nativeOnly('embeddings', 'input', 'embeddings');
export const imagesDialect = nativeOnly('images', 'prompt', 'images/generations');
export const moderationsDialect = nativeOnly('moderations', 'input', 'moderations');
