// The app's status line and overview numbers: where the gateway listens, today's totals, and
// how much is configured; on a team server, which instances are live.
import type { InstancesView, StatusView } from '../../shared/api.js';
import type { Store } from '../store/index.js';
import type { KeyService } from './keys.js';
import type { ModelService } from './models.js';
import type { ProviderService } from './providers.js';
import type { UsageService } from './usage.js';

export interface StatusServiceDeps {
  store: Store;
  keys: KeyService;
  providers: ProviderService;
  models: ModelService;
  usage: UsageService;
  baseUrl(): string;
  /** Paused from the tray: model routes answer 503. */
  paused(): boolean;
  dataDir: string;
  version: string;
  /** A team server's live instances (their heartbeats); null on a laptop. */
  instances(): Promise<InstancesView | null>;
}

export class StatusService {
  constructor(private readonly deps: StatusServiceDeps) {}

  async get(): Promise<StatusView> {
    const { deps } = this;
    const today = await deps.usage.today();
    const keys = await deps.keys.countByStatus();
    return {
      version: deps.version,
      baseUrl: deps.baseUrl(),
      dataDir: deps.dataDir,
      secretProtection: deps.store.secretProtection,
      running: true,
      paused: deps.paused(),
      today: { requests: today.requests, failures: today.failures, tokens: today.tokens, spend: today.cost },
      counts: { providers: await deps.providers.count(), models: deps.models.modelNames().length, keys: keys.active + keys.revoked + keys.expired },
      instances: await deps.instances(),
    };
  }
}
