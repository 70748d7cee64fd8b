// Routing settings: what is in force (the app's when saved, else the config file's, else the
// defaults), every edit checked here once (values, and that fallbacks and aliases name groups
// that exist), saved as one versioned row and applied to the running router before the call
// returns. Also the rule by which a group's rename or removal rewrites the names in them.
import { z } from 'zod';
import type { RoutingSettings, RoutingView } from '../../shared/api.js';
import { ROUTING_STRATEGIES } from '../../shared/routing.js';
import { ROUTE_DIALECTS, type RouteExplainRequest, type RouteExplanation } from '../../shared/routes.js';
import { routeListSchema } from '../config/routes.js';
import { formatPath } from '../config/path.js';
import { GatewayError } from '../core/errors.js';
import type { StoredRouting } from '../store/routing.js';
import { fileHasRoutingSettings, fileRoutingSettings, routingInForce } from './effective-routing.js';
import { storeChange } from './errors.js';
import { MAX_LENGTH, parseInput, text } from './validation.js';
import type { RoutingDeps } from './deps.js';

const count = z.number().int('expected a whole number').nonnegative('expected 0 or more');
const seconds = z.number().nonnegative('expected 0 or more seconds');
const positiveSeconds = z.number().positive('expected more than 0 seconds');
const groupName = text(MAX_LENGTH.name);
const fallbackMap = z.record(groupName, z.array(groupName));

/** Each setting's rule; the compiler holds it to the contract. */
const routingShape = {
  strategy: z.enum(ROUTING_STRATEGIES, `expected one of ${ROUTING_STRATEGIES.join(', ')}`),
  numRetries: count,
  retryAfterSeconds: seconds,
  timeoutSeconds: positiveSeconds,
  streamTimeoutSeconds: positiveSeconds.nullable(),
  allowedFails: count,
  cooldownSeconds: seconds,
  fallbacks: fallbackMap,
  contextWindowFallbacks: fallbackMap,
  contentPolicyFallbacks: fallbackMap,
  defaultFallbacks: z.array(groupName),
  maxFallbacks: count,
  modelGroupAlias: z.record(groupName.min(1, 'expected an alias name'), z.object({ model: groupName, hidden: z.boolean() })),
  cache: z.object({ enabled: z.boolean(), ttlSeconds: positiveSeconds, maxEntries: z.number().int('expected a whole number').positive('expected 1 or more') }),
  dropParams: z.boolean(),
  routes: routeListSchema,
  offlineFallback: groupName.min(1, 'expected the name of a model group').nullable(),
} satisfies { [Field in keyof RoutingSettings]: z.ZodType<RoutingSettings[Field]> };

// Unknown fields are dropped, so a page may send back the view it read (source and all).
export const updateSchema = z.object({ ...routingShape, version: count });

const FALLBACK_KINDS = ['fallbacks', 'contextWindowFallbacks', 'contentPolicyFallbacks'] as const;

/** What the route test sends: a body as a client would, its headers, the key and (Gemini) the model in the path. */
export const explainSchema = z.object({
  dialect: z.enum(ROUTE_DIALECTS, `expected one of ${ROUTE_DIALECTS.join(', ')}`),
  body: z.record(z.string(), z.unknown(), 'expected the request body as a JSON object'),
  headers: z.record(text(MAX_LENGTH.name), text(MAX_LENGTH.url)),
  keyId: text(MAX_LENGTH.id).optional(),
  model: text(MAX_LENGTH.name).optional(),
}) satisfies z.ZodType<RouteExplainRequest>;

function invalid(path: PropertyKey[], message: string): GatewayError {
  const param = formatPath(path);
  return new GatewayError('invalid_request', `${param}: ${message}`, { param });
}

/**
 * The settings with every group name passed through `rename` (null: forget it): fallback keys
 * and targets, default fallbacks, alias targets. Deployment ids in fallbacks go through it too.
 */
export function renameInRouting(settings: RoutingSettings, rename: (name: string) => string | null): RoutingSettings {
  const names = (list: string[]): string[] => [...new Set(list.map(rename).filter((name) => name !== null))];
  const map = (fallbacks: Record<string, string[]>): Record<string, string[]> =>
    Object.fromEntries(
      Object.entries(fallbacks).flatMap(([group, targets]) => {
        const renamed = rename(group);
        return renamed === null ? [] : [[renamed, names(targets)]];
      }),
    );
  return {
    ...settings,
    fallbacks: map(settings.fallbacks),
    contextWindowFallbacks: map(settings.contextWindowFallbacks),
    contentPolicyFallbacks: map(settings.contentPolicyFallbacks),
    defaultFallbacks: names(settings.defaultFallbacks),
    // A route whose group goes away goes with it (as an alias does); a renamed group keeps its routes.
    routes: settings.routes.flatMap((route) => {
      const to = rename(route.to);
      return to === null ? [] : [{ ...route, to }];
    }),
    modelGroupAlias: Object.fromEntries(
      Object.entries(settings.modelGroupAlias).flatMap(([alias, target]) => {
        const model = rename(target.model);
        return model === null ? [] : [[alias, { ...target, model }]];
      }),
    ),
    // The local group going away turns the offline fallback off.
    offlineFallback: settings.offlineFallback === null ? null : rename(settings.offlineFallback),
  };
}

