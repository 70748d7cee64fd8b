// Routing settings as the router reads them, whatever they were written in (config file or
// the store): plain data, so the router depends on nothing that parses them.
import type { RoutingStrategy } from '../../shared/routing.js';
import type { DeploymentConfig } from './deployment.js';

export interface RouterSettings {
  strategy: RoutingStrategy;
  numRetries: number;
  /** Minimum wait before a retry (LiteLLM's retry_after). */
  retryAfterMs: number;
  /** Failures a deployment may have within a minute before it cools down. */
  allowedFails: number;
  cooldownMs: number;
  fallbacks: Record<string, string[]>;
  contextWindowFallbacks: Record<string, string[]>;
  contentPolicyFallbacks: Record<string, string[]>;
  defaultFallbacks: string[];
  maxFallbacks: number;
  /** LiteLLM's drop_params for deployments that do not set their own. */
  dropParams: boolean;
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
