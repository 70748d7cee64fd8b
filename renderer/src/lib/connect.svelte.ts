// The Connect view's key: the one "Create a key to fill in" made, kept for the whole session so
// a second click (or a return to the view) reuses it instead of making another; and the models
// a setup can name, best first (a failed first load is said as such, not as "add a model first").
import { call } from './api.js';
import { app } from './app.svelte.js';
import { rankModels } from './connect-model.js';
import { guide } from './guide.svelte.js';
import { loadInto } from './view-load.js';

/** Pasted as is, this is refused by the gateway with a readable 401; it is never a real key. */
export const KEY_PLACEHOLDER = 'PASTE-YOUR-LOOPGATE-KEY';

class ConnectState {
  made = $state<{ secret: string; alias: string } | null>(null);
  creating = $state(false);
  installing = $state(false);
  /** What the last "Install the loopgate command" did, said next to the button. */
  installed = $state<{ ok: boolean; message: string } | null>(null);
  /** Model groups, most-used working one first. */
  ranked = $state<string[]>([]);
  /** False until the models arrived. */
  loaded = $state(false);
  /** Why the models could not be loaded (none yet); null once they are. */
  loadError = $state<string | null>(null);

  /** Loads the models; true when they arrived. */
  loadModels(): Promise<boolean> {
    return loadInto(this, async () => {
      const [deployments, usage] = await Promise.all([call('models.list', {}), call('usage.series', { days: 30 }).catch(() => null)]);
      this.ranked = rankModels(deployments, usage?.byModel ?? []);
    });
  }

  /** Desktop app only: puts `loopgate` on the PATH (the OS may ask for an administrator's password). */
  async installCommand(): Promise<void> {
    if (this.installing) return;
    this.installing = true;
    try {
      const result = await call('shell.installCommand', {});
      this.installed = { ok: result.installed, message: result.message };
    } catch (error) {
      app.fail(error);
    } finally {
      this.installing = false;
    }
  }

  async makeKey(): Promise<void> {
    if (this.made || this.creating) return;
    this.creating = true;
    try {
      const created = await call('keys.create', { keyAlias: 'connected-tools', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, maxBudget: null, budgetDuration: null, duration: null });
      this.made = { secret: created.secret, alias: created.key.keyAlias ?? created.key.keyPrefix };
      app.say('Created the key “connected-tools”; it is filled in below. Copy the setup now: the key is shown only while this window is open.');
      await app.refreshStatus();
    } catch (error) {
      app.fail(error);
    } finally {
      this.creating = false;
    }
  }

  copied(): void {
    guide.connected();
  }
}

export const connect = new ConnectState();
