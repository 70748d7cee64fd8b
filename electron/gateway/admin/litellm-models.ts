// LiteLLM's model management API over services/models.ts: /model/new, /model/update and
// /model/delete (master key only), /model/info, /v1/model/info and /model_group/info (any key;
// a virtual key sees only the models it may use, as LiteLLM does: tools such as Cline read
// these with the key they chat with). An adapter: LiteLLM's names in and out, every rule in
// services/. Secrets never leave: litellm_params carries no api_key or AWS credentials. Each
// deployment carries `model_info.version`; /model/update may name it (a stale one: 409 with
// the current model in `current`).
import type { DeploymentView, ModelGroupView } from '../../../shared/api.js';
import { GatewayError } from '../../core/errors.js';
import type { Services } from '../../services/index.js';
import { modelAllowed } from '../access/admission.js';
import { readJsonObject } from '../http/body.js';
import { sendObject, type RequestContext } from '../http/context.js';

const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

/** The set values only: LiteLLM omits what a deployment does not set. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
}

/** One deployment in LiteLLM's /model/info shape, plus Loopgate's version, source and live state. */
function deploymentToApi(deployment: DeploymentView, modelInfo: Record<string, unknown> = {}) {
  const { settings, live } = deployment;
  return {
    model_name: deployment.modelName,
    litellm_params: defined({
      model: `${deployment.provider}/${deployment.upstreamModel}`,
      api_base: deployment.apiBase,
      rpm: settings.rpm,
      tpm: settings.tpm,
      weight: settings.weight,
      order: settings.order,
      timeout: settings.timeoutSeconds,
      input_cost_per_token: settings.inputCostPerToken,
      output_cost_per_token: settings.outputCostPerToken,
      drop_params: settings.dropParams,
    }),
    model_info: {
      ...modelInfo,
      id: deployment.id,
      db_model: deployment.source === 'app',
      version: deployment.version,
      source: deployment.source,
      in_force: deployment.inForce,
      enabled: settings.enabled,
      provider_id: deployment.providerId,
      litellm_provider: deployment.provider,
      mode: typeof modelInfo.mode === 'string' ? modelInfo.mode : 'chat',
      input_cost_per_token: settings.inputCostPerToken,
      output_cost_per_token: settings.outputCostPerToken,
      state: live.state,
      cooling_until: iso(live.coolingUntil),
    },
  };
}

/** What LiteLLM's /model/new and /model/update answer: the stored row, its id as `model_id` (generated when none was given). */
function storedRow(deployment: DeploymentView) {
  return { model_id: deployment.id, ...deploymentToApi(deployment) };
}

const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const largest = (values: Array<number | null>): number | null => {
  const known = values.filter((value) => value !== null);
  return known.length > 0 ? Math.max(...known) : null;
};
const total = (values: Array<number | null>): number | null => (values.some((value) => value === null) ? null : values.reduce<number>((sum, value) => sum + value!, 0));

/** A model group in LiteLLM's /model_group/info shape, from its deployments in force. */
function groupToApi(group: ModelGroupView, infos: ReadonlyMap<string, Record<string, unknown>>) {
  const serving = group.deployments.filter((d) => d.inForce && d.settings.enabled);
  const info = (key: string) => serving.map((d) => number(infos.get(d.id)?.[key]));
  return {
    model_group: group.name,
    providers: [...new Set(serving.map((d) => d.provider))],
    max_input_tokens: largest(info('max_input_tokens')),
    max_output_tokens: largest(info('max_output_tokens')),
    input_cost_per_token: largest(serving.map((d) => d.settings.inputCostPerToken)),
    output_cost_per_token: largest(serving.map((d) => d.settings.outputCostPerToken)),
    mode: 'chat',
    tpm: total(serving.map((d) => d.settings.tpm)),
    rpm: total(serving.map((d) => d.settings.rpm)),
    source: group.source,
    aliases: group.aliases,
  };
}

/** A deployment named by a non-empty string field (`model_info.id`, or /model/delete's `id`). */
function idIn(fields: Record<string, unknown>, param: string): string {
  const id = fields.id;
  if (typeof id !== 'string' || id === '') throw new GatewayError('missing_field', `Name the deployment as "${param}".`, { param });
  return id;
}

/** /model/update names the deployment as `model_info.id`, and may name the version it read as `model_info.version`. */
function updateRef(body: Record<string, unknown>): { id: string; version: number | undefined } {
  const info = typeof body.model_info === 'object' && body.model_info !== null ? (body.model_info as Record<string, unknown>) : {};
  const version = info.version;
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1)) {
    throw new GatewayError('invalid_request', 'model_info.version: expected a whole number', { param: 'model_info.version' });
  }
  return { id: idIn(info, 'model_info.id'), version };
}

export class ModelManagementApi {
  constructor(private readonly services: Services) {}

  add(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const body = await readJsonObject(ctx.req);
      return storedRow(await this.services.models.addEntry(body));
    });
  }

  update(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const body = await readJsonObject(ctx.req);
      const { id, version } = updateRef(body);
      return storedRow(await this.services.models.updateEntry(id, version, { model_name: body.model_name, litellm_params: body.litellm_params }));
    });
  }

  delete(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const id = idIn(await readJsonObject(ctx.req), 'id');
      if (!(await this.services.models.remove(id))) throw new GatewayError('not_found', `No model with id ${id}.`, { param: 'id' });
      return { message: `Model ${id} deleted.`, id };
    });
  }

  /** `?litellm_model_id=` narrows to one deployment. A virtual key sees the deployments in force of the models it may use. */
  info(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const only = new URLSearchParams(ctx.search).get('litellm_model_id');
      const caller = ctx.caller;
      const data = (await this.services.models.described())
        .filter(({ deployment }) => only === null || deployment.id === only)
        .filter(({ deployment }) => caller?.kind === 'master' || (deployment.inForce && deployment.settings.enabled && caller?.kind === 'virtual' && modelAllowed(caller.key.models, deployment.modelName)))
        .map(({ deployment, modelInfo }) => deploymentToApi(deployment, modelInfo));
      return { data };
    });
  }

  /** `?model_group=` narrows to one group; only groups something can serve. */
  groupInfo(ctx: RequestContext): Promise<void> {
    return this.answer(ctx, async () => {
      const only = new URLSearchParams(ctx.search).get('model_group');
      const caller = ctx.caller;
      const infos = new Map((await this.services.models.described()).map(({ deployment, modelInfo }) => [deployment.id, modelInfo]));
      const data = (await this.services.models.groups())
        .filter((group) => only === null || group.name === only)
        .filter((group) => group.deployments.some((d) => d.inForce && d.settings.enabled))
        .filter((group) => caller?.kind === 'master' || (caller?.kind === 'virtual' && modelAllowed(caller.key.models, group.name)))
        .map((group) => groupToApi(group, infos));
      return { data };
    });
  }

  private async answer(ctx: RequestContext, work: () => Promise<unknown>): Promise<void> {
    let value: unknown;
    try {
      value = await work();
    } catch (error) {
      // A conflict carries the model as it now is, in the shape this API speaks.
      if (error instanceof GatewayError && error.code === 'conflict' && isDeploymentView(error.current)) {
        throw new GatewayError('conflict', error.message, { param: error.param, current: deploymentToApi(error.current) });
      }
      throw error;
    }
    sendObject(ctx, 200, value);
  }
}

function isDeploymentView(value: unknown): value is DeploymentView {
  return typeof value === 'object' && value !== null && 'settings' in value && 'upstreamModel' in value;
}
