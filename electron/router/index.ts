// Router owns turning a client's model name into the deployment that serves it: model groups, wildcard
// groups and aliases, the routing strategy, cooldowns, the fallback chains, and the attempt loop that
// retries and falls back (attempts.ts). One Router lives as long as the gateway: a routing change
// updates it in place, so what it has learnt about each deployment survives.
import type { DeploymentConfig } from '../core/deployment.js';
import { bySpecificity, compilePattern, fillWildcards, isPattern, matchPattern, type ModelPattern } from '../core/model-names.js';
import type { ModelGroupAlias, RouterSettings, RoutingInput } from '../core/routing.js';
import { GatewayError } from '../core/errors.js';
import type { AttemptFailure } from './failures.js';
import { KeyPools, type KeyHealth } from './key-pool.js';
import { DeploymentState, type DeploymentHealth } from './state.js';
import { STRATEGIES, type RandomSource, type StrategyContext } from './strategies.js';

export type { RandomSource } from './strategies.js';
export type { KeyHealth } from './key-pool.js';
export type { DeploymentHealth } from './state.js';

export type FallbackKind = 'general' | 'context_window' | 'content_policy';

/**
 * Told when this router cools a deployment or a pool's key down, or sees a deployment recover, so
 * other instances can follow (a Redis-backed one in the gateway); the router itself does no I/O.
 */
export interface CooldownObserver {
  cooled(deploymentId: string, untilMs: number): void;
  recovered(deploymentId: string): void;
  keyCooled(poolKeyFingerprint: string, untilMs: number, error: string | null): void;
}

export interface RouterOptions {
  random?: RandomSource;
  clock?: () => number;
  /** USD per token for cost-based routing; Infinity when unknown. */
  costPerToken?: (deployment: DeploymentConfig) => number;
  cooldowns?: CooldownObserver;
}

const NO_IDS: ReadonlySet<string> = new Set();

/**
 * LiteLLM's default allowed_fails. Set to anything else, LiteLLM counts failures against every
 * deployment, a group's only one included (cooldown_handlers.py, `_is_allowed_fails_set_on_router`).
 */
const LITELLM_DEFAULT_ALLOWED_FAILS = 3;

/** The deployments clients reach under one model_name; a name with `*` is a wildcard group. */
interface Group {
  readonly name: string;
  readonly states: DeploymentState[];
  readonly pattern: ModelPattern | null;
}

type WildcardGroup = Group & { readonly pattern: ModelPattern };

/** Where a name leads: a group (for a wildcard one, with what the `*`s matched) or one deployment by id. */
interface Target {
  states: readonly DeploymentState[];
  /** For a wildcard match: the chosen deployment as this request sees it, named as asked and its upstream model filled in. */
  fill: ((config: DeploymentConfig) => DeploymentConfig) | null;
}

export class Router {
  private routing!: RouterSettings;
  private groups = new Map<string, Group>();
  /** The wildcard groups, most specific first. */
  private patterns: WildcardGroup[] = [];
  /** The state of each deployment of the current input, by the config object requests carry. */
  private byConfig = new Map<DeploymentConfig, DeploymentState>();
  /** The same states by id, for requests that started before an update swapped the config objects. */
  private byId = new Map<string, DeploymentState>();
  private aliases: ReadonlyMap<string, ModelGroupAlias> = new Map();
  private readonly random: RandomSource;
  private readonly clock: () => number;
  private readonly strategyContext: Omit<StrategyContext, 'now'>;
  private readonly cooldowns: CooldownObserver | null;
  private readonly keyPools: KeyPools;

  constructor(config: RoutingInput, options: RouterOptions = {}) {
    this.cooldowns = options.cooldowns ?? null;
    this.keyPools = new KeyPools(this.cooldowns);
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
    const groups = new Map<string, Group>();
    const byConfig = new Map<DeploymentConfig, DeploymentState>();
    const byId = new Map<string, DeploymentState>();
    for (const deployment of input.deployments) {
      const prior = previous.get(deployment.id)?.shift();
      // Keys sent to another server start afresh there: what the old one refused or limited says nothing of the new one.
      if (prior && deployment.apiKeys && prior.config.apiBase.href !== deployment.apiBase.href) this.keyPools.forget(deployment.apiKeys);
      const state = prior?.reconfigure(deployment) ?? new DeploymentState(deployment);
      byConfig.set(deployment, state);
      if (!byId.has(deployment.id)) byId.set(deployment.id, state);
      const name = deployment.modelName;
      const group = groups.get(name);
      if (group) group.states.push(state);
      else groups.set(name, { name, states: [state], pattern: isPattern(name) ? compilePattern(name) : null });
    }
    this.groups = groups;
    this.patterns = bySpecificity([...groups.values()].filter((group): group is WildcardGroup => group.pattern !== null));
    this.byConfig = byConfig;
    this.byId = byId;
    this.aliases = new Map(Object.entries(input.modelGroupAlias));
    this.routing = input.routing;
    this.keyPools.retain(input.deployments.map((deployment) => deployment.apiKeys));
  }

