// Router owns turning a client's model name into the deployment that serves it: model groups
// and aliases, the routing strategy, cooldowns, the fallback chains, and the attempt loop that
// retries and falls back (attempts.ts). One Router lives as long as the gateway: a routing
// change updates it in place, so what it has learnt about each deployment survives.
import type { DeploymentConfig } from '../core/deployment.js';
import type { RouterSettings, RoutingInput } from '../core/routing.js';
import { GatewayError } from '../core/errors.js';
import type { AttemptFailure } from './failures.js';
import { DeploymentState } from './state.js';
import { STRATEGIES, type RandomSource, type StrategyContext } from './strategies.js';

export type { RandomSource } from './strategies.js';

export type FallbackKind = 'general' | 'context_window' | 'content_policy';

export interface DeploymentHealth {
  id: string;
  model_name: string;
  provider: string;
  api_base: string;
  state: 'healthy' | 'cooling';
  cooling_until: string | null;
  last_error: string | null;
  last_error_at: string | null;
  in_flight: number;
  latency_ms: number | null;
}

export interface RouterOptions {
  random?: RandomSource;
  clock?: () => number;
  /** USD per token for cost-based routing; Infinity when unknown. */
  costPerToken?: (deployment: DeploymentConfig) => number;
}

const NO_IDS: ReadonlySet<string> = new Set();

export class Router {
  private routing!: RouterSettings;
  private groups = new Map<string, DeploymentState[]>();
  /** The state of each deployment of the current input, by the config object requests carry. */
  private byConfig = new Map<DeploymentConfig, DeploymentState>();
  /** The same states by id, for requests that started before an update swapped the config objects. */
  private byId = new Map<string, DeploymentState>();
  private aliases: ReadonlyMap<string, string> = new Map();
  private readonly random: RandomSource;
  private readonly clock: () => number;
  private readonly strategyContext: Omit<StrategyContext, 'now'>;

  constructor(config: RoutingInput, options: RouterOptions = {}) {
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? Date.now;
    const cost = options.costPerToken ?? ((d: DeploymentConfig) => (d.inputCostPerToken ?? Infinity) + (d.outputCostPerToken ?? 0));
    this.strategyContext = { random: this.random, costPerToken: (state) => cost(state.config) };
    this.update(config);
  }

  get settings(): RouterSettings {
    return this.routing;
  }

  /**
   * Takes a new routing input in place: a deployment whose id is still there keeps its state
   * (cooldown, failures, latency, in-flight count, rpm/tpm windows) under its new config; a
   * removed one is dropped; groups, aliases and settings are rebuilt.
   */
  update(input: RoutingInput): void {
    // Ids repeat only in a hand-written config; repeated ones are matched in order.
    const previous = new Map<string, DeploymentState[]>();
    for (const state of this.byConfig.values()) {
      const same = previous.get(state.config.id);
      if (same) same.push(state);
      else previous.set(state.config.id, [state]);
    }
    const groups = new Map<string, DeploymentState[]>();
    const byConfig = new Map<DeploymentConfig, DeploymentState>();
    const byId = new Map<string, DeploymentState>();
    for (const deployment of input.deployments) {
      const state = previous.get(deployment.id)?.shift()?.reconfigure(deployment) ?? new DeploymentState(deployment);
      byConfig.set(deployment, state);
      if (!byId.has(deployment.id)) byId.set(deployment.id, state);
      const group = groups.get(deployment.modelName);
      if (group) group.push(state);
      else groups.set(deployment.modelName, [state]);
    }
    this.groups = groups;
    this.byConfig = byConfig;
    this.byId = byId;
    this.aliases = new Map(Object.entries(input.modelGroupAlias).map(([alias, target]) => [alias, target.model]));
    this.routing = input.routing;
  }

  /** Model names clients may ask for: every group and every alias. */
  modelNames(): string[] {
    return [...this.groups.keys(), ...this.aliases.keys()];
  }

  has(model: string): boolean {
    return this.groups.has(this.aliases.get(model) ?? model);
  }

  /** The group a client's model name means; a clear 404 when there is none. */
  resolve(model: string): string {
    const group = this.aliases.get(model) ?? model;
    if (!this.groups.has(group)) {
      throw new GatewayError(
        'model_not_found',
        `The model "${model}" is not configured on this gateway. Configured models: ${this.modelNames().join(', ') || '(none)'}.`,
        { param: 'model' },
      );
    }
    return group;
  }

