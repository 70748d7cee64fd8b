// Replay from Logs: the model group to send a captured request to (its own by default), the
// call, and the answer to show beside the original's.
import type { ReplayResult } from '../../../shared/api.js';
import { call } from './api.js';
import { app } from './app.svelte.js';

class ReplayState {
  groups = $state<string[]>([]);
  group = $state('');
  running = $state(false);
  /** The last replay, and the request it replayed (shown only while that request is selected). */
  result = $state<ReplayResult | null>(null);
  of = $state<string | null>(null);

  async loadGroups(): Promise<void> {
    try {
      this.groups = (await call('models.groups', {})).map((group) => group.name);
    } catch (error) {
      app.fail(error);
    }
  }

  /** A newly selected request: its own group is the default target; an older replay's answer goes. */
  selected(id: string, model: string | null): void {
    if (this.of === id) return;
    this.result = null;
    this.of = null;
    this.group = model && this.groups.includes(model) ? model : (this.groups[0] ?? '');
  }

  async run(id: string): Promise<void> {
    if (!this.group || this.running) return;
    this.running = true;
    try {
      this.result = await call('logs.replay', { id, group: this.group });
      this.of = id;
    } catch (error) {
      app.fail(error);
    } finally {
      this.running = false;
    }
  }
}

export const replay = new ReplayState();
