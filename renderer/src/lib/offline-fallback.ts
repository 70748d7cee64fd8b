// Which model groups can serve while the cloud is unreachable: those with a deployment on this
// machine (a loopback base URL) or on a local server discovery found (Ollama, LM Studio). The
// routing form lists them first and suggests the first one while the setting is off.
import type { DiscoveredServer, ModelGroupView } from '../../../shared/api.js';
import { providerLabel } from '../../../shared/providers.js';

export interface LocalGroup {
  name: string;
  /** Where it runs, said plainly: "Ollama (local) at http://127.0.0.1:11434/v1", "this machine". */
  where: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return LOOPBACK.has(host) || host.startsWith('127.');
  } catch {
    return false;
  }
}

/** The groups that run locally, in the order given, each with where it runs. */
export function localGroups(groups: readonly ModelGroupView[], discovered: readonly DiscoveredServer[]): LocalGroup[] {
  const servers = new Map(discovered.map((server) => [originOf(server.apiBase), server]));
  return groups.flatMap((group) => {
    const found = group.deployments.map((deployment) => servers.get(originOf(deployment.apiBase))).find((server) => server !== undefined);
    if (found) return [{ name: group.name, where: `${providerLabel(found.family)} at ${found.apiBase}` }];
    return group.deployments.some((deployment) => isLoopback(deployment.apiBase)) ? [{ name: group.name, where: 'this machine' }] : [];
  });
}

/** Discovered servers whose models no group uses yet: they must be added as a model group to serve. */
export function unusedServers(groups: readonly ModelGroupView[], discovered: readonly DiscoveredServer[]): DiscoveredServer[] {
  const used = new Set(groups.flatMap((group) => group.deployments.map((deployment) => originOf(deployment.apiBase))));
  return discovered.filter((server) => server.models.length > 0 && !used.has(originOf(server.apiBase)));
}
