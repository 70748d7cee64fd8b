// A view's load: what it showed stays when a reload fails (a list never turns empty on an error);
// with nothing shown yet, the view says why under "Couldn't load …". A toast says it either way.
import { loadFailure } from './api.js';
import { app } from './app.svelte.js';

interface Loaded {
  loaded: boolean;
  loadError: string | null;
}

/** Runs `read`, which shows what it got; true when it did. */
export async function loadInto(state: Loaded, read: () => Promise<void>): Promise<boolean> {
  try {
    await read();
    state.loaded = true;
    state.loadError = null;
    return true;
  } catch (error) {
    if (!state.loaded) state.loadError = loadFailure(error);
    app.fail(error);
    return false;
  }
}
