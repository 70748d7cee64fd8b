// What the services need from the running gateway, as small interfaces the gateway implements:
// services never import the HTTP layer.
import type { DeploymentConfig } from '../core/deployment.js';
import type { DeploymentHealth } from '../router/index.js';

/** Pending usage is written before anything reads totals, so they are exact. */
export interface PendingUsage {
  flush(): Promise<void>;
}

/** The routing the gateway serves right now: config file's deployments and the store's. */
export interface LiveRouting {
  deployments(): DeploymentConfig[];
  health(): DeploymentHealth[];
  modelNames(): string[];
  /** Applies the store's deployments; resolves once requests see the change. */
  refresh(): Promise<void>;
}
