// Services are the one application layer: each operation (create a key, add a provider, import a
// config, read usage) is validated and merged once here. Every adapter — the app's API over IPC
// and /ui, LiteLLM's management API, the CLI through it — only translates names and shapes.
import type { ApiHandlers, InstancesView } from '../../shared/api.js';
import type { ChangedTopic } from '../../shared/events.js';
import type { Environment, GatewayConfig } from '../config/index.js';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/index.js';
import { AlertService, type AlertSources } from './alerts/index.js';
import { ConfigService } from './config-io.js';
import { AppEvents } from './events.js';
import { KeyService } from './keys.js';
import { ModelService } from './models.js';
import type { CaptureSetting, LiveRouting, MasterSender, McpHubControl, PendingUsage, UpstreamDispatcher } from './ports.js';
import { ReplayService } from './log-replay.js';
import { McpServerService } from './mcp-servers.js';
import { ProviderService } from './providers.js';
import { RoutingService } from './routing.js';
import { SearchService } from './search.js';
import { StatusService } from './status.js';
import { UsageService } from './usage.js';
import { homedir } from 'node:os';
import { z } from 'zod';
import { MAX_LENGTH, parseInput, text } from './validation.js';
import type { SystemProxy } from '../core/system-proxy.js';

export type { LiveRouting } from './ports.js';
export type { AppEvents } from './events.js';

export interface ServiceContext {
  store: Store;
  config: GatewayConfig;
  routing: LiveRouting;
  usage: PendingUsage;
  env: Environment;
  /** The desktop app: the operating system's proxy per upstream origin. */
  systemProxy?: SystemProxy | null;
  baseUrl: () => string;
  /** Whether model routes are paused (the tray's pause). */
  paused: () => boolean;
  dataDir: string;
  version: string;
  clock: () => number;
  logger: Logger;
  /** A team server's live instances; null on a laptop. */
  instances: () => Promise<InstancesView | null>;
  /** The capture setting requests read (the usage service keeps it current). */
  capture: CaptureSetting;
  /** Sends a request through the gateway's routes as the master key (logs.replay). */
  sendAsMaster: MasterSender;
  /** What alerts watch (keys' spend, deployments' health, the database, Redis). */
  alertSources: AlertSources;
  /** The MCP hub the app's MCP servers are handed to. */
  mcp: McpHubControl;
  /** How the connection test reaches a provider: as requests do. */
  upstream: UpstreamDispatcher;
  /** Tests: how often alerts look at health, and the webhook's backoff. */
  alertTiming?: { sweepMs?: number; webhookBackoffMs?: (tries: number) => number };
}

export interface Services {
  keys: KeyService;
  providers: ProviderService;
  models: ModelService;
  routing: RoutingService;
  /** The web search provider for upstreams that cannot search. */
  search: SearchService;
  config: ConfigService;
  usage: UsageService;
  replay: ReplayService;
  status: StatusService;
  /** What the app's views hear of (shared/events.ts). */
  events: AppEvents;
  alerts: AlertService;
  /** MCP servers: the app's and the config file's, with the hub's live state. */
  mcp: McpServerService;
}

export function createServices(context: ServiceContext): Services {
  const { store, config, routing, clock } = context;
  const keys = new KeyService({ store, usage: context.usage, clock });
  const providers = new ProviderService({ store, config, routing, env: context.env, systemProxy: context.systemProxy ?? null, upstream: context.upstream, clock });
  const models = new ModelService({ store, config, routing, providers, env: context.env, clock });
  const usage = new UsageService({ store, usage: context.usage, clock, configRetentionMs: config.logRetentionMs, configCapture: config.capture, capture: context.capture, logger: context.logger });
  const status = new StatusService({ store, keys, providers, models, usage, baseUrl: context.baseUrl, paused: context.paused, dataDir: context.dataDir, version: context.version, instances: context.instances });
  const events = new AppEvents({ status: () => status.get(), logViews: (entries) => usage.views(entries), logger: context.logger });
  // Every change, whichever adapter made it (the app, /key/*, /model/*, an import), reaches the views.
  store.keys.onChange(() => events.changed('keys'));
  // Deployments and routing settings are listed as the router has them: said once its rebuild has
  // the write, so a view reloading on the event never shows what requests do not see yet.
  // (A failed rebuild is logged where it runs; the views still hear of the write.)
  const onceRouted = (topic: ChangedTopic) => (): void =>
    void routing
      .rebuilt()
      .catch(() => undefined)
      .then(() => events.changed(topic));
  store.deployments.onChange(onceRouted('models'));
  store.routing.onChange(onceRouted('routing'));
  const routingSettings = new RoutingService({ store, config, routing, clock });
  const alerts = new AlertService({ store, fromConfig: config.alerts, sources: context.alertSources, logger: context.logger, clock, ...context.alertTiming });
  alerts.addNotifier((alert) => events.alert(alert));
  const mcp = new McpServerService({ store, config, hub: context.mcp, home: context.env.HOME ?? homedir(), clock, logger: context.logger });
  // The hub serves an edit from the next /mcp request on; the view hears of it once it does.
  store.mcpServers.onChange(
    () =>
      void mcp
        .apply()
        .catch((error: unknown) => context.logger.log('error', `MCP servers were not reloaded: ${String(error)}`))
        .then(() => events.changed('mcp')),
  );
  const search = new SearchService({ store, config, clock });
  return {
    keys,
    providers,
    models,
    routing: routingSettings,
    search,
    config: new ConfigService({ store, config, routing, routingSettings, search, env: context.env, clock, keys }),
    usage,
    replay: new ReplayService({ entry: (id) => usage.stored(id), send: context.sendAsMaster, groups: () => routing.modelNames() }),
    status,
    events,
    alerts,
    mcp,
  };
}

