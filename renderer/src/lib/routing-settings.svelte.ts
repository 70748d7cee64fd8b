// The routing settings and the form's draft of them. A save names the version it read: a stale
// one keeps the draft and shows whose settings are current; other errors become toasts. The routes
// are saved in the same row from their own section (routes.svelte.ts): each part keeps its unsaved
// edits when the other is saved. One instance.
import type { RoutingView } from '../../../shared/api.js';
import { call, loadFailure } from './api.js';
import { app } from './app.svelte.js';
import { draftErrors, draftOf, settingsOf, type RoutingDraft } from './routing-draft.js';
import { VersionedSave } from './versioned-save.svelte.js';

/** Which part a new view replaces: the other keeps its draft if it has unsaved edits. */
export type RoutingPart = 'settings' | 'routes' | 'all';
interface ViewListener {
  show(view: RoutingView, replaces: RoutingPart): void;
  /** True while that part holds unsaved edits. */
  dirty(): boolean;
}

class RoutingSettingsState {
  view = $state<RoutingView | null>(null);
  draft = $state<RoutingDraft | null>(null);
  /** Set by the first save: from then on every error shows, rows included. */
  tried = $state(false);
  /** Why the settings could not be loaded (none shown yet); null once they are. */
  loadError = $state<string | null>(null);
  private readonly saves = new VersionedSave<RoutingView>();
  private readonly listeners: ViewListener[] = [];
  readonly errors = $derived(this.draft ? draftErrors(this.draft) : {});
  readonly dirty = $derived(this.view !== null && this.draft !== null && JSON.stringify(this.draft) !== JSON.stringify(draftOf(this.view)));
  /** The config file's settings are in force: shown, not edited here until copied. */
  readonly readOnly = $derived(this.view?.source === 'config file');

  get saving(): boolean {
    return this.saves.running;
  }

  /** The current settings, when someone else saved first. */
  get conflict(): RoutingView | null {
    return this.saves.conflict?.theirs ?? null;
  }

  async load(): Promise<void> {
    try {
      this.show(await call('routing.get', {}));
      this.loadError = null;
    } catch (error) {
      if (!this.view) this.loadError = loadFailure(error);
      app.fail(error);
    }
  }

  /** Reloads unless a form holds unsaved changes (a rename elsewhere may have changed fallbacks or routes). */
  async refresh(): Promise<void> {
    if (!this.dirty && !this.listeners.some((listener) => listener.dirty())) await this.load();
  }

  async save(): Promise<boolean> {
    const { view, draft } = this;
    if (!view || !draft) return false;
    this.tried = true;
    if (Object.keys(this.errors).length > 0) return false;
    return this.saves.run(async () => {
      this.show(await call('routing.update', { ...settingsOf(draft, view.routes), version: view.version }), 'settings');
      app.say('Routing saved. New requests use it now.');
    });
  }

  discard(): void {
    if (this.view) this.show(this.view, 'settings');
  }

  /** After a conflict: the current settings replace the draft. */
  reloadAfterConflict(): void {
    const theirs = this.saves.takeTheirs();
    if (theirs) this.show(theirs, 'settings');
  }

  /** Told of every new view (the routes' section keeps its draft from it). */
  watch(listener: ViewListener): void {
    this.listeners.push(listener);
  }

  async copyFromConfig(): Promise<void> {
    try {
      this.show(await call('routing.copyFromConfig', {}));
      app.say("The config file's routing settings are now the app's: edit them here.");
    } catch (error) {
      app.fail(error);
    }
  }

  /** A new view: the part it replaces takes it; the other keeps unsaved edits, if it has any. */
  show(view: RoutingView, replaces: RoutingPart = 'all'): void {
    const kept = replaces === 'routes' && this.dirty ? this.draft : null;
    this.view = view;
    this.draft = kept ?? draftOf(view);
    if (!kept) {
      this.tried = false;
      this.saves.clear();
    }
    for (const listener of this.listeners) listener.show(view, replaces);
  }
}

export const routingSettings = new RoutingSettingsState();
