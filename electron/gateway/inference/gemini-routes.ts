// Google's Gemini API paths, under /v1beta and /v1: `models/{model}:generateContent`,
// `:streamGenerateContent` (`?alt=sse`, or the JSON-array stream), `:countTokens`, and the
// models list. The model comes from the path, with or without `models/`, and is routed like
// any other; errors, from the first check on, are Google-shaped; the key may come as `?key=`.
import { geminiArrayDialect, geminiSseDialect } from '../../dialects/gemini/index.js';
import { GatewayError } from '../../core/errors.js';
import { decodePathPart } from '../http/context.js';
import type { Route } from '../http/routes.js';
import { countGeminiTokens } from './count-tokens.js';
import { listGeminiModels, retrieveGeminiModel } from './openai-models.js';
import type { ModelsIndex } from './openai-models.js';
import { proxy, type ProxyDeps } from './proxy.js';

export interface GeminiDeps {
  proxy: ProxyDeps;
  models: () => ModelsIndex;
}

const GEMINI = { access: 'any-key', keyInQuery: true, errors: 'google', pausable: true, ownsPath: true } as const;

/** The Gemini rows; `/v1/models` stays the OpenAI (or Anthropic) list. */
export const GEMINI_ROUTES: readonly Route<GeminiDeps>[] = [
  {
    // `/v1beta/models/{model}:{method}` (also /v1, /v1alpha, and without `models/`); the model may hold slashes.
    method: 'POST',
    path: /^\/(?:v1beta|v1alpha|v1)\/(?:models\/)?(.+):(generateContent|streamGenerateContent|countTokens)$/,
    ...GEMINI,
    handle: (ctx, deps, [name, kind]) => {
      const model = decodePathPart(name!, 'model name');
      if (kind === 'countTokens') return countGeminiTokens(deps.proxy, ctx, model);
      const stream = kind === 'streamGenerateContent';
      const sse = !stream || new URLSearchParams(ctx.search).get('alt') === 'sse';
      // `alt` keeps the two stream framings apart in the response cache.
      return proxy(deps.proxy, sse ? geminiSseDialect : geminiArrayDialect, ctx, { pathFields: { model, stream, ...(stream ? { alt: sse ? 'sse' : 'json' } : {}) } });
    },
  },
  {
    method: 'GET',
    path: /^\/(?:v1beta|v1alpha)\/models(?:\/(.+))?$/,
    ...GEMINI,
    handle: (ctx, deps, [name]) => (name ? retrieveGeminiModel(deps.models(), ctx, decodePathPart(name, 'model name')) : listGeminiModels(deps.models(), ctx)),
  },
  {
    // Anything else under Google's prefixes is not found, in Google's shape.
    method: '*',
    path: /^\/(?:v1beta|v1alpha)\//,
    access: 'public',
    errors: 'google',
    pausable: false,
    handle: (ctx) => {
      throw new GatewayError('not_found', `No route for ${ctx.req.method ?? 'GET'} ${ctx.path}.`);
    },
  },
];
