// Routing settings as the router reads them, whatever they were written in (config file or
// the store): plain data, so the router depends on nothing that parses them.
import type { RoutingSettings } from '../../shared/api-views.js';
import type { DeploymentConfig } from './deployment.js';

/** The settings the router reads, as the app's routing settings name them, but its times in milliseconds. */
export interface RouterSettings extends Pick<
  RoutingSettings,
  'strategy' | 'numRetries' | 'allowedFails' | 'fallbacks' | 'contextWindowFallbacks' | 'contentPolicyFallbacks' | 'defaultFallbacks' | 'maxFallbacks' | 'dropParams'
> {
  /** Minimum wait before a retry (LiteLLM's retry_after). */
  retryAfterMs: number;
  cooldownMs: number;
}

export interface ModelGroupAlias {
  model: string;
  /** Routes, but is not listed in /v1/models. */
  hidden: boolean;
}

/** Everything the router is built from. */
export interface RoutingInput {
  deployments: DeploymentConfig[];
  routing: RouterSettings;
  modelGroupAlias: Record<string, ModelGroupAlias>;
}