  /** Every model name clients may ask for by name: each group (wildcard ones as written) and each alias, hidden ones too. */
  modelNames(): string[] {
    return [...this.groups.keys(), ...this.aliases.keys()];
  }

  /** What `/v1/models` lists: groups with a deployment enabled, and aliases not marked hidden. */
  listedNames(): string[] {
    const groups = [...this.groups.values()].filter((group) => group.states.some((state) => state.config.enabled)).map((group) => group.name);
    const aliases = [...this.aliases].filter(([, alias]) => !alias.hidden).map(([name]) => name);
    return [...groups, ...aliases];
  }

  /**
   * The model name a client's model means (an alias resolved); a clear 404 when nothing routes
   * it, naming the models `visible` lets this caller see.
   */
  resolve(model: string, visible: (name: string) => boolean = () => true): string {
    const name = this.aliases.get(model)?.model ?? model;
    if (!this.groups.has(name) && !matchPattern(this.patterns, name)) throw this.notFound(model, visible);
    return name;
  }

  /** Every deployment `name` may be served by, disabled ones too (what a budget prices a request at). */
  deploymentsOf(name: string): DeploymentConfig[] {
    const target = this.target(name);
    return target.states.map((state) => (target.fill ? target.fill(state.config) : state.config));
  }

  /**
   * Chooses a deployment for `name` (a group, an alias, a name a wildcard group matches, or a
   * deployment's id, which fallbacks may name) by the strategy, skipping disabled and cooling
   * ones and, when others remain, those whose id is in `avoid`. When every enabled deployment
   * is cooling: 429 with the earliest recovery. A wildcard match comes back with its upstream
   * model filled in, one with a key pool with the key this attempt uses (a deployment whose
   * every key is cooling counts as cooling).
   */
  choose(name: string, avoid: ReadonlySet<string> = NO_IDS): DeploymentConfig {
    const now = this.clock();
    const target = this.target(name);
    const enabled = target.states.filter((state) => state.config.enabled);
    if (enabled.length === 0) {
      throw new GatewayError('model_not_found', `Every deployment of "${name}" is disabled; enable one in Models & routing, or ask for another model.`, {
        param: 'model',
      });
    }
    // A deployment without credentials or without a provider Loopgate serves is listed, never chosen.
    const usable = enabled.filter((state) => state.config.unavailable === null);
    if (usable.length === 0) {
      const { code, message } = enabled[0]!.config.unavailable!;
      // Nothing changes until the config does: a client retrying (Claude Code retries a 401 for minutes) only delays the message.
      throw new GatewayError(code, message, { param: 'model', headers: { 'x-should-retry': 'false' } });
    }
    const available = usable.filter((state) => !state.isCooling(now) && state.headroomAt(now) <= now && this.keyPools.readyAt(state.config.apiKeys, now) <= now);
    if (available.length === 0) throw this.allBusy(name, usable, now);
    const fresh = avoid.size === 0 ? available : available.filter((state) => !avoid.has(state.config.id));
    const pool = fresh.length > 0 ? fresh : available;
    // Priority by `order`: the lowest tier that has anyone available.
    const lowestOrder = Math.min(...pool.map((state) => state.config.order ?? Number.POSITIVE_INFINITY));
    const tier = pool.filter((state) => (state.config.order ?? Number.POSITIVE_INFINITY) === lowestOrder);
    const chosen = STRATEGIES[this.settings.strategy](tier, { ...this.strategyContext, now }).config;
    const keyed = chosen.apiKeys ? { ...chosen, apiKey: this.keyPools.pick(chosen.apiKeys, now) } : chosen;
    return target.fill ? target.fill(keyed) : keyed;
  }

  /**
   * Fallbacks for `group` of a kind, in order: its own, else (for a name a wildcard group
   * matched) the wildcard group's; general fallbacks default to default_fallbacks.
   */
  fallbacks(group: string, kind: FallbackKind): string[] {
    const { fallbacks, contextWindowFallbacks, contentPolicyFallbacks, defaultFallbacks } = this.settings;
    const map = kind === 'context_window' ? contextWindowFallbacks : kind === 'content_policy' ? contentPolicyFallbacks : fallbacks;
    const wildcardGroup = this.groups.has(group) ? null : matchPattern(this.patterns, group)?.entry.name;
    // Own entries only: a client's model name may be "constructor".
    const own = (Object.hasOwn(map, group) ? map[group] : undefined) ?? (wildcardGroup && Object.hasOwn(map, wildcardGroup) ? map[wildcardGroup] : undefined);
    if (own) return own;
    return kind === 'general' ? defaultFallbacks.filter((name) => name !== group) : [];
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
    if (deployment.apiKeys && deployment.apiKey) this.keyPools.succeeded(deployment.apiKey);
  }

