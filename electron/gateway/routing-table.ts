// The routing tables the request path reads: the config's deployments plus those made in the
// GUI. One Router serves the gateway's whole life; a change to the stored deployments updates
// it in place, so cooldowns, latencies and in-flight counts survive the edit.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { storedDeployment, type GatewayConfig } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import { Router, type RouterOptions } from '../router/index.js';
import type { Store } from '../store/index.js';
import type { Logger } from '../core/logger.js';
import { modelsIndex, type ModelsIndex } from './models-routes.js';

export class RoutingTable {
  readonly router: Router;
  models!: ModelsIndex;
  /** Configured names, so only they become metric labels. */
  configured!: ReadonlySet<string>;
  /** A rebuild asked for but not yet reading the store: later asks share it. */
  private queued: Promise<void> | null = null;
  private previous: Promise<void> = Promise.resolve();

  private constructor(
    private readonly config: GatewayConfig,
    options: RouterOptions,
    private readonly loadStored: () => Promise<DeploymentConfig[]>,
    stored: DeploymentConfig[],
  ) {
    this.router = new Router({ ...config, deployments: [] }, options);
    this.apply(stored);
  }

  static async load(config: GatewayConfig, options: RouterOptions, loadStored: () => Promise<DeploymentConfig[]>): Promise<RoutingTable> {
    return new RoutingTable(config, options, loadStored, await loadStored());
  }

  /**
   * Rebuilds from the store. Every call made before that rebuild starts reading shares it, so
   * the store's change event and the admin API's own refresh after a write cost one rebuild;
   * a call made while a rebuild is reading gets another one after it, so no change is missed.
   */
  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    const rebuild = this.previous
      .then(() => nextTurn())
      .then(async () => {
        this.queued = null;
        this.apply(await this.loadStored());
      });
    this.queued = rebuild;
    this.previous = rebuild.catch(() => undefined);
    return rebuild;
  }

  private apply(stored: DeploymentConfig[]): void {
    const deployments = [...this.config.deployments, ...stored];
    this.router.update({ ...this.config, deployments });
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
