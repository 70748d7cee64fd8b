// LiteLLM's management and model-info paths (no /v1 prefix but for the model info LiteLLM also
// serves under /v1): keys, spend and models change with the master key only; what is configured
// any key may read (a virtual key sees only the models it may use, and only itself).
import type { RoutingService } from '../../services/routing.js';
import { readJsonObject } from '../http/body.js';
import { decodePathPart, sendObject } from '../http/context.js';
import type { Route } from '../http/routes.js';
import type { ManagementApi } from './litellm-keys.js';
import type { ModelManagementApi } from './litellm-models.js';

export interface LiteLlmDeps {
  keys: ManagementApi;
  models: ModelManagementApi;
  routing: RoutingService;
}

type Handle = Route<LiteLlmDeps>['handle'];

function master(method: string, path: string | RegExp, handle: Handle): Route<LiteLlmDeps> {
  return { method, path, access: 'master-key', errors: 'litellm', pausable: false, handle };
}

function anyKey(method: string, path: string, handle: Handle, v1Optional = false): Route<LiteLlmDeps> {
  return { method, path, v1Optional, access: 'any-key', errors: 'litellm', pausable: false, handle };
}

export const LITELLM_ROUTES: readonly Route<LiteLlmDeps>[] = [
  master('POST', '/key/generate', (ctx, { keys }) => keys.generate(ctx)),
  master('POST', '/key/update', (ctx, { keys }) => keys.update(ctx)),
  master('POST', '/key/delete', (ctx, { keys }) => keys.delete(ctx)),
  master('GET', '/key/list', (ctx, { keys }) => keys.list(ctx)),
  master('POST', '/key/block', (ctx, { keys }) => keys.setBlocked(ctx, true)),
  master('POST', '/key/unblock', (ctx, { keys }) => keys.setBlocked(ctx, false)),
  master('POST', '/key/regenerate', (ctx, { keys }) => keys.regenerate(ctx, null)),
  master('POST', /^\/key\/([^/]+)\/regenerate$/, (ctx, { keys }, [id]) => keys.regenerate(ctx, decodePathPart(id!, 'key'))),
  master('POST', '/v2/key/info', (ctx, { keys }) => keys.infoMany(ctx)),
  master('GET', '/spend/logs', (ctx, { keys }) => keys.spendLogs(ctx)),
  master('GET', '/global/spend', (ctx, { keys }) => keys.globalSpend(ctx)),
  master('GET', '/global/spend/keys', (ctx, { keys }) => keys.globalSpendKeys(ctx)),
  master('POST', '/model/new', (ctx, { models }) => models.add(ctx)),
  master('POST', '/model/update', (ctx, { models }) => models.update(ctx)),
  master('POST', '/model/delete', (ctx, { models }) => models.delete(ctx)),
  // Tools ask what is configured with the key they chat with.
  anyKey('GET', '/model/info', (ctx, { models }) => models.info(ctx), true),
  anyKey('GET', '/model_group/info', (ctx, { models }) => models.groupInfo(ctx), true),
  // A virtual key may ask about itself (scripts check their own budget that way); the master key about any.
  anyKey('GET', '/key/info', (ctx, { keys }) => keys.info(ctx)),
  anyKey('POST', '/key/health', (ctx, { keys }) => keys.health(ctx)),
  // Loopgate's own: which route a request would take and why (routing.explain, docs/routing.md).
  master('POST', '/loopgate/routes/explain', async (ctx, { routing }) => sendObject(ctx, 200, await routing.explain(await readJsonObject(ctx.req)))),
];
