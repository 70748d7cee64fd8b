// The Providers view's state: the providers, the add form's draft, connection tests and the models
// they found (with the ones already added), local servers found, and the provider being edited.
// An edit names the version it read: a stale one is a conflict to act on; other errors become
// toasts. The list reloads on the core's `changed` events, which every save brings. One instance.
import type { DeploymentView, DiscoveredServer, ProviderCredentialMode, ProviderTestResult, ProviderView } from '../../../shared/api.js';
import { allowsPassthrough, PROVIDER_CHOICES, providerLabel } from '../../../shared/providers.js';
import { call } from './api.js';
import { app } from './app.svelte.js';
import { confirmation } from './confirm.svelte.js';
import { connection } from './connection.svelte.js';
import { plural } from './format.js';
import { providerHealth, type ProviderHealth } from './provider-health.js';
import { reloadOn } from './reload.js';
import { VersionedSave } from './versioned-save.svelte.js';
import { loadInto } from './view-load.js';

/** A provider's edit form: its fields as typed; an empty key keeps the saved one. */
interface ProviderEdit {
  provider: ProviderView;
  name: string;
  apiBase: string;
  apiKey: string;
  credential: ProviderCredentialMode;
  /** A proxy URL, `direct`, or empty to follow HTTPS_PROXY / NO_PROXY. */
  proxy: string;
}

const editOf = (provider: ProviderView): ProviderEdit => ({ provider, name: provider.name, apiBase: provider.apiBase ?? '', apiKey: '', credential: provider.credential, proxy: provider.proxy ?? '' });

const ROUTE_REASONS: Record<ProviderView['route']['reason'], string> = {
  provider: "this provider's setting",
  HTTPS_PROXY: 'HTTPS_PROXY',
  HTTP_PROXY: 'HTTP_PROXY',
  no_proxy: 'listed in NO_PROXY',
  loopback: 'on this machine',
  local_provider: 'a local server',
  system: "the system's proxy settings",
  none: 'no proxy set',
};

/** How a provider's calls leave this machine, in a few words: "via http://corp:3128 (HTTPS_PROXY)", "direct (no proxy set)". */
export function routeText(route: ProviderView['route']): string {
  return `${route.proxy ? `via ${route.proxy}` : 'direct'} (${ROUTE_REASONS[route.reason]})`;
}

/** The credential fields a save sends: the mode where the family offers a choice, the key only with a key. */
function credentialFields(family: string, credential: ProviderCredentialMode, apiKey: string): { credential?: ProviderCredentialMode; apiKey?: string } {
  const mode = allowsPassthrough(family) ? credential : 'key';
  return { ...(allowsPassthrough(family) ? { credential: mode } : {}), ...(mode === 'key' && apiKey ? { apiKey } : {}) };
}

/** How an "Add model" row is told apart: `providerId:upstreamModel`. */
export const modelKey = (providerId: string, upstreamModel: string): string => `${providerId}:${upstreamModel}`;

class ProvidersState {
  list = $state<ProviderView[]>([]);
  /** False until the first list arrived: no "No providers yet" before we know. */
  loaded = $state(false);
  /** Why the list could not be loaded (nothing shown yet); null once it is. */
  loadError = $state<string | null>(null);
  /** The add form, as typed. */
  draft = $state({ family: 'openai', name: '', apiBase: '', apiKey: '', credential: 'key' as ProviderCredentialMode });
  adding = $state(false);
  /** The "New provider" sheet is open. */
  creating = $state(false);
  tests = $state<Record<string, ProviderTestResult | 'testing'>>({});
  /** The name each found model gets for tools, by `modelKey`; empty uses the provider's own. */
  modelNames = $state<Record<string, string>>({});
  /** Deployments already made, by `modelKey`: their "Add model" reads "Added ✓". */
  added = $state<Map<string, string>>(new Map());
  /** The model being added, by `modelKey`. */
  addingModel = $state<string | null>(null);
  /** Local servers found; null until someone asked, or one answered by itself. */
  discovered = $state<DiscoveredServer[] | null>(null);
  editing = $state<ProviderEdit | null>(null);
  /** Said under the key field: a provider moved to another server needs its key entered again (the saved one is not sent there). */
  keyError = $state<string | null>(null);
  /** Each provider's health from the gateway's live state, by provider id. */
  health = $state<Record<string, ProviderHealth>>({});
  private readonly saves = new VersionedSave<ProviderView>();
  private healthLoading = false;