  /**
   * A 429's Retry-After cools the deployment for that long; too many failures a minute, for
   * cooldown_time. The only enabled deployment of its group is never cooled, as in LiteLLM:
   * its client gets the upstream's own error, not a 429 from Loopgate. Unless allowed_fails is
   * set to other than LiteLLM's default: then LiteLLM counts its failures like any other's.
   * A key of a pool that was rate limited, ran out of quota or was refused cools alone, not its deployment:
   * true then, when another key of the pool is ready for a new attempt.
   */
  failed(deployment: DeploymentConfig, failure: AttemptFailure): boolean {
    const state = this.state(deployment);
    const now = this.clock();
    if (deployment.apiKeys && deployment.apiKey && this.keyPools.cool(deployment.apiKey, failure, this.settings.cooldownMs, now)) {
      return this.keyPools.readyAt(deployment.apiKeys, now) <= now;
    }
    if (failure.kind === 'client' || !state) return false;
    const { allowedFails, cooldownMs } = this.settings;
    const tripped = state.failed(failure.describe(), now, allowedFails);
    const alone = this.isAlone(state);
    if (alone && allowedFails === LITELLM_DEFAULT_ALLOWED_FAILS) return false;
    const before = state.coolingUntil;
    if (!alone && failure.response?.status === 429 && failure.retryAfterMs !== null) state.coolFor(failure.retryAfterMs, now);
    else if (tripped) state.coolFor((alone ? failure.retryAfterMs : null) ?? cooldownMs, now);
    if (state.coolingUntil !== before) this.cooldowns?.cooled(state.config.id, state.coolingUntil);
    return false;
  }

  /** A passing health check ends a cooldown early. */
  recovered(deployment: DeploymentConfig): void {
    const state = this.state(deployment);
    if (!state) return;
    const wasCooling = state.isCooling(this.clock());
    state.recover();
    if (wasCooling) this.cooldowns?.recovered(state.config.id);
  }

  /** Another instance cooled this deployment down (until an epoch time); not told on again. */
  coolElsewhere(deploymentId: string, untilMs: number): void {
    const state = this.byId.get(deploymentId);
    if (state && untilMs > state.coolingUntil) state.coolingUntil = untilMs;
  }

  /** Another instance cooled a pool's key (by its fingerprint). */
  keyCooledElsewhere(fingerprint: string, untilMs: number, error: string | null): void {
    this.keyPools.cooledElsewhere(fingerprint, untilMs, error);
  }

  /** Another instance saw this deployment recover. */
  recoveredElsewhere(deploymentId: string): void {
    this.byId.get(deploymentId)?.recover();
  }

  health(): DeploymentHealth[] {
    const now = this.clock();
    return [...this.byConfig.values()].map((state) => state.health(now));
  }

  /** The state of each key of a pool, in its order. */
  keyHealth(pool: readonly string[]): KeyHealth[] {
    return this.keyPools.health(pool, this.clock());
  }

  deployments(): DeploymentConfig[] {
    return [...this.byConfig.keys()];
  }

  /**
   * Where a name leads: an alias's group, a group, a deployment by id (LiteLLM looks ids up
   * before wildcards, so `*` cannot swallow them), or the wildcard group that matches it.
   */
  private target(name: string): Target {
    const resolved = this.aliases.get(name)?.model ?? name;
    const group = this.groups.get(resolved);
    if (group) return { states: group.states, fill: null };
    const pinned = this.byId.get(resolved);
    if (pinned) return { states: [pinned], fill: null };
    const match = matchPattern(this.patterns, resolved);
    if (!match) throw this.notFound(name);
    return {
      states: match.entry.states,
      fill: (config) => ({ ...config, modelName: resolved, upstreamModel: fillWildcards(config.upstreamModel, match.captured, match.requested) }),
    };
  }

  private notFound(model: string, visible: (name: string) => boolean = () => true): GatewayError {
    return new GatewayError('model_not_found', `The model "${model}" is not configured on this gateway. Configured models: ${this.listedNames().filter(visible).join(', ') || '(none)'}.`, { param: 'model' });
  }

  /** The only enabled deployment of its group (LiteLLM's single-deployment model group). */
  private isAlone(state: DeploymentState): boolean {
    const group = this.groups.get(state.config.modelName);
    return (group?.states.filter((member) => member.config.enabled).length ?? 0) <= 1;
  }

  /** A deployment removed since the request started has no state; what is said about it is dropped. */
  private state(deployment: DeploymentConfig): DeploymentState | undefined {
    return this.byConfig.get(deployment) ?? this.byId.get(deployment.id);
  }

  private allBusy(group: string, states: DeploymentState[], now: number): GatewayError {
    const recovery = Math.min(...states.map((state) => Math.max(state.coolingUntil, state.headroomAt(now), this.keyPools.readyAt(state.config.apiKeys, now))));
    const seconds = Math.max(1, Math.ceil((recovery - now) / 1000));
    return new GatewayError('rate_limit', `Every deployment of "${group}" is cooling down or at its rate limit; try again in ${seconds}s.`, {
      headers: { 'retry-after': String(seconds) },
    });
  }
}
