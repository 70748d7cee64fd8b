// Starts a real gateway in-process on 127.0.0.1:0 from a YAML config, with a fresh store in a
// temp data dir, for integration tests.
import OpenAI from 'openai';
import { rendererDir } from '../../electron/core/app-info.js';
import { parseConfigText, type GatewayConfig } from '../../electron/config/index.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import { createApp, type App, type AppOptions } from '../../electron/app/index.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../electron/gateway/http/server.js';
import { openConfiguredStore, type Store } from '../../electron/store/index.js';
import { tempDir } from './cli.js';
import type { SystemProxy } from '../../electron/core/system-proxy.js';

export const TEST_MASTER_KEY = 'sk-test-master-key';

export interface TestGateway {
  url: string;
  /** The services, events, accounting and pause (what IPC binds to). */
  app: App;
  /** The HTTP listener over `app`. */
  gateway: Gateway;
  store: Store;
  logger: MemoryLogger;
  /** An official `openai` client pointed at the gateway (master key by default), no retries. */
  client(apiKey?: string): OpenAI;
  /** Calls a management endpoint with the master key; returns status and parsed body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read LiteLLM-shaped bodies field by field
  manage(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  env?: Record<string, string>;
  /** The desktop app's OS proxy lookup (core/system-proxy.ts). */
  systemProxy?: SystemProxy;
  clock?: () => number;
  random?: () => number;
  /** Changes the parsed config before the gateway starts (what YAML cannot say, e.g. a disabled deployment). */
  configure?: (config: GatewayConfig) => void;
  /** How often /ui/events sends a heartbeat (and checks the session). */
  eventHeartbeatMs?: number;
  /** Connection limits (timeouts, connection cap, auth throttle), shortened for a test. */
  network?: GatewayOptions['network'];
  /** A store to use instead of a fresh one (left open on close): several instances on one store. */
  store?: Store;
  /** A team server instance's heartbeat, shortened for a test. */
  instanceHeartbeat?: AppOptions['instanceHeartbeat'];
  /** How often alerts look at health, and the webhook's backoff, shortened for a test. */
  alertTiming?: AppOptions['alertTiming'];
}

export async function startTestGateway(yaml: string, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const config = parseConfigText(yaml, { env: options.env ?? {}, serverEnv: true });
  options.configure?.(config);
  const logger = new MemoryLogger();
  // general_settings.database_url (or DATABASE_URL in `env`): PostgreSQL, as `loopgate serve` would (serverEnv).
  const store = options.store ?? (await openConfiguredStore({ dataDir: tempDir('loopgate-gw-'), databaseUrl: config.databaseUrl, logger, env: options.env ?? {} }));
  const app = await createApp({
    config,
    masterKey: config.masterKey ?? TEST_MASTER_KEY,
    logger,
    store,
    env: options.env ?? {},
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.instanceHeartbeat ? { instanceHeartbeat: options.instanceHeartbeat } : {}),
    ...(options.alertTiming ? { alertTiming: options.alertTiming } : {}),
    ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
  });
  const gateway = createGateway(app, {
    ...(options.eventHeartbeatMs ? { eventHeartbeatMs: options.eventHeartbeatMs } : {}),
    ...(options.network ? { network: options.network } : {}),
    uiDir: rendererDir(),
  });
  const url = (await gateway.listen(0, '127.0.0.1')).origin;
  return {
    url,
    app,
    gateway,
    store,
    logger,
    client: (apiKey = TEST_MASTER_KEY) => new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 }),
    async manage(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: await response.json(), headers: response.headers };
    },
    async close() {
      await gateway.close(1_000);
      await app.close();
      if (!options.store) await store.close();
    },
  };
}

/** Runs `use` with a gateway started from `yaml`, closed after (whether or not `use` throws). */
export async function withTestGateway(yaml: string, use: (gw: TestGateway) => Promise<void>, options: TestGatewayOptions = {}): Promise<void> {
  const gw = await startTestGateway(yaml, options);
  try {
    await use(gw);
  } finally {
    await gw.close();
  }
}

/** The HTTP status of one chat completion sent with `apiKey` (its answer read to the end). */
export async function chatStatus(gw: Pick<TestGateway, 'url'>, model: string, apiKey = TEST_MASTER_KEY, content = 'hi'): Promise<number> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** A model_list entry pointing a model name at an OpenAI-compatible upstream model. */
export function openaiModel(name: string, upstreamModel: string, apiBase: string, extra = ''): string {
  return `${modelEntry(name, { model: `openai/${upstreamModel}`, api_base: apiBase, api_key: 'sk-upstream-secret' })}${extra}`;
}

/** An Anthropic model_list entry (the mock upstreams' key by default). */
export function anthropicModel(name: string, upstreamModel: string, apiBase: string, apiKey = 'sk-ant-upstream'): string {
  return modelEntry(name, { model: `anthropic/${upstreamModel}`, api_base: apiBase, api_key: apiKey });
}

/** A model_list entry of any provider family: its litellm_params, and model_info if given, one line a field. */
export function modelEntry(name: string, params: Record<string, string>, info: Record<string, string> = {}): string {
  const lines = (fields: Record<string, string>): string =>
    Object.entries(fields)
      .map(([key, value]) => `\n      ${key}: ${value}`)
      .join('');
  const modelInfo = Object.keys(info).length > 0 ? `\n    model_info:${lines(info)}` : '';
  return `\n  - model_name: ${name}\n    litellm_params:${lines(params)}${modelInfo}`;
}
