// The inference routes: OpenAI's and Anthropic's API paths (the `/v1` prefix optional), the
// models list, count_tokens, LiteLLM's /health, then Google's Gemini paths (gemini-routes.ts).
import { anthropicDialect } from '../../dialects/anthropic/index.js';
import { chatDialect } from '../../dialects/chat/index.js';
import { completionsDialect, embeddingsDialect, imagesDialect, moderationsDialect } from '../../dialects/openai-native.js';
import type { InboundDialect } from '../../dialects/types.js';
import { decodePathPart } from '../http/context.js';
import type { Route } from '../http/routes.js';
import { countTokens } from './count-tokens.js';
import { GEMINI_ROUTES, type GeminiDeps } from './gemini-routes.js';
import { sendHealth } from './health.js';
import { listModels, retrieveModel } from './openai-models.js';
import { proxy } from './proxy.js';

export interface InferenceDeps extends GeminiDeps {
  /** The Responses API's dialect, holding its conversations. */
  responses: InboundDialect;
}

/** A model route: any key, the `/v1` prefix optional, paused with the gateway, 405 for another method. */
function api(method: string, path: string, handle: Route<InferenceDeps>['handle'], errors: 'openai' | 'anthropic' = 'openai'): Route<InferenceDeps> {
  return { method, path, v1Optional: true, access: 'any-key', errors, pausable: true, ownsPath: true, handle };
}

export const INFERENCE_ROUTES: readonly Route<InferenceDeps>[] = [
  // LiteLLM's deployment health: master key only, not paused.
  { method: 'GET', path: '/health', access: 'master-key', errors: 'litellm', pausable: false, handle: (ctx, deps) => sendHealth(ctx, deps.proxy.router) },
  ...GEMINI_ROUTES,
  api('GET', '/models', (ctx, deps) => listModels(deps.models(), ctx)),
  api('POST', '/chat/completions', (ctx, deps) => proxy(deps.proxy, chatDialect, ctx)),
  api('POST', '/completions', (ctx, deps) => proxy(deps.proxy, completionsDialect, ctx)),
  api('POST', '/embeddings', (ctx, deps) => proxy(deps.proxy, embeddingsDialect, ctx)),
  api('POST', '/images/generations', (ctx, deps) => proxy(deps.proxy, imagesDialect, ctx)),
  api('POST', '/moderations', (ctx, deps) => proxy(deps.proxy, moderationsDialect, ctx)),
  // Anthropic clients read Anthropic-shaped errors, from the very first check on.
  api('POST', '/messages', (ctx, deps) => proxy(deps.proxy, anthropicDialect, ctx), 'anthropic'),
  api('POST', '/messages/count_tokens', (ctx, deps) => countTokens(deps.proxy, ctx), 'anthropic'),
  api('POST', '/responses', (ctx, deps) => proxy(deps.proxy, deps.responses, ctx)),
  {
    // One model; another method on its path is not found (405 is for the fixed API paths).
    method: 'GET',
    path: /^\/models\/(.*)$/,
    v1Optional: true,
    access: 'any-key',
    errors: 'openai',
    pausable: true,
    // A trailing slash with no name lists them all, as `/models` does (LiteLLM redirects it there).
    handle: (ctx, deps, [id]) => (id ? retrieveModel(deps.models(), ctx, decodePathPart(id, 'model name')) : listModels(deps.models(), ctx)),
  },
];
