// Google's Gemini API paths, under /v1beta and /v1: `models/{model}:generateContent`,
// `:streamGenerateContent` (`?alt=sse`, or the JSON-array stream), `:countTokens`, and the
// models list. The model comes from the path, with or without `models/`, and is routed like
// any other; errors, from the first check on, are Google-shaped.
import { geminiArrayDialect, geminiSseDialect } from '../../dialects/gemini/index.js';
import { GatewayError } from '../../core/errors.js';
import type { Authenticator } from '../access/auth.js';
import { decodePathPart, type RouteHandler } from '../http/context.js';
import { countGeminiTokens } from './count-tokens.js';
import { listGeminiModels, retrieveGeminiModel, type ModelsIndex } from './openai-models.js';
import { proxy, type ProxyDeps } from './proxy.js';

export interface GeminiRouteDeps {
  proxy: ProxyDeps;
  auth: Authenticator;
  models: () => ModelsIndex;
  /** Throws when the gateway is paused. */
  checkOpen: () => void;
}

/** `/v1beta/models/{model}:{method}` (also /v1, /v1alpha, and without `models/`); the model may hold slashes. */
const METHOD_PATH = /^\/(?:v1beta|v1alpha|v1)\/(?:models\/)?(.+):(generateContent|streamGenerateContent|countTokens)$/;
const MODELS_PATH = /^\/(?:v1beta|v1alpha)\/models(?:\/(.+))?$/;

/** The handler for a Gemini path, or null when the path is not one. `/v1/models` stays the OpenAI (or Anthropic) list. */
export function geminiRoute(deps: GeminiRouteDeps, method: string, path: string): RouteHandler | null {
  const call = METHOD_PATH.exec(path);
  if (call && method === 'POST') {
    const kind = call[2]!;
    return guarded(deps, (ctx) => {
      const model = decodePathPart(call[1]!, 'model name');
      if (kind === 'countTokens') return countGeminiTokens(deps.proxy, ctx, model);
      const stream = kind === 'streamGenerateContent';
      const sse = !stream || new URLSearchParams(ctx.search).get('alt') === 'sse';
      // `alt` keeps the two stream framings apart in the response cache.
      return proxy(deps.proxy, sse ? geminiSseDialect : geminiArrayDialect, ctx, { pathFields: { model, stream, ...(stream ? { alt: sse ? 'sse' : 'json' } : {}) } });
    });
  }
  const models = MODELS_PATH.exec(path);
  if (models && method === 'GET') {
    const name = models[1];
    return guarded(deps, (ctx) => (name === undefined ? listGeminiModels(deps.models(), ctx) : retrieveGeminiModel(deps.models(), ctx, decodePathPart(name, 'model name'))));
  }
  if (call || models) {
    return guarded(deps, () => {
      throw new GatewayError('invalid_request', `${method} is not allowed on ${path}.`, { status: 405 });
    });
  }
  if (path.startsWith('/v1beta/') || path.startsWith('/v1alpha/')) {
    return (ctx) => {
      ctx.errorBody = geminiSseDialect.errorBody;
      throw new GatewayError('not_found', `No route for ${method} ${path}.`);
    };
  }
  return null;
}

function guarded(deps: GeminiRouteDeps, handler: RouteHandler): RouteHandler {
  return (ctx) => {
    ctx.errorBody = geminiSseDialect.errorBody;
    deps.checkOpen();
    ctx.caller = deps.auth.authenticate(ctx.req.headers, new URLSearchParams(ctx.search).get('key'));
    return handler(ctx);
  };
}
