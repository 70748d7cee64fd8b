// How a group's deployments read: in the order the router tries them, each one's share of the
// traffic, and a name a person can tell apart from its neighbours.
import type { DeploymentView } from '../../../shared/api.js';
import type { RoutingStrategy } from '../../../shared/routing.js';

const orderOf = (deployment: DeploymentView): number => deployment.settings.order ?? Number.POSITIVE_INFINITY;

/** The router's priority: the lowest order first; equal orders keep their listed order. */
export function byPriority(deployments: DeploymentView[]): DeploymentView[] {
  return deployments
    .map((deployment, index) => ({ deployment, index }))
    .sort((a, b) => orderOf(a.deployment) - orderOf(b.deployment) || a.index - b.index)
    .map(({ deployment }) => deployment);
}

/** True when orders put some deployments before others (failover), not all side by side. */
export function isTiered(deployments: DeploymentView[]): boolean {
  return new Set(deployments.map(orderOf)).size > 1;
}

/**
 * Each deployment's share of new requests under simple-shuffle, as the router computes it:
 * only the first tier of enabled deployments serves; weight, else rpm, else tpm, else equal.
 * Null under the other strategies, where weights are not used.
 */
export function sharesOf(deployments: DeploymentView[], strategy: RoutingStrategy | undefined): Map<string, number> | null {
  if (strategy !== 'simple-shuffle') return null;
  const enabled = deployments.filter((deployment) => deployment.settings.enabled);
  const first = Math.min(...enabled.map(orderOf));
  const tier = enabled.filter((deployment) => orderOf(deployment) === first).map((deployment) => deployment.settings);
  const weightOf = tier.some((s) => s.weight !== null)
    ? (s: (typeof tier)[number]) => s.weight ?? 1
    : tier.some((s) => s.rpm !== null)
      ? (s: (typeof tier)[number]) => s.rpm ?? 0
      : tier.some((s) => s.tpm !== null)
        ? (s: (typeof tier)[number]) => s.tpm ?? 0
        : () => 1;
  const total = tier.reduce((sum, s) => sum + weightOf(s), 0);
  const shares = new Map<string, number>();
  for (const deployment of deployments) {
    const inTier = deployment.settings.enabled && orderOf(deployment) === first;
    // Weights that add up to nothing: the router picks among the tier evenly.
    shares.set(deployment.id, !inTier ? 0 : total > 0 ? weightOf(deployment.settings) / total : 1 / tier.length);
  }
  return shares;
}

/** "gpt-4o on OpenAI work", with "#2" where two deployments of a group would read the same. */
export function namesOf(deployments: DeploymentView[], providerName: (deployment: DeploymentView) => string): Map<string, string> {
  const plain = deployments.map((deployment) => `${deployment.upstreamModel} on ${providerName(deployment)}`);
  const names = new Map<string, string>();
  deployments.forEach((deployment, index) => {
    const same = plain.filter((name) => name === plain[index]).length;
    const nth = plain.slice(0, index + 1).filter((name) => name === plain[index]).length;
    names.set(deployment.id, same > 1 ? `${plain[index]} #${nth}` : plain[index]!);
  });
  return names;
}
