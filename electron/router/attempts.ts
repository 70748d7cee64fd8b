// The attempt loop for one request: choose a deployment, let the caller try it, and on failure
// retry elsewhere in the group (jittered backoff), then fall back to other groups, telling the
// Router of every start, end, success and failure so cooldowns follow. Nothing here knows HTTP:
// the caller's attempt does the upstream call and says, by `commit()`, when the client starts
// hearing from it; from then on a failure is final.
import { ClientSignal } from '../core/client-signal.js';
import { setTimeout as delay } from 'node:timers/promises';
import type { DeploymentConfig } from '../core/deployment.js';
import { GatewayError } from '../core/errors.js';
import { AttemptFailure } from './failures.js';
import type { FallbackKind, RandomSource, Router } from './index.js';

const BACKOFF_BASE_MS = 250;
const BACKOFF_CAP_MS = 8_000;

/** Model groups a request names for a kind of fallback; a kind it leaves out (null) uses the routing settings'. */
export type RequestFallbacks = Partial<Record<FallbackKind, readonly string[] | null>>;

/** What one attempt is told about its place in the request. */
export interface AttemptTurn {
  /** Which attempt this is, counting from 1 across retries and fallbacks. */
  readonly number: number;
  /** Time spent waiting between attempts so far, not the gateway's own overhead. */
  readonly backoffMs: number;
  /** The model group this attempt serves: the one asked for, or a fallback. */
  readonly group: string;
  /** How it came about: the first try, a retry in the same group, or the first try in a fallback group. */
  readonly via: 'first' | 'retry' | 'fallback';
  /** For a fallback, its kind. */
  readonly fallbackKind: FallbackKind | null;
  /**
   * Called right before the first byte goes to the client: a failure after it is not retried,
   * and the attempt itself ends the response (a stream with the dialect's error event).
   */
  commit(): void;
}

/** What a successful attempt reports back for the Router's latency and tpm bookkeeping. */
export interface AttemptSuccess {
  latencyMs: number;
  tokens: number;
}

/** One try on one deployment; a failure before `commit()` is thrown as an AttemptFailure. */
export type Attempt<T extends AttemptSuccess> = (deployment: DeploymentConfig, turn: AttemptTurn) => Promise<T>;

export interface AttemptPlan {
  router: Router;
  /** The model group the client asked for (aliases already resolved). */
  group: string;
  /** The request's own fallbacks by kind (LiteLLM's request-level `fallbacks`), over the routing settings'. */
  fallbacks?: RequestFallbacks;
  /** The request's own retries per group (LiteLLM's request-level `num_retries`), over the routing settings'. */
  numRetries?: number | null;
  /** The client's signal: once it aborts, no further attempt starts. */
  signal: AbortSignal | ClientSignal;
  /** Jitter for the backoff. */
  random: RandomSource;
  /** Told of each failed attempt, for the log. */
  onFailure?: (deployment: DeploymentConfig, failure: AttemptFailure, attempt: number) => void;
  /** Waits out a backoff (resolving early on abort); a test can make it instant. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

interface AttemptsSpent {
  attempts: number;
  /** The deployment tried last (the one that served, on success); null when none could be chosen. */
  deployment: DeploymentConfig | null;
  backoffMs: number;
}

export type AttemptOutcome<T> = AttemptsSpent &
  (
    | { status: 'served'; value: T }
    /** Nothing has reached the client yet: the caller answers with this failure. */
    | { status: 'failed'; failure: AttemptFailure }
    /** Nothing more to say: the client went away, or the failing attempt had already committed. */
    | { status: 'abandoned' }
  );

