// What the services over the store and the config file are built with (the composition root hands it in).
import type { GatewayConfig } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { LiveRouting } from './ports.js';

export interface StoreDeps {
  store: Store;
  config: GatewayConfig;
  clock: () => number;
}

/** A service whose changes the running router must take up before the call returns. */
export interface RoutingDeps extends StoreDeps {
  routing: LiveRouting;
}
