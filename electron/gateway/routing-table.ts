// The routing tables the request path reads: the config's deployments plus those made in the
// GUI. Rebuilt whole when the stored ones change; a request holds the table it started with.
import { storedDeployment, type GatewayConfig } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import { Router, type RouterOptions } from '../router/index.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../core/logger.js';
import { modelsIndex, type ModelsIndex } from './models-routes.js';

export class RoutingTable {
  router!: Router;
  models!: ModelsIndex;
  /** Configured names, so only they become metric labels. */
  configured!: ReadonlySet<string>;

  constructor(
    private readonly config: GatewayConfig,
    private readonly options: RouterOptions,
    stored: DeploymentConfig[],
  ) {
    this.rebuild(stored);
  }

  rebuild(stored: DeploymentConfig[]): void {
    const deployments = [...this.config.deployments, ...stored];
    this.router = new Router({ ...this.config, deployments }, this.options);
    this.models = modelsIndex(this.router, deployments);
    this.configured = new Set(this.router.modelNames());
  }
}

/** GUI deployments with their provider's family, base URL and (decrypted) key. */
export async function loadStoredDeployments(store: Store, logger: Logger): Promise<DeploymentConfig[]> {
  const providers = new Map((await store.providers.list()).map((provider) => [provider.id, provider]));
  const out: DeploymentConfig[] = [];
  for (const deployment of await store.deployments.list()) {
    const provider = providers.get(deployment.providerId);
    if (!provider) continue;
    try {
      out.push(
        storedDeployment({
          id: deployment.id,
          modelName: deployment.modelName,
          family: provider.family,
          upstreamModel: deployment.upstreamModel,
          apiBase: provider.apiBase,
          apiKey: await store.providers.revealKey(provider.id),
        }),
      );
    } catch (error) {
      logger.log('warn', `Skipped deployment ${deployment.id}: ${(error as Error).message}`);
    }
  }
  return out;
}
