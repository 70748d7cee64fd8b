// A settings form over one versioned row (log retention, web search, alerts): it shows the view it
// read, saves naming that version, and when someone else saved first shows theirs with a toast
// saying so (a few values need no side-by-side). Each form says how a view fills its fields.
import { app } from './app.svelte.js';
import { VersionedSave } from './versioned-save.svelte.js';

export abstract class SettingsForm<View> {
  current = $state<View | null>(null);
  private readonly saves = new VersionedSave<View>();

  get saving(): boolean {
    return this.saves.running;
  }

  /** Sets the form's fields from a view just read or saved. */
  protected abstract fill(view: View): void;

  protected async read(get: () => Promise<View>): Promise<void> {
    try {
      this.show(await get());
    } catch (error) {
      app.fail(error);
    }
  }

  /** Saves through `put`, then says `said`; a stale version shows theirs and says `stale`. */
  protected async write(put: () => Promise<View>, said: string, stale: string): Promise<void> {
    const saved = await this.saves.run(async () => {
      this.show(await put());
      app.say(said);
    });
    const theirs = saved ? null : this.saves.takeTheirs();
    if (theirs) {
      this.show(theirs);
      app.fail(new Error(stale));
    }
  }

  protected show(view: View): void {
    this.current = view;
    this.fill(view);
  }
}
