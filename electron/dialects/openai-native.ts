// Completions and embeddings: OpenAI-only endpoints with no chat equivalent, so they go to
// providers that serve them natively and nowhere else.
import { GatewayError, openAIErrorBody } from '../core/errors.js';
import { prepareOpenAIBody } from './openai-wire.js';
import { usageFromOpenAI } from '../core/usage.js';
import { OpenAIStreamRelay } from './openai-wire.js';
import { chatDialect, wantsUsage } from './chat/index.js';
import type { InboundDialect } from './types.js';

function nativeOnly(name: 'completions' | 'embeddings', requiredField: string): InboundDialect {
  const refuse = (): never => {
    throw new GatewayError('invalid_request', `/v1/${name} is served only by OpenAI-compatible providers; this model's provider has no such endpoint.`, {
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
    errorBody: openAIErrorBody,
    nativeBody: (request, upstreamModel, clientText) => prepareOpenAIBody(name, request, upstreamModel, clientText).body,
    nativeUsage: (body) => usageFromOpenAI(body),
    usageMember: 'usage',
    nativeStreamScanner: (request) => new OpenAIStreamRelay(!wantsUsage(request)),
  };
}

export const completionsDialect = nativeOnly('completions', 'prompt');
export const embeddingsDialect = nativeOnly('embeddings', 'input');
