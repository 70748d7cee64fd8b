// Router owns turning a client's model name into the deployment that serves it. Tables are
// built once from the config; picking is a lookup plus one weighted draw.
import type { DeploymentConfig, GatewayConfig } from '../config/index.js';
import { GatewayError } from '../gateway/errors.js';

/** Deployments sharing a `model_name`, with what simple-shuffle needs precomputed. */
interface ModelGroup {
  name: string;
  deployments: DeploymentConfig[];
  /** The lowest-`order` tier is tried first (LiteLLM's priority by `order`). */
  preferred: DeploymentConfig[];
  cumulativeWeights: number[];
}

export type RandomSource = () => number;

export class Router {
  private readonly groups = new Map<string, ModelGroup>();
  private readonly aliases: ReadonlyMap<string, string>;
  private readonly random: RandomSource;

  constructor(config: GatewayConfig, random: RandomSource = Math.random) {
    this.random = random;
    this.aliases = new Map(Object.entries(config.modelGroupAlias));
    const byName = new Map<string, DeploymentConfig[]>();
    for (const deployment of config.deployments) {
      const list = byName.get(deployment.modelName) ?? [];
      list.push(deployment);
      byName.set(deployment.modelName, list);
    }
    for (const [name, deployments] of byName) this.groups.set(name, buildGroup(name, deployments));
  }

  /** Model names clients may ask for: every group and every alias. */
  modelNames(): string[] {
    return [...this.groups.keys(), ...this.aliases.keys()];
  }

  has(model: string): boolean {
    return this.groups.has(this.aliases.get(model) ?? model);
  }

  pick(model: string): DeploymentConfig {
    const group = this.groups.get(this.aliases.get(model) ?? model);
    if (!group) {
      throw new GatewayError(
        'model_not_found',
        `The model "${model}" is not configured on this gateway. Configured models: ${this.modelNames().join(', ') || '(none)'}.`,
        { param: 'model' },
      );
    }
    return weightedPick(group, this.random());
  }
}

function buildGroup(name: string, deployments: DeploymentConfig[]): ModelGroup {
  const lowestOrder = Math.min(...deployments.map((d) => d.order ?? Number.POSITIVE_INFINITY));
  const preferred = deployments.filter((d) => (d.order ?? Number.POSITIVE_INFINITY) === lowestOrder);
  let total = 0;
  const cumulativeWeights = preferred.map((d) => (total += shuffleWeight(d, preferred)));
  return { name, deployments, preferred, cumulativeWeights };
}

// LiteLLM's simple-shuffle weighs by `weight`, else `rpm`, else `tpm`, else equally.
function shuffleWeight(deployment: DeploymentConfig, tier: DeploymentConfig[]): number {
  if (tier.some((d) => d.weight !== null)) return deployment.weight ?? 1;
  if (tier.some((d) => d.rpm !== null)) return deployment.rpm ?? 0;
  if (tier.some((d) => d.tpm !== null)) return deployment.tpm ?? 0;
  return 1;
}

function weightedPick(group: ModelGroup, draw: number): DeploymentConfig {
  const total = group.cumulativeWeights.at(-1) ?? 0;
  if (group.preferred.length === 1 || total <= 0) return group.preferred[0]!;
  const target = draw * total;
  const index = group.cumulativeWeights.findIndex((limit) => target < limit);
  return group.preferred[index === -1 ? group.preferred.length - 1 : index]!;
}
