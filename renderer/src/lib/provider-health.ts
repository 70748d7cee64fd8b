// A provider's health as its row shows it, from the gateway's live state of the deployments that
// run on it: the last call's result and any cooldown, with what to check when it fails. Nothing
// is called to find out; a provider no request used yet says so instead of looking fine.
import type { DeploymentView } from '../../../shared/api.js';
import { providerFailure } from '../../../shared/provider-failure.js';
import { clock } from './format.js';

export interface ProviderHealth {
  label: 'working' | 'failing' | 'cooling down' | 'not used yet' | 'no models';
  tone: 'ok' | 'warn' | 'danger' | '';
  /** What went wrong and what to check next; null when nothing did. */
  detail: string | null;
}

/** The worst state among a provider's enabled deployments wins: one failing model is worth knowing. */
export function providerHealth(deployments: readonly DeploymentView[]): ProviderHealth {
  const live = deployments.map((deployment) => deployment.live).filter((state) => state.state !== 'disabled');
  if (live.length === 0) return { label: 'no models', tone: '', detail: null };
  const cooling = live.find((state) => state.state === 'cooling');
  if (cooling) {
    const until = cooling.coolingUntil !== null ? `Resting until ${clock(cooling.coolingUntil)}. ` : '';
    return { label: 'cooling down', tone: 'warn', detail: `${until}${cooling.lastError ? providerFailure(cooling.lastError) : ''}`.trim() || null };
  }
  const failing = live.find((state) => state.state === 'failing');
  if (failing) return { label: 'failing', tone: 'danger', detail: providerFailure(failing.lastError ?? '') || null };
  // Only a call that succeeded sets a latency.
  if (live.some((state) => state.latencyMs !== null)) return { label: 'working', tone: 'ok', detail: null };
  return { label: 'not used yet', tone: '', detail: null };
}
