// The routing tables the request path reads: the config's deployments and settings merged with
// the app's (services/effective-routing.ts). One Router serves the gateway's whole life; a
// change to deployments, providers or routing settings updates it in place, so cooldowns,
// latencies and in-flight counts survive the edit, and the response cache follows the settings.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Router, type RouterOptions } from '../../router/index.js';
import { compileRoutes, type CompiledRoutes } from '../../router/routes/index.js';
import type { EffectiveRouting } from '../../services/effective-routing.js';
import { ResponseCache } from './cache.js';
import { modelsIndex, type ModelsIndex } from './openai-models.js';

export class RoutingTable {
  readonly router: Router;
  readonly cache: ResponseCache;
  models!: ModelsIndex;
  /** The routes in force, compiled once per change. */
  routes!: CompiledRoutes;
  /** Configured names, so only they become metric labels. */
  configured!: ReadonlySet<string>;
  /** What the last rebuild merged: every deployment, and the settings in force. */
  current!: EffectiveRouting;
  /** A rebuild asked for but not yet reading the store: later asks share it. */
  private queued: Promise<void> | null = null;
  private previous: Promise<void> = Promise.resolve();

  private constructor(
    options: RouterOptions,
    private readonly load: () => Promise<EffectiveRouting>,
    first: EffectiveRouting,
  ) {
    this.router = new Router(first.input, options);
    this.cache = new ResponseCache(first.cache, options.clock);
    this.apply(first);
  }

  static async load(options: RouterOptions, load: () => Promise<EffectiveRouting>): Promise<RoutingTable> {
    return new RoutingTable(options, load, await load());
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
        this.apply(await this.load());
      });
    this.queued = rebuild;
    this.previous = rebuild.catch(() => undefined);
    return rebuild;
  }

  private apply(effective: EffectiveRouting): void {
    // Checked when saved and loaded: a route that does not compile fails the rebuild, which is logged.
    const routes = compileRoutes(effective.settings.routes);
    this.current = effective;
    this.routes = routes;
    this.router.update(effective.input);
    this.cache.configure(effective.cache);
    this.models = modelsIndex(this.router, effective.input.deployments);
    this.configured = new Set(this.router.modelNames());
  }
}