  /** The add form's provider type, with its hints. */
  readonly choice = $derived(PROVIDER_CHOICES.find((choice) => choice.id === this.draft.family) ?? PROVIDER_CHOICES[0]!);

  /** The provider someone else changed first, as it is now. */
  get conflict(): ProviderView | null {
    return this.saves.conflict?.theirs ?? null;
  }

  /** Loads the list, looks for local servers, then follows the core's changes; returns the stop. */
  watch(): () => void {
    void this.load();
    // Local servers are found without asking; nothing shows when there are none.
    void call('providers.discover', {})
      .then((found) => (this.discovered = found.length ? found : this.discovered))
      .catch(() => undefined);
    const stops = [
      reloadOn(['providers', 'models'], () => this.load()),
      // A finished request may change a provider's health (its last call, a cooldown).
      connection.on('log', () => void this.loadHealth()),
    ];
    return () => stops.forEach((stop) => stop());
  }

  private applyDeployments(deployments: DeploymentView[]): void {
    this.added = new Map(deployments.flatMap((d) => (d.providerId ? [[modelKey(d.providerId, d.upstreamModel), d.modelName] as const] : [])));
    this.health = Object.fromEntries(this.list.map((provider) => [provider.id, providerHealth(deployments.filter((d) => runsOn(d, provider.id)))]));
  }

  /** Health only; one load at a time, as requests finish in bursts. */
  private async loadHealth(): Promise<void> {
    if (this.healthLoading || !this.loaded) return;
    this.healthLoading = true;
    try {
      this.applyDeployments(await call('models.list', {}));
    } catch {
      // The row keeps what it showed; the next request tries again.
    } finally {
      this.healthLoading = false;
    }
  }

  async load(): Promise<void> {
    await loadInto(this, async () => {
      const [list, deployments] = await Promise.all([call('providers.list', {}), call('models.list', {})]);
      this.list = list;
      this.applyDeployments(deployments);
    });
  }

  /** Adds the drafted provider, then tests it (its models show as soon as the list has it). */
  async add(): Promise<void> {
    const { family, name, apiBase, apiKey, credential } = this.draft;
    this.adding = true;
    try {
      const created = await call('providers.create', { name: name || this.choice.label, family, apiBase: apiBase || null, ...credentialFields(family, credential, apiKey) });
      this.draft = { family, name: '', apiBase: '', apiKey: '', credential };
      this.creating = false;
      // With each tool's own sign-in there is no key here to list the models with.
      if (created.credential === 'passthrough') return app.say(`Added ${created.name}. Add its models by id in Models & routing; each tool signs in with its own account.`);
      await this.test(created.id);
      // A failed test speaks on the provider's row (with what to check); no cheerful toast beside it.
      const tested = this.tests[created.id];
      if (tested && tested !== 'testing' && tested.ok) app.say(`Added ${created.name}: ${plural(tested.models.length, 'model')} found. Add the ones your tools use.`);
    } catch (error) {
      app.fail(error);
    } finally {
      this.adding = false;
    }
  }

  async test(id: string): Promise<void> {
    this.tests = { ...this.tests, [id]: 'testing' };
    const result = await call('providers.test', { id }).catch((error: unknown) => ({ ok: false, models: [], error: (error as Error).message, keys: [] }));
    this.tests = { ...this.tests, [id]: result };
  }