/** Where the settings point at `name`: each fallback entry (`fallbacks.gpt-4o`, `defaultFallbacks`), each alias. */
export function routingReferences(settings: RoutingSettings, name: string): { fallbacks: string[]; aliases: string[] } {
  const fallbacks = FALLBACK_KINDS.flatMap((kind) =>
    Object.entries(settings[kind])
      .filter(([group, targets]) => group === name || targets.includes(name))
      .map(([group]) => formatPath([kind, group])),
  );
  if (settings.defaultFallbacks.includes(name)) fallbacks.push('defaultFallbacks');
  if (settings.offlineFallback === name) fallbacks.push('offlineFallback');
  const aliases = Object.entries(settings.modelGroupAlias)
    .filter(([, target]) => target.model === name)
    .map(([alias]) => alias);
  return { fallbacks, aliases };
}

export class RoutingService {
  constructor(private readonly deps: RoutingDeps) {}

  async get(): Promise<RoutingView> {
    return this.view(await this.deps.store.routing.get());
  }

  /**
   * Checks settings an import brings, before anything is copied: their values, their names against
   * the groups in force and those the import adds (`incoming`), and `version` against the stored one.
   */
  async checkImport(settings: RoutingSettings, incoming: { groups: string[]; ids: string[] }, version: number): Promise<void> {
    const { version: _version, ...valid } = parseInput(updateSchema, { ...settings, version });
    this.checkNames(valid, incoming);
    const stored = await this.deps.store.routing.get();
    if ((stored?.version ?? 0) !== version) {
      throw new GatewayError('conflict', 'Someone else changed the routing settings first; review the import again.', { current: this.view(stored) });
    }
  }

  /** Saves an import's settings once its models are in (checked by checkImport first), naming the version read. */
  async saveImport(settings: RoutingSettings, version: number): Promise<RoutingView> {
    return this.update({ ...settings, version });
  }

  /** Saves every setting, naming the version read; a stale one is a conflict carrying the current view. */
  async update(input: RoutingSettings & { version: number }): Promise<RoutingView> {
    const { version, ...settings } = parseInput(updateSchema, input);
    this.checkNames(settings);
    return this.save(settings, version);
  }

  /** Which route a request would take and why: the gateway's own decision (routing.explain). */
  explain(input: unknown): Promise<RouteExplanation> {
    return this.deps.routing.explain(parseInput(explainSchema, input));
  }

  /** Makes the config file's settings the app's, to edit; refused once the app has its own. */
  async copyFromConfig(): Promise<RoutingView> {
    if (!fileHasRoutingSettings(this.deps.config)) {
      throw new GatewayError('invalid_request', 'The config file sets no routing settings (or Loopgate was started without one): there is nothing to copy.');
    }
    const current = await this.deps.store.routing.get();
    if (current) {
      throw new GatewayError('conflict', 'The app already has its own routing settings, and they are in force; edit those.', { current: this.view(current) });
    }
    return this.save(fileRoutingSettings(this.deps.config), 0);
  }

  private async save(settings: RoutingSettings, version: number): Promise<RoutingView> {
    const { store, routing, clock } = this.deps;
    const saved = await storeChange(
      () => store.routing.save(settings, version, clock()),
      (current: StoredRouting | null) => this.view(current),
      'routing settings',
    );
    await routing.refresh();
    return this.view(saved);
  }

  private view(stored: StoredRouting | null): RoutingView {
    const { settings, source, version } = routingInForce(this.deps.config, stored);
    return { ...settings, version, source, configFileHasSettings: fileHasRoutingSettings(this.deps.config) };
  }

  /** Fallbacks name groups, aliases or (LiteLLM's `model_info.id`) deployments; aliases name groups. */
  private checkNames(settings: RoutingSettings, incoming: { groups: string[]; ids: string[] } = { groups: [], ids: [] }): void {
    const deployments = this.deps.routing.current().deployments.map((d) => d.config);
    const groups = new Set([...deployments.map((d) => d.modelName), ...incoming.groups]);
    const ids = new Set([...deployments.map((d) => d.id), ...incoming.ids]);
    const routable = new Set([...groups, ...Object.keys(settings.modelGroupAlias)]);
    for (const [alias, target] of Object.entries(settings.modelGroupAlias)) {
      if (groups.has(alias)) throw invalid(['modelGroupAlias', alias], `"${alias}" is a model group already; an alias of that name would hide it`);
      if (!groups.has(target.model)) throw invalid(['modelGroupAlias', alias, 'model'], `expected the name of a model group, got "${target.model}"`);
    }
    const checkTargets = (path: PropertyKey[], targets: string[]): void =>
      targets.forEach((target, index) => {
        if (!routable.has(target) && !ids.has(target)) throw invalid([...path, index], `expected a model group or a deployment id, got "${target}"`);
      });
    for (const kind of FALLBACK_KINDS) {
      for (const [group, targets] of Object.entries(settings[kind])) {
        if (!routable.has(group)) throw invalid([kind, group], `expected the name of a model group, got "${group}"`);
        checkTargets([kind, group], targets);
      }
    }
    checkTargets(['defaultFallbacks'], settings.defaultFallbacks);
    if (settings.offlineFallback !== null && !routable.has(settings.offlineFallback)) {
      throw invalid(['offlineFallback'], `expected the name of a model group, got "${settings.offlineFallback}"`);
    }
    settings.routes.forEach((route, index) => {
      if (!routable.has(route.to)) throw invalid(['routes', index, 'to'], `route "${route.name}": expected the name of a model group, got "${route.to}"`);
    });
  }
}
