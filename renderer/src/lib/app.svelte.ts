// App-wide state: the gateway's status (pushed by the core's `status` event), navigation, and
// toasts. One instance.
import type { StatusView } from '../../../shared/api.js';
import type { ViewId } from '../views/ids.js';
import { call, isConnectionFailure } from './api.js';
import { connection } from './connection.svelte.js';
import { router } from './router.svelte.js';

interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

/** More than this and the oldest go first: a stack never grows over the view. */
const MAX_TOASTS = 3;

class AppState {
  status = $state<StatusView | null>(null);
  toasts = $state<Toast[]>([]);
  private nextToast = 1;

  constructor() {
    connection.on('status', (status) => (this.status = status));
    connection.on('usage', ({ today }) => {
      if (this.status) this.status = { ...this.status, today };
    });
  }

  get view(): ViewId {
    return router.view;
  }

  go(view: ViewId, params: Record<string, string> = {}): void {
    router.go(view, params);
  }

  async refreshStatus(): Promise<void> {
    try {
      this.status = await call('status.get', {});
    } catch (error) {
      this.fail(error);
    }
  }

  say(text: string): void {
    this.push('ok', text);
  }

  /** Every service error ends up as a readable toast, never a silent failure; a lost link is the banner's to say. */
  fail(error: unknown): void {
    if (isConnectionFailure(error)) return;
    this.push('error', error instanceof Error ? error.message : String(error));
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }

  private push(kind: Toast['kind'], text: string): void {
    // The same message again moves to the end instead of stacking up.
    const id = this.nextToast++;
    this.toasts = [...this.toasts.filter((toast) => toast.text !== text), { id, kind, text }].slice(-MAX_TOASTS);
    setTimeout(() => this.dismiss(id), kind === 'error' ? 8000 : 4000);
  }
}

export const app = new AppState();
