// A gateway as `loopgate serve` runs it, for the e2e tests that stop and start it: a data dir that
// outlives it and the same port every start (the first start picks one), so an open page sees
// the same origin come back.
import { parseConfigText } from '../../electron/config/index.js';
import { rendererDir } from '../../electron/core/app-info.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import { createApp, type App } from '../../electron/app/index.js';
import { createGateway, type Gateway } from '../../electron/gateway/http/server.js';
import { openStore, type Store } from '../../electron/store/index.js';
import { TEST_MASTER_KEY } from '../helpers/gateway.js';

export interface Served {
  app: App;
  gateway: Gateway;
  store: Store;
  url: string;
}

export class ServedGateway {
  running: Served | null = null;
  port = 0;

  constructor(private readonly dataDir: string) {}

  async start(): Promise<Served> {
    const logger = new MemoryLogger();
    const store = await openStore(this.dataDir, logger);
    const app = await createApp({ config: parseConfigText('model_list: []\n', { env: {} }), masterKey: TEST_MASTER_KEY, logger, store, env: {} });
    const gateway = createGateway(app, { uiDir: rendererDir(), eventHeartbeatMs: 1_000 });
    const { origin } = await gateway.listen(this.port, '127.0.0.1');
    this.port = Number(new URL(origin).port);
    this.running = { app, gateway, store, url: origin };
    return this.running;
  }

  /** `graceMs` undefined: the gateway's default grace period, as `loopgate serve` stops. */
  async stop(graceMs?: number): Promise<void> {
    const current = this.running;
    this.running = null;
    await current?.gateway.close(graceMs);
    await current?.app.close();
    await current?.store.close();
  }
}
