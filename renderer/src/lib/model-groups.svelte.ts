// Model groups as the router sees them right now, and every edit to them. Deployment edits name
// the version they read: a stale one is shown as a conflict, never written over; other errors
// become toasts. The groups reload on the core's `changed` events, which every edit brings. One instance.
import type { ApiResponse, DeploymentSettings, DeploymentView, ModelGroupView, ProviderView } from '../../../shared/api.js';
import { call } from './api.js';
import { app } from './app.svelte.js';
import { byPriority } from './deployments.js';
import { reloadOn } from './reload.js';
import { routingSettings } from './routing-settings.svelte.js';
import { VersionedSave } from './versioned-save.svelte.js';
import { loadInto } from './view-load.js';

/** How often live state (cooldowns, errors, latency) is refreshed while the view is open. */
const POLL_MS = 4000;

interface DeploymentChange {
  upstreamModel?: string;
  settings?: Partial<DeploymentSettings>;
}

export type References = ApiResponse<'models.references'>;

/** The deployments the app defines in a group: the ones it can edit. */
const appDeployments = (group: ModelGroupView): DeploymentView[] => group.deployments.filter((deployment) => deployment.source === 'app');

class ModelGroups {
  groups = $state<ModelGroupView[]>([]);
  providers = $state<ProviderView[]>([]);
  /** False until the first load arrived: no "No models yet" before we know. */
  loaded = $state(false);
  /** Why the groups could not be loaded (nothing shown yet); null once they are. */
  loadError = $state<string | null>(null);
  /** Deployment edits, under the version read. */
  private readonly saves = new VersionedSave<DeploymentView>();
  /** Group names, for pickers (fallbacks, aliases). */
  readonly names = $derived([...new Set(this.groups.map((group) => group.name))].sort());
  /** Providers made in the app: the ones a deployment can be added on. */
  readonly editableProviders = $derived(this.providers.filter((provider) => !provider.readOnly));
  private polling: ReturnType<typeof setInterval> | null = null;

  /** The current row of a deployment someone else changed first. */
  get conflict(): DeploymentView | null {
    return this.saves.conflict?.theirs ?? null;
  }

  async load(): Promise<void> {
    // A failed first load is not "No models yet": the view says it could not load them.
    await loadInto(this, async () => {
      [this.groups, this.providers] = await Promise.all([call('models.groups', {}), call('providers.list', {})]);
    });
  }

  /** Keeps groups and live state fresh while a view shows them; returns the stop. */
  watch(): () => void {
    void this.load();
    this.polling ??= setInterval(() => void this.refreshLive(), POLL_MS);
    const stopReloading = reloadOn(['models', 'providers'], () => this.load());
    return () => {
      stopReloading();
      if (this.polling) clearInterval(this.polling);
      this.polling = null;
    };
  }

  /** The app's provider by its name; a config-file deployment by its family and host. */
  providerName(deployment: DeploymentView): string {
    const stored = this.providers.find((provider) => provider.id === deployment.providerId);
    return stored ? stored.name : `${deployment.provider} at ${URL.parse(deployment.apiBase)?.host ?? deployment.apiBase}`;
  }

  /** Saves one deployment's edit under the version it was read at. */
  update(deployment: DeploymentView, change: DeploymentChange): Promise<boolean> {
    return this.saves.run(() => call('models.update', { id: deployment.id, version: deployment.version, ...change }));
  }

  /** Moves a deployment one place earlier or later; every app deployment then gets its place as its order. */
  async move(group: ModelGroupView, deployment: DeploymentView, step: -1 | 1): Promise<boolean> {
    const sequence = byPriority(appDeployments(group));
    const from = sequence.findIndex((each) => each.id === deployment.id);
    const to = from + step;
    if (from < 0 || to < 0 || to >= sequence.length) return false;
    [sequence[from], sequence[to]] = [sequence[to]!, sequence[from]!];
    return this.saves.run(async () => {
      for (const [index, each] of sequence.entries()) {
        if (each.settings.order !== index + 1) await call('models.update', { id: each.id, version: each.version, settings: { order: index + 1 } });
      }
    });
  }

  /** Clears every order in a group: its deployments share the traffic again. */
  balance(group: ModelGroupView): Promise<boolean> {
    return this.saves.run(async () => {
      for (const each of appDeployments(group)) {
        if (each.settings.order !== null) await call('models.update', { id: each.id, version: each.version, settings: { order: null } });
      }
    });
  }

  add(modelName: string, providerId: string, upstreamModel: string): Promise<boolean> {
    return this.guarded(async () => {
      const added = await call('models.add', { modelName, providerId, upstreamModel });
      app.say(`"${added.modelName}" now also runs on ${added.upstreamModel}.`);
      await app.refreshStatus();
    });
  }

  rename(from: string, to: string): Promise<boolean> {
    return this.guarded(async () => {
      await call('models.renameGroup', { from, to });
      app.say(`Renamed "${from}" to "${to}". Keys, fallbacks and aliases that named it follow.`);
      await routingSettings.refresh();
    });
  }

  remove(deployment: DeploymentView): Promise<boolean> {
    return this.guarded(async () => {
      await call('models.remove', { id: deployment.id });
      app.say(`Removed ${deployment.upstreamModel} from "${deployment.modelName}".`);
      await Promise.all([app.refreshStatus(), routingSettings.refresh()]);
    });
  }

  removeGroup(name: string): Promise<boolean> {
    return this.guarded(async () => {
      await call('models.removeGroup', { name });
      app.say(`Removed "${name}".`);
      await Promise.all([app.refreshStatus(), routingSettings.refresh()]);
    });
  }

  copyFromConfig(name: string): Promise<boolean> {
    return this.guarded(async () => {
      await call('models.copyFromConfig', { name });
      app.say(`"${name}" is now the app's: edit it here. The config file's version is no longer used.`);
    });
  }

  async references(name: string): Promise<References | null> {
    return call('models.references', { name }).catch((error: unknown) => (app.fail(error), null));
  }

  async reloadAfterConflict(): Promise<void> {
    this.saves.clear();
    await this.load();
  }

  /** Runs an unversioned edit: errors become toasts. */
  private async guarded(action: () => Promise<unknown>): Promise<boolean> {
    try {
      await action();
      this.saves.clear();
      return true;
    } catch (error) {
      app.fail(error);
      return false;
    }
  }

  /** A quiet refresh: a failure here is already said by the next edit, not every few seconds. */
  private async refreshLive(): Promise<void> {
    if (document.hidden) return;
    this.groups = await call('models.groups', {}).catch(() => this.groups);
  }
}

export const modelGroups = new ModelGroups();
