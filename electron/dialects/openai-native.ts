// Completions and embeddings: OpenAI-only endpoints with no chat equivalent, so they go to
// providers that serve them natively and nowhere else.
import { GatewayError, openAIErrorBody } from '../gateway/errors.js';
import { prepareOpenAIBody } from '../providers/openai/request.js';
import { usageFromOpenAI } from '../providers/openai/response.js';
import { OpenAIStreamRelay } from '../providers/openai/stream.js';
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
    nativeBody: (request, upstreamModel) => prepareOpenAIBody(name, request, upstreamModel).body,
    nativeUsage: (body) => usageFromOpenAI(body),
    nativeStreamScanner: (request) => new OpenAIStreamRelay(!wantsUsage(request)),
  };
}

export const completionsDialect = nativeOnly('completions', 'prompt');
export const embeddingsDialect = nativeOnly('embeddings', 'input');
