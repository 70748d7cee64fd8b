// Starting a gateway the way both `loopgate serve` and the Electron app do: data dir, config,
// master key, then listen.
import { ConfigError, emptyConfig, loadConfigFile, type Environment, type GatewayConfig } from '../config/index.js';
import { ensureDataDir } from '../config/data-dir.js';
import { loadOrCreateMasterKey } from '../config/master-key.js';
import { localOrigin, removeRunningGateway, writeRunningGateway } from '../config/running-gateway.js';
import { APP_VERSION, rendererDir } from '../core/app-info.js';
import { expandOllamaWildcards } from '../providers/ollama.js';
import { openConfiguredStore, type Store } from '../store/index.js';
import type { DataKeyWrapper } from '../store/secrets.js';
import type { Logger } from '../core/logger.js';
import { isLoopbackAddress } from '../gateway/http/host-guard.js';
import { createGateway, type Gateway } from '../gateway/http/server.js';
import { createApp, type App } from './index.js';
import type { SystemProxy } from '../core/system-proxy.js';

export interface StartOptions {
  configFile: string | null;
  host: string;
  port: number;
  dataDir: string;
  env: Environment;
  logger: Logger;
  /** The desktop app's OS keychain for the data key, when it has a real one. */
  dataKeyWrapper?: DataKeyWrapper | null;
  /** The desktop app: upstream TLS also trusts the operating system's certificate store (where Node can read it). */
  systemCertificates?: boolean;
  /** The desktop app: upstream calls follow the operating system's proxy settings where no proxy is configured. */
  systemProxy?: SystemProxy | null;
  /** `loopgate serve`: DATABASE_URL and REDIS_URL count (see ConfigOptions.serverEnv); never in the desktop app. */
  serverEnv?: boolean;
}

export interface StartedGateway {
  /** The services and their events: what IPC and the CLI bind to. */
  app: App;
  /** The HTTP listener over `app`. */
  gateway: Gateway;
  store: Store;
  url: URL;
  config: GatewayConfig;
  masterKey: string;
  /** Graceful stop: in-flight requests finish, usage is flushed, the store snapshots and unlocks. */
  close(graceMs?: number): Promise<void>;
}

export async function startGateway(options: StartOptions): Promise<StartedGateway> {
  const { logger } = options;
  const serverEnv = { serverEnv: options.serverEnv ?? false };
  const loaded = options.configFile ? await loadConfigFile(options.configFile, options.env, serverEnv) : emptyConfig(options.env, serverEnv);
  const config = { ...loaded, deployments: await expandOllamaWildcards(loaded.deployments, logger) };
  if (config.unsupported.length > 0) {
    logger.log('warn', `Loopgate does not support these settings yet and ignores them: ${config.unsupported.join(', ')}`, {
      settings: config.unsupported.join(','),
    });
  }
  for (const warning of config.warnings) logger.log('warn', warning);
  if (!isLoopbackAddress(options.host)) {
    // Beyond this machine, the master key is the only guard: it must be one the user chose.
    if (!config.masterKey) {
      throw new ConfigError('--host', `listening on ${options.host} opens Loopgate beyond this machine; set general_settings.master_key or LOOPGATE_MASTER_KEY first`);
    }
    logger.log('warn', `Listening on ${options.host}: other machines can reach Loopgate; only the master key and virtual keys guard it.`);
  }
  await ensureDataDir(options.dataDir);
  let masterKey = config.masterKey;
  if (!masterKey) {
    const stored = await loadOrCreateMasterKey(options.dataDir);
    masterKey = stored.key;
    logger.log('info', `No master key configured; using the key stored in ${stored.file}`, { created: stored.created });
  }
  const store = await openConfiguredStore({ dataDir: options.dataDir, databaseUrl: config.databaseUrl, logger, env: options.env, dataKeyWrapper: options.dataKeyWrapper ?? null });
  if (store.kind === 'sqljs' && store.secretProtection === 'key-file') logger.log('info', 'Provider credentials are sealed under a key kept in a 0600 key file in the data dir (no OS keychain in use).');
  try {
    const app = await createApp({
      config,
      masterKey,
      logger,
      store,
      dataDir: options.dataDir,
      version: APP_VERSION,
      env: options.env,
      systemCertificates: options.systemCertificates ?? false,
      systemProxy: options.systemProxy ?? null,
    });
    try {
      const gateway = createGateway(app, { uiDir: rendererDir() });
      const url = await gateway.listen(options.port, options.host);
      // Said in the data dir so `loopgate run` finds this gateway on any port; not fatal when it cannot be.
      await writeRunningGateway(options.dataDir, { url: localOrigin(url.origin), pid: process.pid, version: APP_VERSION }).catch((error: unknown) =>
        logger.log('warn', `Could not note the gateway's address in the data dir: ${String(error)}`),
      );
      const close = async (graceMs?: number): Promise<void> => {
        await removeRunningGateway(options.dataDir, process.pid).catch(() => undefined);
        await gateway.close(graceMs);
        await app.close();
        await store.close();
      };
      return { app, gateway, store, url, config, masterKey, close };
    } catch (error) {
      await app.close();
      throw error;
    }
  } catch (error) {
    await store.close();
    throw error;
  }
}
