// What a request cost, in USD: the deployment's own per-token prices when the config sets
// them, else the maintained @pydantic/genai-prices data set (for the model_info.base_model
// when set, as LiteLLM prices Azure deployments), else zero. A passthrough deployment's requests
// are paid by the client's own sign-in (a subscription): zero.
import { calcPrice } from '@pydantic/genai-prices';
import type { DeploymentConfig } from '../../core/deployment.js';
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
    if (deployment.inputCostPerToken !== null || deployment.outputCostPerToken !== null) {
      return usage.promptTokens * (deployment.inputCostPerToken ?? 0) + usage.completionTokens * (deployment.outputCostPerToken ?? 0);
    }
    const { model, providerId } = pricedAs(deployment);
    const lookup = `${providerId}/${model}`;
    if (this.unpriced.has(lookup)) return 0;
    const price = calcPrice({ input_tokens: usage.promptTokens, output_tokens: usage.completionTokens }, model, { providerId });
    if (!price) {
      this.unpriced.add(lookup);
      return 0;
    }
    return price.total_price;
  }
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
