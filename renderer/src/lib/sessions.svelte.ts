// The Sessions list's state: per client session (Claude Code's, Codex's) or per project, over a
// period (both kept in the URL), newest activity first; a row opens its requests in Logs.
import type { SessionsView, SessionView } from '../../../shared/api.js';
import { call, loadFailure } from './api.js';
import { app } from './app.svelte.js';
import { router } from './router.svelte.js';

export const SESSION_RANGES = [
  { id: '24h', label: '24 h', days: 1 },
  { id: '7d', label: '7 d', days: 7 },
  { id: '30d', label: '30 d', days: 30 },
  { id: '90d', label: '90 d', days: 90 },
] as const;

type SessionsBy = 'session' | 'project';

/** A session id is a UUID: its first block tells sessions apart on screen; the whole id is in the title. */
export function shortSession(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

/** "12 min", "1 h 5 min", "3 days": how long a session ran, first request to last. */
export function span(first: number, last: number): string {
  const minutes = Math.round((last - first) / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.round(minutes / 1440)} days`;
}

class SessionsState {
  view = $state<SessionsView | null>(null);
  /** Why the rows could not be loaded (nothing shown yet); null once they are. */
  loadError = $state<string | null>(null);
  /** What the rows shown are per: the URL's, so Back and reload keep it. */
  by = $derived<SessionsBy>(router.params['by'] === 'project' ? 'project' : 'session');
  range = $derived(SESSION_RANGES.find((each) => each.id === router.params['range']) ?? SESSION_RANGES[1]);
  /** The view the rows are of (the list keeps showing the last while the next loads). */
  shownBy = $state<SessionsBy>('session');

  async load(): Promise<void> {
    const by = this.by;
    try {
      this.view = await call('usage.sessions', { by, days: this.range.days, limit: 200 });
      this.shownBy = by;
      this.loadError = null;
    } catch (error) {
      if (!this.view) this.loadError = loadFailure(error);
      app.fail(error);
    }
  }

  set(param: 'by' | 'range', value: string): void {
    router.setParams({ ...router.params, [param]: value });
  }

  /** The requests of a session (or project), in Logs. */
  open(row: SessionView, by: SessionsBy = this.shownBy): void {
    router.go('logs', by === 'session' ? { session: row.name } : { project: row.name });
  }
}

export const sessions = new SessionsState();
