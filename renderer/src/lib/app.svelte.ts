// App-wide state: the gateway's status (pushed by the core's `status` event), navigation, and
// toasts. One instance.
import type { StatusView } from '../../../shared/api.js';
import type { ViewId } from '../views/ids.js';
import { call, isConnectionFailure, loadFailure } from './api.js';
import { connection } from './connection.svelte.js';
import { router } from './router.svelte.js';

interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

/** How long a toast stays, unless the pointer or focus is on the stack. */
const TOAST_MS = { ok: 4000, error: 8000 } as const;

/** More than this and the oldest go first: a stack never grows over the view. */
const MAX_TOASTS = 3;

class AppState {
  status = $state<StatusView | null>(null);
  /** Why the status could not be had (none known yet); null once it is. */
  statusError = $state<string | null>(null);
  toasts = $state<Toast[]>([]);
  /** Side sheets open now: a modal sheet covers the shell's toast row, so toasts show inside it instead. */
  sheetsOpen = $state(0);
  private nextToast = 1;
  private expiries = new Map<number, ReturnType<typeof setTimeout>>();
  /** The pointer or focus is on the toasts: none leaves while someone is reading or dismissing them. */
  private holders = new Set<'pointer' | 'focus'>();

  constructor() {
    connection.on('status', (status) => {
      this.status = status;
      this.statusError = null;
    });
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
      this.statusError = null;
    } catch (error) {
      if (!this.status) this.statusError = loadFailure(error);
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
    clearTimeout(this.expiries.get(id));
    this.expiries.delete(id);
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }

  /** Keeps every toast on screen while the pointer or focus is on them; then each runs its full time again. */
  holdToasts(by: 'pointer' | 'focus', on: boolean): void {
    const before = this.holders.size > 0;
    if (on) this.holders.add(by);
    else this.holders.delete(by);
    const held = this.holders.size > 0;
    if (held === before) return;
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
    if (!held) for (const toast of this.toasts) this.expire(toast);
  }

  private push(kind: Toast['kind'], text: string): void {
    // The same message again moves to the end instead of stacking up.
    const toast = { id: this.nextToast++, kind, text };
    const kept = [...this.toasts.filter((each) => each.text !== text), toast];
    for (const gone of kept.slice(0, -MAX_TOASTS)) this.dismiss(gone.id);
    this.toasts = kept.slice(-MAX_TOASTS);
    if (this.holders.size === 0) this.expire(toast);
  }

  private expire(toast: Toast): void {
    this.expiries.set(
      toast.id,
      setTimeout(() => this.dismiss(toast.id), TOAST_MS[toast.kind]),
    );
  }
}

export const app = new AppState();
