// The Routes section's state: the ordered routes being edited, saved in the routing settings'
// versioned row (the rest of the row as it was read, so the settings form's unsaved edits stay
// its own). A stale version keeps the draft and shows the current routes; a refusal that names a
// route (its group does not exist, …) is said next to that route. One instance.
import type { RoutingView } from '../../../shared/api.js';
import type { RouteSetting } from '../../../shared/routes.js';
import { ApiError, call } from './api.js';
import { app } from './app.svelte.js';
import { modelGroups } from './model-groups.svelte.js';
import { blankRoute, routeDraftsOf, routeErrors, routesOf, type RouteDraft, type RouteErrors } from './route-draft.js';
import { routingSettings, type RoutingPart } from './routing-settings.svelte.js';
import { VersionedSave } from './versioned-save.svelte.js';

/** `routes[2].to` → 2: the route a refusal is about. */
const ROUTE_PARAM = /^routes\[(\d+)\]/;

class RoutesState {
  draft = $state<RouteDraft[]>([]);
  /** Set by the first save: from then on every error shows. */
  tried = $state(false);
  /** The gateway's refusal, by route index, until the next edit is saved. */
  refused = $state<RouteErrors>({});
  /** The route whose form is open (an index), or null. */
  editing = $state<number | null>(null);
  /** The routes as last read or saved: what the draft started from. */
  private base = $state<RouteSetting[]>([]);
  private readonly saves = new VersionedSave<RoutingView>();
  readonly errors = $derived({ ...routeErrors(this.draft, modelGroups.names), ...this.refused });
  readonly dirty = $derived(JSON.stringify(this.draft) !== JSON.stringify(routeDraftsOf(this.base)));

  constructor() {
    routingSettings.watch({ show: (view, replaces) => this.show(view, replaces), dirty: () => this.dirty });
  }

  get saving(): boolean {
    return this.saves.running;
  }

  get conflict(): RoutingView | null {
    return this.saves.conflict?.theirs ?? null;
  }

  add(to: string): void {
    this.draft = [...this.draft, blankRoute(to)];
    this.editing = this.draft.length - 1;
  }

  remove(index: number): void {
    this.draft = this.draft.filter((_, at) => at !== index);
    this.editing = null;
    this.refused = {};
  }

  /** Moves a route one place up (-1) or down (+1), or to `to` (a drop). */
  move(index: number, by: number): void {
    const to = index + by;
    if (to < 0 || to >= this.draft.length || to === index) return;
    const next = [...this.draft];
    const [route] = next.splice(index, 1);
    if (route) next.splice(to, 0, route);
    this.draft = next;
    if (this.editing === index) this.editing = to;
    this.refused = {};
  }

  async save(): Promise<boolean> {
    const view = routingSettings.view;
    if (!view) return false;
    this.tried = true;
    if (Object.keys(routeErrors(this.draft, modelGroups.names)).length > 0) return false;
    const { version, source: _source, configFileHasSettings: _file, ...settings } = view;
    return this.saves.run(
      async () => {
        routingSettings.show(await call('routing.update', { ...settings, routes: routesOf(this.draft), version }), 'routes');
        app.say('Routes saved. New requests take them now.');
      },
      null,
      (error) => this.refuse(error),
    );
  }

  discard(): void {
    if (routingSettings.view) this.show(routingSettings.view, 'routes');
  }

  /** After a conflict: the current routes replace the draft (and the settings form's version moves on with them). */
  reloadAfterConflict(): void {
    const theirs = this.saves.takeTheirs();
    if (theirs) routingSettings.show(theirs, 'routes');
  }

  /** A refusal about one route is said there (true); others are toasts. */
  private refuse(error: ApiError): boolean {
    const param = ROUTE_PARAM.exec(error.data.param ?? '')?.[1];
    const named = (route: RouteDraft): boolean => route.name.trim() !== '' && [`“${route.name.trim()}”`, `"${route.name.trim()}"`].some((quoted) => error.message.includes(quoted));
    const at = param === undefined ? this.draft.findIndex(named) : Number(param);
    if (error.code !== 'invalid_request' || at < 0 || at >= this.draft.length) return false;
    this.refused = { [String(at)]: error.message };
    return true;
  }

  private show(view: RoutingView, replaces: RoutingPart): void {
    const kept = replaces === 'settings' && this.dirty;
    this.base = view.routes;
    if (kept) return;
    this.draft = routeDraftsOf(view.routes);
    this.tried = false;
    this.refused = {};
    this.editing = null;
    this.saves.clear();
  }
}

export const routes = new RoutesState();
