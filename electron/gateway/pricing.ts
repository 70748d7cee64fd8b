// What a request cost, in USD: the deployment's own per-token prices when the config sets
// them, else the maintained @pydantic/genai-prices data set, else zero (and said so once).
import { calcPrice } from '@pydantic/genai-prices';
import type { DeploymentConfig } from '../core/deployment.js';
import type { TokenUsage } from '../core/usage.js';

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
    if (!usage) return 0;
    if (deployment.inputCostPerToken !== null || deployment.outputCostPerToken !== null) {
      return usage.promptTokens * (deployment.inputCostPerToken ?? 0) + usage.completionTokens * (deployment.outputCostPerToken ?? 0);
    }
    const lookup = `${deployment.family}/${deployment.upstreamModel}`;
    if (this.unpriced.has(lookup)) return 0;
    const price = calcPrice(
      { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens },
      deployment.upstreamModel,
      { providerId: deployment.family },
    );
    if (!price) {
      this.unpriced.add(lookup);
      return 0;
    }
    return price.total_price;
  }
}
