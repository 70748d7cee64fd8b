// The first-run checklist: add a provider, create a key, connect a tool. It stays on the
// Overview until all three are done or it is dismissed; both are remembered on this machine.
import { app } from './app.svelte.js';

const DISMISSED = 'loopgate.guide.dismissed';
const CONNECTED = 'loopgate.guide.connected';

function stored(name: string): boolean {
  try {
    return localStorage.getItem(name) === '1';
  } catch {
    return false;
  }
}

function store(name: string): void {
  try {
    localStorage.setItem(name, '1');
  } catch {
    // Storage off: the guide simply shows again next time.
  }
}

class Guide {
  dismissed = $state(stored(DISMISSED));
  /** A tool's setup was copied from Connect, or a request has come through. */
  private copied = $state(stored(CONNECTED));

  steps = $derived.by(() => {
    const status = app.status;
    return {
      provider: (status?.counts.providers ?? 0) > 0 && (status?.counts.models ?? 0) > 0,
      key: (status?.counts.keys ?? 0) > 0,
      connect: this.copied || (status?.today.requests ?? 0) > 0,
    };
  });

  done = $derived(this.steps.provider && this.steps.key && this.steps.connect);
  shown = $derived(app.status !== null && !this.dismissed && !this.done);

  dismiss(): void {
    this.dismissed = true;
    store(DISMISSED);
  }

  connected(): void {
    this.copied = true;
    store(CONNECTED);
  }
}

export const guide = new Guide();