  /**
   * Chooses a deployment of `group` by the strategy, skipping cooling ones and, when others
   * remain, those whose id is in `avoid`. When every deployment is cooling: 429 with the
   * earliest recovery.
   */
  choose(group: string, avoid: ReadonlySet<string> = NO_IDS): DeploymentConfig {
    const now = this.clock();
    const all = this.groups.get(this.resolve(group))!;
    const available = all.filter((state) => !state.isCooling(now) && state.headroomAt(now) <= now);
    if (available.length === 0) throw this.allBusy(group, all, now);
    const fresh = avoid.size === 0 ? available : available.filter((state) => !avoid.has(state.config.id));
    const pool = fresh.length > 0 ? fresh : available;
    // Priority by `order`: the lowest tier that has anyone available.
    const lowestOrder = Math.min(...pool.map((state) => state.config.order ?? Number.POSITIVE_INFINITY));
    const tier = pool.filter((state) => (state.config.order ?? Number.POSITIVE_INFINITY) === lowestOrder);
    return STRATEGIES[this.settings.strategy](tier, { ...this.strategyContext, now }).config;
  }

  /** Fallback groups for `group` of a kind, in order; general fallbacks default to default_fallbacks. */
  fallbacks(group: string, kind: FallbackKind): string[] {
    const { fallbacks, contextWindowFallbacks, contentPolicyFallbacks, defaultFallbacks } = this.settings;
    if (kind === 'context_window') return contextWindowFallbacks[group] ?? [];
    if (kind === 'content_policy') return contentPolicyFallbacks[group] ?? [];
    return fallbacks[group] ?? defaultFallbacks.filter((name) => name !== group);
  }

  started(deployment: DeploymentConfig): void {
    this.state(deployment)?.started(this.clock());
  }

  ended(deployment: DeploymentConfig): void {
    this.state(deployment)?.ended();
  }

  succeeded(deployment: DeploymentConfig, latencyMs: number, tokens: number): void {
    const state = this.state(deployment);
    if (!state) return;
    state.succeeded(latencyMs, tokens, this.clock());
    state.lastError = null;
  }

  /** A 429's Retry-After cools the deployment for that long; too many failures a minute, for cooldown_time. */
  failed(deployment: DeploymentConfig, failure: AttemptFailure): void {
    const state = this.state(deployment);
    if (failure.kind === 'client' || !state) return;
    const now = this.clock();
    const tripped = state.failed(failure.describe(), now, this.settings.allowedFails);
    if (failure.response?.status === 429 && failure.retryAfterMs !== null) state.coolFor(failure.retryAfterMs, now);
    else if (tripped) state.coolFor(this.settings.cooldownMs, now);
  }

  /** A passing health check ends a cooldown early. */
  recovered(deployment: DeploymentConfig): void {
    this.state(deployment)?.recover();
  }

  health(): DeploymentHealth[] {
    const now = this.clock();
    return [...this.byConfig.values()].map((state) => ({
      id: state.config.id,
      model_name: state.config.modelName,
      provider: state.config.family,
      api_base: state.config.apiBase.origin,
      state: state.isCooling(now) ? 'cooling' : 'healthy',
      cooling_until: state.isCooling(now) ? new Date(state.coolingUntil).toISOString() : null,
      last_error: state.lastError?.message ?? null,
      last_error_at: state.lastError ? new Date(state.lastError.at).toISOString() : null,
      in_flight: state.inFlight,
      latency_ms: state.latencyMs === null ? null : Math.round(state.latencyMs),
    }));
  }

  deployments(): DeploymentConfig[] {
    return [...this.byConfig.keys()];
  }

  /** A deployment removed since the request started has no state; what is said about it is dropped. */
  private state(deployment: DeploymentConfig): DeploymentState | undefined {
    return this.byConfig.get(deployment) ?? this.byId.get(deployment.id);
  }

  private allBusy(group: string, states: DeploymentState[], now: number): GatewayError {
    const recovery = Math.min(...states.map((state) => Math.max(state.coolingUntil, state.headroomAt(now))));
    const seconds = Math.max(1, Math.ceil((recovery - now) / 1000));
    return new GatewayError('rate_limit', `Every deployment of "${group}" is cooling down or at its rate limit; try again in ${seconds}s.`, {
      headers: { 'retry-after': String(seconds) },
    });
  }
}
