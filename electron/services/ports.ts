// What the services need from the running gateway, as small interfaces the gateway implements:
// services never import the HTTP layer.
import type { RouteExplainRequest, RouteExplanation } from '../../shared/routes.js';
import type { CaptureMode } from '../../shared/keys.js';
import type { Dispatcher } from 'undici';
import type { McpServerConfig } from '../config/index.js';
import type { DeploymentConfig } from '../core/deployment.js';
import type { DeploymentHealth, KeyHealth } from '../router/index.js';
import type { EffectiveRouting } from './effective-routing.js';

/** Pending usage is written before anything reads totals, so they are exact. */
export interface PendingUsage {
  flush(): Promise<void>;
}

/** The routing the gateway serves right now: the config file's and the app's, merged. */
export interface LiveRouting {
  /** What the last rebuild merged (effective-routing.ts): every deployment, the settings in force. */
  current(): EffectiveRouting;
  health(): DeploymentHealth[];
  /** The live state of each key of a pool, in its order. */
  keyHealth(pool: readonly string[]): KeyHealth[];
  modelNames(): string[];
  /** Applies the store's deployments and routing settings; resolves once requests see the change. */
  refresh(): Promise<void>;
  /** Resolves once requests see every change written so far; shares a rebuild under way, tells no other instance. */
  rebuilt(): Promise<void>;
  /** Which route a request would take and why, decided as the gateway decides it. */
  explain(request: RouteExplainRequest): Promise<RouteExplanation>;
}

/** Where a call to a deployment goes, as the gateway's own calls go (its proxy, HTTPS_PROXY, the OS proxy, the CAs it trusts). */
export type UpstreamDispatcher = (deployment: DeploymentConfig) => Dispatcher;

/** Sends a request through the gateway's own routes as the master key, marked as a replay of a logged request. */
export type MasterSender = (request: { path: string; body: string; replayOf: string }) => Promise<{ status: number; body: string; requestId: string }>;

/** The app's capture setting as the gateway reads it on every request; the services keep it current. */
export interface CaptureSetting {
  mode: CaptureMode;
}

/** The MCP hub as the services drive it: what it serves, each server's live state, a start on request. */
export interface McpHubControl {
  status(): Array<{ name: string; state: 'stopped' | 'starting' | 'running' | 'failed'; tools: Array<{ name: string; description?: string }> | null; lastError: string | null; starts: number }>;
  reload(servers: readonly McpServerConfig[]): Promise<void>;
  start(name: string): Promise<void>;
}
