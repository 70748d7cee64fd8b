// The bell: the recent alerts (alerts.list), new ones as the core pushes them (the `alert`
// event), and how many arrived since the list was last opened (remembered in this browser).
import type { AlertEntry } from '../../../shared/alerts.js';
import { call } from './api.js';
import { connection } from './connection.svelte.js';

const SEEN_KEY = 'loopgate.alerts.seen';

function readSeen(): number {
  try {
    return Number(localStorage.getItem(SEEN_KEY) ?? 0) || 0;
  } catch {
    return 0;
  }
}

class Alerts {
  list = $state<AlertEntry[]>([]);
  /** The newest alert time the person has seen. */
  seen = $state(readSeen());
  readonly unread = $derived(this.list.filter((alert) => alert.time > this.seen).length);
  private started = false;

  /** Loads the list and follows new alerts; again after the link comes back. */
  start(): void {
    if (this.started) return;
    this.started = true;
    connection.on('alert', (alert) => {
      if (!this.list.some((known) => known.id === alert.id)) this.list = [alert, ...this.list].slice(0, 50);
    });
    connection.on('reconnected', () => void this.load());
    void this.load();
  }

  async load(): Promise<void> {
    try {
      this.list = await call('alerts.list', {});
    } catch {
      // The bell stays as it was; a lost link is the banner's to say.
    }
  }

  /** The list was opened: everything in it counts as seen. */
  markSeen(): void {
    const newest = this.list[0]?.time ?? this.seen;
    if (newest <= this.seen) return;
    this.seen = newest;
    try {
      localStorage.setItem(SEEN_KEY, String(newest));
    } catch {
      // Private mode: the count resets on reload.
    }
  }
}

export const alerts = new Alerts();
