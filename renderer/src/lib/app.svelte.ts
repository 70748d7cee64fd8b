// App-wide state: which view is open, the gateway's status, and toasts. One instance.
import type { StatusView } from '../../../shared/api.js';
import type { ViewId } from '../views/registry.js';
import { ApiError, call } from './api.js';

interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

class AppState {
  view = $state<ViewId>('overview');
  status = $state<StatusView | null>(null);
  toasts = $state<Toast[]>([]);
  private nextToast = 1;

  /** First run: nothing configured yet, so the guide shows. */
  firstRun = $derived(this.status !== null && this.status.counts.models === 0);

  go(view: ViewId): void {
    this.view = view;
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

  /** Every service error ends up as a readable toast, never a silent failure. */
  fail(error: unknown): void {
    this.push('error', error instanceof ApiError || error instanceof Error ? error.message : String(error));
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }

  private push(kind: Toast['kind'], text: string): void {
    const id = this.nextToast++;
    this.toasts = [...this.toasts, { id, kind, text }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? 8000 : 4000);
  }
}

export const app = new AppState();
