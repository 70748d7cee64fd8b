// What a request cost, in USD: the deployment's own per-token prices when the config sets
// them, else the maintained @pydantic/genai-prices data set, else zero (and said so once).
import { calcPrice } from '@pydantic/genai-prices';
import type { DeploymentConfig } from '../config/index.js';
import type { TokenUsage } from '../providers/types.js';

export class Pricing {
  /** Models the data set has no price for; looked up once, not on every request. */
  private readonly unpriced = new Set<string>();

  cost(deployment: DeploymentConfig, usage: TokenUsage | null): number {
    if (!usage) return 0;
    if (deployment.inputCostPerToken !== null || deployment.outputCostPerToken !== null) {
      return usage.promptTokens * (deployment.inputCostPerToken ?? 0) + usage.completionTokens * (deployment.outputCostPerToken ?? 0);
    }
    const lookup = `${deployment.family.name}/${deployment.upstreamModel}`;
    if (this.unpriced.has(lookup)) return 0;
    const price = calcPrice(
      { input_tokens: usage.promptTokens, output_tokens: usage.completionTokens },
      deployment.upstreamModel,
      { providerId: deployment.family.name },
    );
    if (!price) {
      this.unpriced.add(lookup);
      return 0;
    }
    return price.total_price;
  }
}