  async addModel(provider: ProviderView, upstreamModel: string): Promise<void> {
    const key = modelKey(provider.id, upstreamModel);
    if (this.added.has(key) || this.addingModel === key) return;
    this.addingModel = key;
    try {
      const made = await call('models.add', { providerId: provider.id, upstreamModel, modelName: this.modelNames[key] || upstreamModel });
      this.added = new Map(this.added).set(key, made.modelName);
      app.say(`"${made.modelName}" is ready for your tools.`);
      await app.refreshStatus();
    } catch (error) {
      app.fail(error);
    } finally {
      this.addingModel = null;
    }
  }

  async remove(provider: ProviderView): Promise<void> {
    const { groups, keys } = await dependents(provider);
    const sure = await confirmation.ask({
      title: `Delete the provider “${provider.name}”?`,
      body: groups.length
        ? `Its saved API key goes, and so do ${plural(groups.length, 'model')} that run on it; tools asking for them get “no such model” unless another provider serves them${keys.length ? `, and ${plural(keys.length, 'key')} name them` : ''}:`
        : 'Its saved API key goes. No model runs on it.',
      items: [...groups.map((name) => `model ${name}`), ...keys.map((label) => `key ${label}`)],
      confirmLabel: 'Delete provider',
    });
    if (!sure) return;
    try {
      await call('providers.delete', { id: provider.id });
      app.say(`Deleted ${provider.name}.`);
    } catch (error) {
      app.fail(error);
    }
    await app.refreshStatus();
  }

  async discover(): Promise<void> {
    this.discovered = await call('providers.discover', {}).catch((error: unknown) => (app.fail(error), []));
  }

  /** Fills the add form in for a local server found. */
  useDiscovered(server: DiscoveredServer): void {
    this.draft = { ...this.draft, family: server.family, apiBase: server.apiBase, name: providerLabel(server.family) };
    this.creating = true;
  }

  edit(provider: ProviderView | null): void {
    this.editing = provider ? editOf(provider) : null;
    this.keyError = null;
    this.saves.clear();
  }

  /** Saves the edit under the version it was opened at; someone else's save first is shown, nothing overwritten. */
  async save(): Promise<void> {
    const current = this.editing;
    if (!current) return;
    const { provider } = current;
    await this.saves.run(
      async () => {
        await call('providers.update', {
          id: provider.id,
          version: provider.version,
          name: current.name,
          family: provider.family,
          apiBase: current.apiBase || null,
          proxy: current.proxy.trim() || null,
          ...credentialFields(provider.family, current.credential, current.apiKey),
        });
        this.editing = null;
        this.keyError = null;
        app.say('Saved. The new settings apply to the next request.');
      },
      null,
      (error) => {
        if (error.data.param !== 'apiKey') return false;
        const said = error.message.replace(/^apiKey: /, '');
        this.keyError = said.charAt(0).toUpperCase() + said.slice(1);
        return true;
      },
    );
  }

  /** After a conflict: the form opens again on their version. */
  reloadAfterConflict(): void {
    const theirs = this.saves.takeTheirs();
    if (theirs) this.editing = editOf(theirs);
    this.keyError = null;
    void this.load();
  }
}

/** Whether a deployment runs on the provider: an app provider by its id, a config file's by `config:<family>:<origin>` (as providers.list names it). */
function runsOn(deployment: DeploymentView, providerId: string): boolean {
  if (deployment.providerId !== null) return deployment.providerId === providerId;
  try {
    return providerId === `config:${deployment.provider}:${new URL(deployment.apiBase).origin}`;
  } catch {
    return false;
  }
}

/** The model groups that run on a provider, and the keys whose allowed models name them. */
async function dependents(provider: ProviderView): Promise<{ groups: string[]; keys: string[] }> {
  const deployments = await call('models.list', {}).catch(() => []);
  const groups = [...new Set(deployments.filter((deployment) => deployment.providerId === provider.id).map((deployment) => deployment.modelName))];
  const references = await Promise.all(groups.map((name) => call('models.references', { name }).catch(() => ({ keys: [] }))));
  return { groups, keys: [...new Set(references.flatMap((reference) => reference.keys.map((key) => key.label)))] };
}

export const providersState = new ProvidersState();
