// The management API, master key only, in LiteLLM's shapes so existing scripts keep working:
// /key/generate, /key/info, /key/update, /key/delete, /key/list, /key/block, /key/unblock,
// /key/regenerate, /spend/logs. An adapter: LiteLLM's snake_case names in, the services'
// camelCase out and back; every rule lives in services/.
import { GatewayError } from '../../core/errors.js';
import { hashKey } from '../../services/key-secrets.js';
import type { Services } from '../../services/index.js';
import type { RequestLogEntry, SpendLogQuery } from '../../store/request-log.js';
import { WrongKeyError } from '../access/auth-throttle.js';
import { readJsonObject } from '../http/body.js';
import { sendObject, type RequestContext } from '../http/context.js';
import { dateParam, inLiteLLMTerms, keyList, keyRef, keyToApi, logToApi, positiveInt, toPatch } from './litellm-wire.js';

export class ManagementApi {
  constructor(private readonly services: Services) {}

  generate(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const body = await readJsonObject(ctx.req);
      // `key`: a secret the caller chose (moving keys over from LiteLLM); kept only as its hash, like ours.
      const secret = body.key === undefined || body.key === null ? {} : { secret: body.key };
      const created = await this.services.keys.create(toPatch(body), { ...secret, createdBy: 'master key' });
      // The only time the secret is ever shown.
      return { key: created.secret, ...keyToApi(created.key) };
    });
  }

  /**
   * `?key=` names a key; without it, the calling virtual key answers for itself. A virtual key
   * sees only itself: any other name, of a key that exists or not, gets the same 403 and counts
   * as a wrong-key guess (nothing is looked up, so nothing tells the two apart).
   */
  info(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const ref = new URLSearchParams(ctx.search).get('key');
      const caller = ctx.caller;
      const own = caller?.kind === 'virtual' ? caller.key : null;
      if (!ref && own === null) throw new GatewayError('missing_field', 'Pass the key (or its token) as ?key=..., or call with the virtual key itself.', { param: 'key' });
      if (own !== null && ref && ref !== own.id && hashKey(ref) !== own.keyHash) {
        throw new WrongKeyError('A virtual key may only read its own info.', 'permission', 'key');
      }
      const { key, today } = await this.services.keys.info(ref || own!.id);
      return { key: key.id, info: keyToApi(key, today) };
    });
  }

  /** LiteLLM's POST /v2/key/info: `{"keys": [...]}` → every key's info. */
  infoMany(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const refs = keyList(await readJsonObject(ctx.req), 'keys');
      const infos = [];
      for (const ref of refs) {
        const { key, today } = await this.services.keys.info(ref);
        infos.push(keyToApi(key, today));
      }
      return { key: refs, info: infos };
    });
  }

  /** LiteLLM's POST /key/health: whether the calling key works. Loopgate has no logging callbacks to check. */
  health(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, () => Promise.resolve({ key: 'healthy', logging_callbacks: null }));
  }

  update(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const body = await readJsonObject(ctx.req);
      const ref = keyRef(body);
      const key = await this.services.keys.find(ref.key!);
      return keyToApi(await this.services.keys.update(key.id, ref.version, toPatch(body)));
    });
  }

  setBlocked(ctx: RequestContext, blocked: boolean): Promise<void> {
    return this.answer(ctx, async () => {
      const ref = keyRef(await readJsonObject(ctx.req));
      const key = await this.services.keys.find(ref.key!);
      return keyToApi(await this.services.keys.setActive(key.id, !blocked, ref.version));
    });
  }

  regenerate(ctx: RequestContext, pathKey: string | null): Promise<void> {
    return this.answer(ctx, async () => {
      const body = await readJsonObject(ctx.req).catch((): Record<string, unknown> => ({}));
      const ref = keyRef(body, pathKey === null);
      const key = await this.services.keys.find(pathKey ?? ref.key!);
      // Fields sent along (budget, alias, ...) apply to the regenerated key, as in LiteLLM.
      const regenerated = await this.services.keys.regenerate(key.id, ref.version, toPatch(body));
      return { key: regenerated.secret, ...keyToApi(regenerated.key) };
    });
  }

  /** `{"keys": [...]}` (secrets or tokens) and/or `{"key_aliases": [...]}`, as LiteLLM takes them. */
  delete(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const body = await readJsonObject(ctx.req);
      if (body.keys === undefined && body.key_aliases === undefined) {
        throw new GatewayError('invalid_request', 'keys: expected a list of keys (secrets or tokens), or key_aliases', { param: 'keys' });
      }
      const ids = new Set<string>();
      if (body.keys !== undefined) for (const ref of keyList(body, 'keys')) ids.add((await this.services.keys.find(ref)).id);
      if (body.key_aliases !== undefined) {
        for (const alias of keyList(body, 'key_aliases')) {
          const found = await this.services.keys.findByAlias(alias);
          if (found.length === 0) throw new GatewayError('not_found', `key_aliases: no key has the alias "${alias}"`, { param: 'key_aliases' });
          for (const key of found) ids.add(key.id);
        }
      }
      return { deleted_keys: await this.services.keys.delete([...ids]) };
    });
  }

  list(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const query = new URLSearchParams(ctx.search);
      const page = positiveInt(query.get('page'), 1, 'page');
      const size = Math.min(positiveInt(query.get('size'), 10, 'size'), 100);
      const status = query.get('status');
      if (status !== null && !['active', 'revoked', 'expired'].includes(status)) {
        throw new GatewayError('invalid_request', 'status must be one of active, revoked, expired', { param: 'status' });
      }
      const filter = (name: string): string | undefined => query.get(name) || undefined;
      const { keys, total } = await this.services.keys.list({
        page,
        size,
        status: (status ?? undefined) as 'active' | 'revoked' | 'expired' | undefined,
        userId: filter('user_id'),
        teamId: filter('team_id'),
        keyAlias: filter('key_alias'),
      });
      const full = query.get('return_full_object') === 'true';
      return {
        keys: full ? keys.map((key) => keyToApi(key)) : keys.map((key) => key.id),
        total_count: total,
        current_page: page,
        total_pages: Math.ceil(total / size),
      };
    });
  }

  /** `api_key`, `user_id`, `request_id`, `model`, `session_id`, `start_date`, `end_date`, `limit`; rows in LiteLLM's SpendLogs names. */
  spendLogs(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const query = new URLSearchParams(ctx.search);
      const apiKey = query.get('api_key');
      const userId = query.get('user_id');
      const requestId = query.get('request_id');
      const start = query.get('start_date');
      const end = query.get('end_date');
      const limit = Math.min(positiveInt(query.get('limit'), 100, 'limit'), 1000);
      const filter = {
        id: requestId || undefined,
        model: query.get('model') || undefined,
        session: query.get('session_id') || undefined,
        start: start ? dateParam(start, 'start_date') : undefined,
        end: end ? dateParam(end, 'end_date', true) : undefined,
      };
      let keyIds: Array<string | undefined> = [apiKey ? (await this.services.keys.find(apiKey)).id : undefined];
      if (userId) {
        const owned = (await this.services.keys.list({ userId, page: 1, size: 100 })).keys.map((key) => key.id);
        keyIds = keyIds[0] === undefined ? owned : owned.filter((id) => id === keyIds[0]);
      }
      const find = async (by: Omit<SpendLogQuery, 'limit'>): Promise<RequestLogEntry[]> =>
        (await Promise.all(keyIds.map((keyId) => this.services.usage.entries({ ...by, keyId, limit }))))
          .flat()
          .sort((a, b) => b.time - a.time)
          .slice(0, limit);
      let rows = await find(filter);
      // LiteLLM's request_id is the answer's own id (chatcmpl-…); Loopgate's x-request-id finds a row too.
      if (requestId && rows.length === 0) rows = await find({ ...filter, id: undefined, responseId: requestId });
      const deployments = new Map(this.services.models.liveDeployments().map((d) => [d.id, d.apiBase.origin + d.apiBase.pathname.replace(/\/+$/, '')]));
      const users = new Map<string, string | null>();
      for (const id of new Set(rows.map((row) => row.keyId).filter((id): id is string => id !== null))) {
        users.set(id, (await this.services.keys.find(id).catch(() => null))?.userId ?? null);
      }
      return rows.map((row) =>
        logToApi(
          row,
          (id) => (id === null ? null : (deployments.get(id) ?? null)),
          (id) => (id === null ? null : (users.get(id) ?? null)),
        ),
      );
    });
  }

  /** LiteLLM's GET /global/spend: everything spent, every key and the master key. */
  globalSpend(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const spend = [...(await this.services.keys.spendByKey()).values()].reduce((sum, cost) => sum + cost, 0);
      return { spend, max_budget: null };
    });
  }

  /** LiteLLM's GET /global/spend/keys?limit=: the keys that spent most, most first. */
  globalSpendKeys(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const limit = positiveInt(new URLSearchParams(ctx.search).get('limit'), 100, 'limit');
      const byKey = [...(await this.services.keys.spendByKey())]
        .filter(([id]) => id !== '')
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit);
      const rows = [];
      for (const [id, spend] of byKey) {
        const key = await this.services.keys.find(id).catch(() => null);
        rows.push({ api_key: id, total_spend: spend, key_alias: key?.keyAlias ?? null, key_name: key ? `${key.keyPrefix}...` : null });
      }
      return rows;
    });
  }

  private async answer(ctx: RequestContext, work: () => Promise<unknown>): Promise<void> {
    let value: unknown;
    try {
      value = await work();
    } catch (error) {
      throw inLiteLLMTerms(error);
    }
    sendObject(ctx, 200, value);
  }
}
