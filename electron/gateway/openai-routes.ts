// The OpenAI dialect: models, chat completions, completions, embeddings, proxied to the
// deployment the router picks. Bodies pass through with only the model name changed.
import type { Dispatcher } from 'undici';
import type { DeploymentConfig } from '../config/index.js';
import { prepareOpenAIBody } from '../providers/openai/request.js';
import { usageFromOpenAIBody } from '../providers/openai/response.js';
import { OpenAIStreamRelay } from '../providers/openai/stream.js';
import type { EndpointKind } from '../providers/types.js';
import type { Router } from '../router/index.js';
import type { Accounting } from './accounting.js';
import { admit, modelAllowed } from './admission.js';
import { readJsonObject } from './body.js';
import { drained, sendJson, type RequestContext } from './context.js';
import { GatewayError, openAIErrorBody } from './errors.js';
import type { RateLimiter } from './limits.js';
import { clientHeadersFromUpstream, upstreamHeaders } from './proxy-headers.js';
import { callUpstream, upstreamFailure, type UpstreamPools } from './upstream.js';

/** The field each endpoint cannot do without, besides `model`. */
const REQUIRED_FIELD: Record<EndpointKind, string> = { chat: 'messages', completions: 'prompt', embeddings: 'input' };

export interface OpenAIRouteDeps {
  router: Router;
  pools: UpstreamPools;
  limiter: RateLimiter;
  accounting: Accounting;
  storeBodies: boolean;
  /** `GET /models` and each `GET /models/{id}`, serialised once at start-up. */
  modelsBody: string;
  modelBodies: ReadonlyMap<string, string>;
}

export function modelsIndex(
  router: Router,
  deployments: readonly DeploymentConfig[],
  created = Math.floor(Date.now() / 1000),
): Pick<OpenAIRouteDeps, 'modelsBody' | 'modelBodies'> {
  const ownerOf = new Map(deployments.map((d) => [d.modelName, d.family.name]));
  const data = router.modelNames().map((id) => ({ id, object: 'model', created, owned_by: ownerOf.get(id) ?? 'loopgate' }));
  return {
    modelsBody: JSON.stringify({ object: 'list', data }),
    modelBodies: new Map(data.map((model) => [model.id, JSON.stringify(model)])),
  };
}

export function listModels(deps: OpenAIRouteDeps, ctx: RequestContext): void {
  const caller = ctx.caller;
  if (caller?.kind !== 'virtual' || caller.key.models.length === 0) return sendJson(ctx, 200, deps.modelsBody);
  // A restricted key sees only the models it may use.
  const data = [...deps.modelBodies]
    .filter(([id]) => modelAllowed(caller.key.models, id))
    .map(([, body]) => JSON.parse(body) as unknown);
  sendJson(ctx, 200, JSON.stringify({ object: 'list', data }));
}

export function retrieveModel(deps: OpenAIRouteDeps, ctx: RequestContext, id: string): void {
  const body = deps.modelBodies.get(id);
  if (!body) throw new GatewayError('model_not_found', `The model "${id}" is not configured on this gateway.`, { param: 'model' });
  sendJson(ctx, 200, body);
}

export async function proxyOpenAI(deps: OpenAIRouteDeps, kind: EndpointKind, ctx: RequestContext): Promise<void> {
  const body = await readJsonObject(ctx.req);
  const model = body.model;
  if (typeof model !== 'string' || model === '') {
    throw new GatewayError('missing_field', 'The request needs a "model" string.', { param: 'model' });
  }
  const required = REQUIRED_FIELD[kind];
  if (body[required] === undefined || body[required] === null) {
    throw new GatewayError('missing_field', `The request needs a "${required}" field.`, { param: required });
  }
  ctx.model = model;
  const deployment = deps.router.pick(model);
  ctx.deployment = deployment;
  admit(ctx, model, deps.limiter, deps.accounting);
  if (deps.storeBodies) ctx.requestBody = JSON.stringify(body);
  const prepared = prepareOpenAIBody(kind, body, deployment.upstreamModel);
  ctx.stream = prepared.stream;

  const upstream = await callUpstream(deps.pools, {
    deployment,
    path: deployment.family.endpointPath(kind),
    headers: upstreamHeaders(ctx.req.headers, deployment.family.authHeaders(deployment.apiKey), ctx.id),
    body: prepared.body,
    stream: prepared.stream,
    signal: ctx.signal,
  });

  if (upstream.statusCode >= 400) return relayUpstreamError(ctx, upstream);
  const contentType = String(upstream.headers['content-type'] ?? '');
  if (prepared.stream && contentType.includes('text/event-stream')) {
    return relayStream(ctx, upstream, deployment, prepared.stripUsageChunk);
  }
  const text = await readUpstreamText(upstream, deployment);
  ctx.usage = usageFromOpenAIBody(text);
  if (deps.storeBodies) ctx.responseBody = text;
  sendJson(ctx, upstream.statusCode, text, clientHeadersFromUpstream(upstream.headers));
}

async function relayStream(
  ctx: RequestContext,
  upstream: Dispatcher.ResponseData,
  deployment: DeploymentConfig,
  stripUsageChunk: boolean,
): Promise<void> {
  const { res } = ctx;
  res.writeHead(upstream.statusCode, {
    ...clientHeadersFromUpstream(upstream.headers),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  const relay = new OpenAIStreamRelay(stripUsageChunk);
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      const out = relay.push(chunk);
      if (out.length > 0 && !res.write(out)) await drained(res);
      if (res.destroyed) return;
    }
    const tail = relay.end();
    if (tail) res.write(tail);
  } catch (error) {
    if (ctx.signal.aborted) return;
    // Headers are gone; the client learns of the failure as a final SSE error event.
    const failure = upstreamFailure(error, deployment);
    res.write(`data: ${openAIErrorBody(failure)}\n\n`);
  } finally {
    ctx.usage = relay.usage;
    res.end();
  }
}

/** Upstream errors keep their status; an OpenAI-shaped body passes unchanged, others are wrapped. */
async function relayUpstreamError(ctx: RequestContext, upstream: Dispatcher.ResponseData): Promise<void> {
  const text = await upstream.body.text().catch(() => '');
  const headers = clientHeadersFromUpstream(upstream.headers);
  if (hasOpenAIError(text)) return sendJson(ctx, upstream.statusCode, text, headers);
  const wrapped = new GatewayError(
    'upstream',
    `The upstream answered ${upstream.statusCode}${text ? `: ${text.slice(0, 500)}` : '.'}`,
    { status: upstream.statusCode },
  );
  sendJson(ctx, upstream.statusCode, openAIErrorBody(wrapped), headers);
}

async function readUpstreamText(upstream: Dispatcher.ResponseData, deployment: DeploymentConfig): Promise<string> {
  try {
    return await upstream.body.text();
  } catch (error) {
    throw upstreamFailure(error, deployment);
  }
}

function hasOpenAIError(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    return typeof parsed.error === 'object' && parsed.error !== null;
  } catch {
    return false;
  }
}
