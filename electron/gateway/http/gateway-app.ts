// What the HTTP gateway serves, as the composition root (app/index.ts) hands it in: the
// services and the request pipeline's parts, built once and shared with IPC and the CLI.
import type { GatewayConfig } from '../../config/index.js';
import type { Logger } from '../../core/logger.js';
import type { McpHub } from '../../mcp/hub.js';
import type { Store } from '../../store/index.js';
import type { ApiHandlers } from '../../../shared/api.js';
import type { AppEvents, Services } from '../../services/index.js';
import type { Accounting } from '../accounting/accounting.js';
import type { Authenticator } from '../access/auth.js';
import type { ProxyDeps } from '../inference/proxy.js';
import type { RoutingTable } from '../inference/routing-table.js';
import type { RedisSharing } from '../redis/index.js';

export interface GatewayApp {
  readonly config: GatewayConfig;
  readonly logger: Logger;
  /** Read for its kind only (readiness); the gateway writes through the services and accounting. */
  readonly store: Pick<Store, 'kind'>;
  readonly clock: () => number;
  readonly version: string;
  readonly services: Services;
  /** The shared API (shared/api.ts), for the IPC binding and /ui/api. */
  readonly api: ApiHandlers;
  /** The app's events (shared/events.ts), for the IPC binding and /ui/events. */
  readonly events: AppEvents;
  readonly accounting: Accounting;
  readonly auth: Authenticator;
  readonly table: RoutingTable;
  /** What the proxy needs for a request. */
  readonly proxy: ProxyDeps;
  readonly redis: RedisSharing | null;
  /** The MCP servers behind /mcp. */
  readonly mcp: McpHub;
  /** Paused, model routes answer 503 until resumed; the admin UI keeps working. */
  readonly paused: boolean;
  /** The gateway listens at `url`: the services show it, a team server's heartbeat starts. */
  listening(url: URL): Promise<void>;
}