/** Attempts deployments until one serves: retries within the group, then fallback groups. */
export async function runAttempts<T extends AttemptSuccess>(plan: AttemptPlan, attempt: Attempt<T>): Promise<AttemptOutcome<T>> {
  const { router, signal } = plan;
  const route = new FallbackRoute(router, plan.group, plan.fallbacks ?? {}, plan.numRetries ?? null);
  const sleep = plan.sleep ?? sleepUnlessAborted;
  const spent: AttemptsSpent = { attempts: 0, deployment: null, backoffMs: 0 };
  let last: AttemptFailure | null = null;
  // Attempts again on another key of the same deployment's pool, each after a key cooled: at most one per key.
  let keySwitches = 0;
  const failed = (failure: AttemptFailure): AttemptOutcome<T> => ({ ...spent, status: 'failed', failure });
  const abandoned = (): AttemptOutcome<T> => ({ ...spent, status: 'abandoned' });

  for (;;) {
    let deployment: DeploymentConfig;
    try {
      deployment = router.choose(route.group, route.avoid);
    } catch (busy) {
      if (!(busy instanceof GatewayError)) throw busy;
      // Every deployment is cooling (or the group is gone): fall back if configured, else say what happened.
      if (route.fallBack('general')) continue;
      return failed(last ?? AttemptFailure.fromError(busy));
    }
    spent.attempts++;
    spent.deployment = deployment;
    let committed = false;
    const turn: AttemptTurn = {
      number: spent.attempts,
      backoffMs: spent.backoffMs,
      group: route.group,
      via: route.via,
      fallbackKind: route.via === 'fallback' ? route.fallbackKind : null,
      commit: () => {
        committed = true;
      },
    };
    let failure: AttemptFailure;
    router.started(deployment);
    try {
      const value = await attempt(deployment, turn);
      router.succeeded(deployment, value.latencyMs, value.tokens);
      return { ...spent, status: 'served', value };
    } catch (error) {
      if (!(error instanceof AttemptFailure)) throw error;
      failure = error;
    } finally {
      router.ended(deployment);
    }

    // A client that hung up says nothing about the deployment.
    const otherKey = !signal.aborted && router.failed(deployment, failure);
    plan.onFailure?.(deployment, failure, spent.attempts);
    if (committed || signal.aborted) return abandoned();
    last = failure;
    // A pool's key that was limited cooled alone: the next key takes the request at once, no retry spent.
    if (otherKey && keySwitches < (deployment.apiKeys?.length ?? 1) - 1) {
      keySwitches++;
      if (route.via === 'first') route.via = 'retry';
      continue;
    }
    route.avoid.add(deployment.id);
    if (failure.kind === 'client') return failed(failure);
    if (failure.kind !== 'retryable') {
      if (route.fallBack(failure.kind)) continue;
      return failed(failure);
    }
    if (route.retriesLeft > 0) {
      route.retriesLeft--;
      route.via = 'retry';
      const wait = backoffMs(spent.attempts, router.settings.retryAfterMs, plan.random);
      spent.backoffMs += wait;
      await sleep(wait, signal instanceof ClientSignal ? signal.toAbortSignal() : signal);
      if (signal.aborted) return abandoned();
      continue;
    }
    if (!route.fallBack('general')) return failed(failure);
  }
}

/** Where the loop stands: the group being tried, its retries left, and the fallbacks used up. */
class FallbackRoute {
  group: string;
  retriesLeft: number;
  /** Deployments that failed in the current group; chosen again only when nothing else is left. */
  readonly avoid = new Set<string>();
  /** How the next attempt comes about. */
  via: AttemptTurn['via'] = 'first';
  fallbackKind: FallbackKind | null = null;
  private readonly tried: Set<string>;
  private fallbacksUsed = 0;

  constructor(
    private readonly router: Router,
    private readonly original: string,
    private readonly requested: RequestFallbacks,
    private readonly numRetries: number | null,
  ) {
    this.group = original;
    this.tried = new Set([original]);
    this.retriesLeft = numRetries ?? router.settings.numRetries;
  }

  /** Moves to the next untried fallback group of this kind; false when there is none left. */
  fallBack(kind: FallbackKind): boolean {
    const { maxFallbacks } = this.router.settings;
    const numRetries = this.numRetries ?? this.router.settings.numRetries;
    if (this.fallbacksUsed >= maxFallbacks) return false;
    const next = (this.requested[kind] ?? this.router.fallbacks(this.original, kind)).find((name) => !this.tried.has(name));
    if (next === undefined) return false;
    this.tried.add(next);
    this.fallbacksUsed++;
    this.group = next;
    this.via = 'fallback';
    this.fallbackKind = kind;
    this.retriesLeft = numRetries;
    this.avoid.clear();
    return true;
  }
}

/** Exponential backoff with full jitter, at least LiteLLM's retry_after. */
function backoffMs(attempt: number, minimumMs: number, random: RandomSource): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.max(minimumMs, Math.round(ceiling * (0.5 + random() / 2)));
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}
