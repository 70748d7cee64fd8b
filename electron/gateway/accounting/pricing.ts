// What a request cost, in USD: the deployment's own per-token prices when the config sets
// them, else the maintained @pydantic/genai-prices data set (for the model_info.base_model
// when set, as LiteLLM prices Azure deployments), else zero. Prompt-cache reads and writes and
// reasoning are priced as their own parts, not as plain input and output. A passthrough deployment's
// requests are paid by the client's own sign-in (a subscription): zero.
import { calcPrice, type Usage } from '@pydantic/genai-prices';
import type { DeploymentConfig, PartCosts } from '../../core/deployment.js';
import type { TokenUsage } from '../../core/usage.js';

export class Pricing {
  /** Models the data set has no price for; looked up once, not on every request. */
  private readonly unpriced = new Set<string>();

  /** Input plus output price of one token, for cost-based routing; Infinity when unknown. */
  perToken(deployment: DeploymentConfig): number {
    const million = 1_000_000;
    const cost = this.cost(deployment, { promptTokens: million, completionTokens: million, totalTokens: 2 * million });
    return cost > 0 ? cost / million : Number.POSITIVE_INFINITY;
  }

  cost(deployment: DeploymentConfig, usage: TokenUsage | null): number {
    // The client's own subscription pays for a passthrough request ("subscription"): no spend here, tokens still counted.
    if (!usage || deployment.passthrough) return 0;
    if (deployment.inputCostPerToken !== null || deployment.outputCostPerToken !== null) return ownPriceCost(deployment, usage);
    const { model, providerId } = pricedAs(deployment);
    const lookup = `${providerId}/${model}`;
    if (this.unpriced.has(lookup)) return 0;
    const price = priced(usage, model, providerId);
    if (!price) {
      this.unpriced.add(lookup);
      return 0;
    }
    return price.total_price;
  }
}

/** What prompt caching saved a request: its cost were every input token fresh, less its cost (negative when writes cost more than reads saved). */
export function cacheSavings(pricing: Pricing, deployment: DeploymentConfig, usage: TokenUsage | null, cost: number): number {
  if (!usage || (!usage.cacheReadTokens && !usage.cacheWriteTokens)) return 0;
  const uncached = { ...usage, cacheReadTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 };
  return pricing.cost(deployment, uncached) - cost;
}

/** The data set's price; usage it refuses (parts it finds inconsistent) is priced as plain input and output rather than lost. */
function priced(usage: TokenUsage, model: string, providerId: string): ReturnType<typeof calcPrice> {
  try {
    return calcPrice(genaiUsage(usage), model, { providerId });
  } catch {
    return calcPrice({ input_tokens: usage.promptTokens, output_tokens: usage.completionTokens }, model, { providerId });
  }
}

/** The usage in genai-prices' terms: input and output are totals, each part a share of one (1h cache writes a share of the writes). */
function genaiUsage(usage: TokenUsage): Usage {
  return {
    input_tokens: usage.promptTokens,
    output_tokens: usage.completionTokens,
    ...(usage.cacheReadTokens ? { cache_read_tokens: usage.cacheReadTokens } : {}),
    ...(usage.cacheWriteTokens ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    ...(usage.cacheWrite1hTokens ? { cache_write_1h_tokens: usage.cacheWrite1hTokens } : {}),
    ...(usage.reasoningTokens ? { output_reasoning_tokens: usage.reasoningTokens } : {}),
  };
}

/** LiteLLM's arithmetic with the config's prices: each part at its own price, or at its whole's when the config names none. */
function ownPriceCost(deployment: DeploymentConfig, usage: TokenUsage): number {
  const input = deployment.inputCostPerToken ?? 0;
  const output = deployment.outputCostPerToken ?? 0;
  const parts: PartCosts = deployment.partCosts ?? { cacheRead: null, cacheWrite: null, cacheWrite1h: null, reasoning: null };
  const cacheRead = usage.cacheReadTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const cacheWrite1h = usage.cacheWrite1hTokens ?? 0;
  const reasoning = usage.reasoningTokens ?? 0;
  const writePrice = parts.cacheWrite ?? input;
  return (
    (usage.promptTokens - cacheRead - cacheWrite) * input +
    cacheRead * (parts.cacheRead ?? input) +
    (cacheWrite - cacheWrite1h) * writePrice +
    cacheWrite1h * (parts.cacheWrite1h ?? writePrice) +
    (usage.completionTokens - reasoning) * output +
    reasoning * (parts.reasoning ?? output)
  );
}

/**
 * The model a deployment is priced as: LiteLLM's `model_info.base_model` when set (an Azure
 * deployment's own name says nothing of the model behind it), `<provider>/` optional; else its
 * upstream model.
 */
function pricedAs(deployment: DeploymentConfig): { model: string; providerId: string } {
  const base = deployment.modelInfo.base_model;
  if (typeof base !== 'string' || base.trim() === '') return { model: deployment.upstreamModel, providerId: deployment.family };
  const slash = base.indexOf('/');
  return slash > 0 ? { model: base.slice(slash + 1), providerId: base.slice(0, slash) } : { model: base, providerId: deployment.family };
}
