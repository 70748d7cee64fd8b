// Models and routing: every routable deployment with its live state, deployments added and
// removed in the app (applied to routing before the call returns), the routing settings.
import { z } from 'zod';
import type { DeploymentView, RoutingView } from '../../shared/api.js';
import type { GatewayConfig } from '../config/index.js';
import { GatewayError } from '../core/errors.js';
import type { Store } from '../store/index.js';
import { randomBase62 } from '../store/secrets.js';
import type { LiveRouting } from './ports.js';
import type { ProviderService } from './providers.js';
import { parseInput } from './validation.js';

const addSchema = z.object({
  modelName: z.string().trim().min(1, 'Give the model the name your tools will ask for.'),
  providerId: z.string().min(1, 'Choose a provider.'),
  upstreamModel: z.string().trim().min(1, "Name the provider's model."),
});

export interface ModelServiceDeps {
  store: Store;
  config: GatewayConfig;
  routing: LiveRouting;
  providers: ProviderService;
  clock: () => number;
}

export class ModelService {
  constructor(private readonly deps: ModelServiceDeps) {}

  list(): DeploymentView[] {
    const { routing } = this.deps;
    const states = new Map(routing.health().map((health) => [health.id, health.state]));
    return routing.deployments().map((deployment) => ({
      id: deployment.id,
      modelName: deployment.modelName,
      provider: deployment.family,
      upstreamModel: deployment.upstreamModel,
      apiBase: deployment.apiBase.href,
      state: states.get(deployment.id) ?? 'healthy',
      readOnly: deployment.modelInfo.source !== 'store',
    }));
  }

  async add(input: z.input<typeof addSchema>): Promise<DeploymentView> {
    const valid = parseInput(addSchema, input);
    await this.deps.providers.get(valid.providerId);
    const created = await this.deps.store.deployments.create({ id: `dep_${randomBase62(12)}`, ...valid, createdAt: this.deps.clock() });
    await this.deps.routing.refresh();
    const view = this.list().find((deployment) => deployment.id === created.id);
    if (!view) throw new GatewayError('internal', 'The model was saved but could not be routed; check the provider.');
    return view;
  }

  async remove(id: string): Promise<boolean> {
    const deleted = await this.deps.store.deployments.delete(id);
    await this.deps.routing.refresh();
    return deleted;
  }

  routingSettings(): RoutingView {
    const { routing, cache } = this.deps.config;
    return {
      strategy: routing.strategy,
      numRetries: routing.numRetries,
      allowedFails: routing.allowedFails,
      cooldownSeconds: routing.cooldownMs / 1000,
      fallbacks: routing.fallbacks,
      cache: cache !== null,
    };
  }

  modelNames(): string[] {
    return this.deps.routing.modelNames();
  }
}
