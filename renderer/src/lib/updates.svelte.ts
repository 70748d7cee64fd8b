// The desktop app's self-update as the window shows it: where it is (checking, ready, refused)
// and its two settings. Only the desktop shell answers; in browser mode there is nothing to show.
import type { UpdateSettings, UpdateView } from '../../../shared/api.js';
import { call } from './api.js';
import { app } from './app.svelte.js';
import { connection } from './connection.svelte.js';

class UpdatesState {
  view = $state<UpdateView | null>(null);
  busy = $state(false);
  private listening = false;

  /** A downloaded, verified update waiting for a restart. */
  readonly ready = $derived(this.view?.phase === 'ready');
  /** A download that failed verification: said until the next round. */
  readonly refused = $derived(this.view?.phase === 'failed' && (this.view.message ?? '').includes('was refused'));

  get status(): string {
    const view = this.view;
    if (!view) return '';
    const checked = view.checkedAt ? `, last looked ${new Date(view.checkedAt).toLocaleString()}` : '';
    switch (view.phase) {
      case 'off':
        return `Off. This is Loopgate ${view.currentVersion}.`;
      case 'checking':
        return 'Looking for an update…';
      case 'downloading':
        return `Downloading Loopgate ${view.version ?? ''}${view.percent === null ? '' : ` (${view.percent}%)`}…`;
      case 'ready':
        return `Loopgate ${view.version ?? ''} is downloaded and verified; it installs when you quit.`;
      case 'idle':
        return view.message ?? `Loopgate ${view.currentVersion} is the newest${checked}.`;
      default:
        return view.message ?? '';
    }
  }

  async load(): Promise<void> {
    if (connection.browserMode) return;
    if (!this.listening) {
      this.listening = true;
      connection.on('update', (view) => (this.view = view));
    }
    try {
      this.view = await call('updates.get', {});
    } catch {
      // Nothing to show rather than a toast: a build without an updater, or the gateway stopped (its own banner says so).
      this.view = null;
    }
  }

  async configure(settings: UpdateSettings): Promise<void> {
    await this.run(async () => {
      this.view = await call('updates.configure', settings);
      app.say(settings.enabled ? `Updates on, ${settings.channel} channel.` : 'Updates off.');
    });
  }

  async check(): Promise<void> {
    await this.run(async () => void (this.view = await call('updates.check', {})));
  }

  async restart(): Promise<void> {
    await this.run(async () => {
      const { restarting } = await call('updates.restart', {});
      if (!restarting) app.say('There is no downloaded update to install yet.');
    });
  }

  private async run(task: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await task();
    } catch (error) {
      app.fail(error);
    } finally {
      this.busy = false;
    }
  }
}

export const updates = new UpdatesState();
