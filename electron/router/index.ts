// Router owns turning a client's model name into the deployment that serves it: model groups
// and aliases, the routing strategy, cooldowns, and the fallback chains. Tables are built once
// from the config; choosing is a filter and one strategy call.
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

export class Router {
  readonly settings: RouterSettings;
  private readonly groups = new Map<string, DeploymentState[]>();
  private readonly states = new Map<DeploymentConfig, DeploymentState>();
  private readonly aliases: ReadonlyMap<string, string>;
  private readonly random: RandomSource;
  private readonly clock: () => number;
  private readonly strategyContext: Omit<StrategyContext, 'now'>;

  constructor(config: RoutingInput, options: RouterOptions = {}) {
    this.settings = config.routing;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? Date.now;
    this.aliases = new Map(Object.entries(config.modelGroupAlias));
    for (const deployment of config.deployments) {
      const state = new DeploymentState(deployment);
      this.states.set(deployment, state);
      const list = this.groups.get(deployment.modelName) ?? [];
      list.push(state);
      this.groups.set(deployment.modelName, list);
    }
    const cost = options.costPerToken ?? ((d: DeploymentConfig) => (d.inputCostPerToken ?? Infinity) + (d.outputCostPerToken ?? 0));
    this.strategyContext = { random: this.random, costPerToken: (state) => cost(state.config) };
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
   * remain, those in `avoid`. When every deployment is cooling: 429 with the earliest recovery.
   */
  choose(group: string, avoid: ReadonlySet<DeploymentConfig> = new Set()): DeploymentConfig {
    const now = this.clock();
    const all = this.groups.get(this.resolve(group))!;
    const available = all.filter((state) => !state.isCooling(now) && state.headroomAt(now) <= now);
    if (available.length === 0) throw this.allBusy(group, all, now);
    const fresh = available.filter((state) => !avoid.has(state.config));
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
    return [...this.states.values()].map((state) => ({
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
    return [...this.states.keys()];
  }

  /** A deployment from before a rebuild has no state here; what is said about it is dropped. */
  private state(deployment: DeploymentConfig): DeploymentState | undefined {
    return this.states.get(deployment);
  }

  private allBusy(group: string, states: DeploymentState[], now: number): GatewayError {
    const recovery = Math.min(...states.map((state) => Math.max(state.coolingUntil, state.headroomAt(now))));
    const seconds = Math.max(1, Math.ceil((recovery - now) / 1000));
    return new GatewayError('rate_limit', `Every deployment of "${group}" is cooling down or at its rate limit; try again in ${seconds}s.`, {
      headers: { 'retry-after': String(seconds) },
    });
  }
}
