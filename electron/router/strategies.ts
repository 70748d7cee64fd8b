// LiteLLM's routing strategies, each choosing one deployment among those available.
import type { RoutingStrategy } from '../../shared/routing.js';
import type { DeploymentState } from './state.js';

export type RandomSource = () => number;

export interface StrategyContext {
  random: RandomSource;
  now: number;
  /** USD per token (input + output) for cost-based routing; Infinity when unknown. */
  costPerToken: (state: DeploymentState) => number;
}

type Strategy = (candidates: DeploymentState[], ctx: StrategyContext) => DeploymentState;

function pickRandom(candidates: DeploymentState[], random: RandomSource): DeploymentState {
  return candidates[Math.min(candidates.length - 1, Math.floor(random() * candidates.length))]!;
}

/** The candidates tied for the lowest score, one of them at random. */
function lowest(candidates: DeploymentState[], score: (state: DeploymentState) => number, random: RandomSource): DeploymentState {
  const best = Math.min(...candidates.map(score));
  return pickRandom(
    candidates.filter((state) => score(state) === best),
    random,
  );
}

// Weighted by `weight`, else `rpm`, else `tpm`, else equally.
const simpleShuffle: Strategy = (candidates, { random }) => {
  const configs = candidates.map((state) => state.config);
  const weightOf = configs.some((c) => c.weight !== null)
    ? (i: number) => configs[i]!.weight ?? 1
    : configs.some((c) => c.rpm !== null)
      ? (i: number) => configs[i]!.rpm ?? 0
      : configs.some((c) => c.tpm !== null)
        ? (i: number) => configs[i]!.tpm ?? 0
        : () => 1;
  const weights = candidates.map((_, i) => weightOf(i));
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total <= 0) return pickRandom(candidates, random);
  let target = random() * total;
  for (const [i, weight] of weights.entries()) {
    if (target < weight) return candidates[i]!;
    target -= weight;
  }
  return candidates.at(-1)!;
};

const leastBusy: Strategy = (candidates, { random }) => lowest(candidates, (state) => state.inFlight, random);

// Deployments never measured are tried first, so every one gets a latency.
const latencyBased: Strategy = (candidates, { random }) => {
  const unmeasured = candidates.filter((state) => state.latencyMs === null);
  if (unmeasured.length > 0) return pickRandom(unmeasured, random);
  return lowest(candidates, (state) => Math.round(state.latencyMs!), random);
};

// The most headroom: fewest tokens used this minute (rpm/tpm limits are filtered out before).
const usageBased: Strategy = (candidates, { random, now }) => lowest(candidates, (state) => state.tokensLastMinute(now), random);

const costBased: Strategy = (candidates, ctx) => lowest(candidates, ctx.costPerToken, ctx.random);

export const STRATEGIES: Record<RoutingStrategy, Strategy> = {
  'simple-shuffle': simpleShuffle,
  'least-busy': leastBusy,
  'latency-based-routing': latencyBased,
  'usage-based-routing': usageBased,
  'usage-based-routing-v2': usageBased,
  'cost-based-routing': costBased,
};