/** The request of the methods that name one row and nothing else. */
export const byId = z.object({ id: text(MAX_LENGTH.id).min(1, 'expected an id') });
const idOf = (request: unknown): string => parseInput(byId, request).id;
const desktopOnly = (): never => {
  throw new GatewayError('invalid_request', "Updates are the desktop app's: a headless Loopgate is updated with npm or the package manager that installed it.");
};

/** The app's contract (shared/api.ts), method by method, onto the services. */
export function apiHandlers(services: Services): ApiHandlers {
  const { keys, providers, models, routing, search, config, usage, replay, status, events, alerts, mcp } = services;
  /** Providers have no store listener; their changes are said here, where the app makes them. */
  const providersChanged = <T>(value: T): T => {
    events.changed('providers');
    return value;
  };
  return {
    'status.get': () => status.get(),
    'providers.list': () => providers.list(),
    'providers.create': async (input) => providersChanged(await providers.create(input)),
    'providers.update': async (input) => providersChanged(await providers.update(input)),
    'providers.delete': async (request) => providersChanged({ deleted: await providers.delete(idOf(request)) }),
    'providers.test': (request) => providers.test(idOf(request)),
    'providers.discover': () => providers.discover(),
    'providers.addKey': async (input) => providersChanged(await providers.addKey(input)),
    'providers.removeKey': async (input) => providersChanged(await providers.removeKey(input)),
    'models.list': () => models.list(),
    'models.add': (input) => models.add(input),
    'models.remove': async (request) => ({ deleted: await models.remove(idOf(request)) }),
    'models.groups': () => models.groups(),
    'models.update': (input) => models.update(input),
    'models.renameGroup': (input) => models.renameGroup(input),
    'models.removeGroup': (input) => models.removeGroup(input),
    'models.references': (input) => models.references(input),
    'models.copyFromConfig': (input) => models.copyFromConfig(input),
    'routing.get': () => routing.get(),
    'routing.update': (input) => routing.update(input),
    'routing.copyFromConfig': () => routing.copyFromConfig(),
    'routing.explain': (input) => routing.explain(input),
    'search.get': () => search.get(),
    'search.update': (input) => search.update(input),
    'search.test': (input) => search.test(input),
    'config.export': () => config.export(),
    'config.previewImport': (input) => config.previewImport(input),
    'config.import': async (input) => providersChanged(await config.import(input)),
    'keys.list': (query) => keys.list(query),
    'keys.create': (patch) => keys.create(patch, { createdBy: 'app' }),
    'keys.update': ({ id, version, ...patch }) => keys.update(id, version, patch),
    'keys.setActive': ({ id, active, version }) => keys.setActive(id, active, version),
    'keys.delete': async (request) => ({ deleted: (await keys.delete([idOf(request)])).length > 0 }),
    'keys.recentClients': (request) => usage.recentClients(idOf(request)),
    'usage.series': ({ days }) => usage.series(days),
    'usage.sessions': (query) => usage.sessions(query),
    'logs.list': (query) => usage.logs(query),
    'logs.facets': () => usage.facets(),
    'logs.get': (request) => usage.entry(idOf(request)),
    'logs.retention': () => usage.retention(),
    'logs.setRetention': (request) => usage.setRetention(request),
    // Only the desktop shell can change the PATH; it binds its own handler over this one.
    'shell.installCommand': () => {
      throw new GatewayError('invalid_request', 'Installing the loopgate command is done by the desktop app; from a browser, link it by hand (see the Connect page).');
    },
    'shell.restartGateway': () => {
      throw new GatewayError('invalid_request', 'Only the desktop app restarts its gateway; for `loopgate serve`, stop it and run it again.');
    },
    'logs.replay': (request) => replay.replay(request),
    'alerts.list': () => alerts.list(),
    'alerts.settings': () => alerts.settings(),
    'alerts.updateSettings': async (input) => {
      const view = await alerts.update(input);
      events.changed('alerts');
      return view;
    },
    // Only the desktop shell updates itself; it binds its own handlers over these.
    'updates.get': desktopOnly,
    'updates.configure': desktopOnly,
    'updates.check': desktopOnly,
    'updates.restart': desktopOnly,
    'mcp.list': () => mcp.list(),
    'mcp.create': (input) => mcp.create(input),
    'mcp.update': (input) => mcp.update(input),
    'mcp.delete': async (request) => ({ deleted: await mcp.delete(idOf(request)) }),
    'mcp.start': ({ name }) => mcp.start(name),
    'mcp.importPreview': () => mcp.importPreview(),
    'mcp.import': (request) => mcp.import(request),
  };
}
