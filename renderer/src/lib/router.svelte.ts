// One URL per view: `#/keys`, `#/logs?model=gpt-4o`. The hash is the truth, so reload keeps the
// view and its filters and Back works; views read and write their filters through `params`.
import { VIEW_IDS, type ViewId } from '../views/ids.js';

function parse(hash: string): { view: ViewId; params: Record<string, string> } {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = (VIEW_IDS as readonly string[]).includes(path) ? (path as ViewId) : 'overview';
  return { view, params: Object.fromEntries(new URLSearchParams(query)) };
}

function hashOf(view: ViewId, params: Record<string, string>): string {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== '')).toString();
  return `#/${view}${query ? `?${query}` : ''}`;
}

class Router {
  view = $state<ViewId>('overview');
  params = $state<Record<string, string>>({});
  /** Counts navigations, so the shell moves focus to the new view's heading (not on first load). */
  navigations = $state(0);

  constructor() {
    this.read();
    window.addEventListener('hashchange', () => {
      const before = this.view;
      this.read();
      if (this.view !== before) this.navigations += 1;
    });
  }

  private read(): void {
    const { view, params } = parse(location.hash);
    this.view = view;
    this.params = params;
  }

  /** Opens a view (a new history entry, so Back returns). */
  go(view: ViewId, params: Record<string, string> = {}): void {
    const next = hashOf(view, params);
    if (location.hash !== next) location.hash = next;
  }

  /** Changes the open view's filters in the URL without a new history entry. */
  setParams(params: Record<string, string>): void {
    history.replaceState(history.state, '', hashOf(this.view, params));
    this.params = params;
  }
}

export const router = new Router();
