// The model Connect's setups name until the user picks one: the most-used group that works now
// (a deployment the router sees healthy), not the first name A–Z, which may be failing.
import type { DeploymentView, UsageSeries } from '../../../shared/api.js';

interface Candidate {
  name: string;
  working: boolean;
  requests: number;
}

/** Working before failing, concrete names before wildcards (`*` routes any name), then most requests, then A–Z. */
function better(a: Candidate, b: Candidate): number {
  const wildcard = (c: Candidate): number => (c.name.includes('*') ? 1 : 0);
  return Number(b.working) - Number(a.working) || wildcard(a) - wildcard(b) || b.requests - a.requests || a.name.localeCompare(b.name);
}

/** Each group clients can ask for (in force), best first by `better`. */
export function rankModels(deployments: readonly DeploymentView[], usage: UsageSeries['byModel']): string[] {
  const requests = new Map(usage.map((row) => [row.model, row.requests]));
  const groups = new Map<string, Candidate>();
  for (const deployment of deployments) {
    if (!deployment.inForce) continue;
    const group = groups.get(deployment.modelName) ?? { name: deployment.modelName, working: false, requests: requests.get(deployment.modelName) ?? 0 };
    group.working ||= deployment.live.state === 'healthy';
    groups.set(group.name, group);
  }
  return [...groups.values()].sort(better).map((group) => group.name);
}
