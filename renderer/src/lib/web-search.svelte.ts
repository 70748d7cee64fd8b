// The web search provider as the Providers view edits it: the kind, its URL and key, saved with
// the version read (a stale one shows the current setting), and a Test that runs one search.
import { SEARCH_PROVIDER_INFO, type SearchProviderKind, type SearchSettingsView, type SearchTestResult } from '../../../shared/search.js';
import { call } from './api.js';
import { app } from './app.svelte.js';
import { SettingsForm } from './settings-form.svelte.js';

class WebSearchState extends SettingsForm<SearchSettingsView> {
  kind = $state<SearchProviderKind | ''>('');
  url = $state('');
  apiKey = $state('');
  testing = $state(false);
  result = $state<SearchTestResult | null>(null);

  readonly info = $derived(this.kind ? SEARCH_PROVIDER_INFO[this.kind] : null);
  /** The stored key stands while the kind stays the same. */
  readonly keepsKey = $derived(!!this.current?.keyHint && this.current.kind === this.kind);
  readonly urlError = $derived(
    this.url.trim() && !/^https?:\/\/[^/\s]+/.test(this.url.trim())
      ? 'Enter an http(s) URL.'
      : this.info && this.info.defaultUrl === null && !this.url.trim()
        ? `${this.info.label} needs the URL of your instance.`
        : undefined,
  );
  readonly keyError = $derived(this.info?.needsKey && !this.apiKey && !this.keepsKey ? `${this.info.label} needs an API key.` : undefined);

  get summary(): string {
    const view = this.current;
    if (!view) return '';
    if (!view.kind) return 'In force: off; web search sent to non-Anthropic upstreams is refused with an error that says how to turn it on.';
    const where = view.source === 'config' ? ' (from the config file)' : '';
    return `In force: ${SEARCH_PROVIDER_INFO[view.kind].label} at ${view.url ?? SEARCH_PROVIDER_INFO[view.kind].defaultUrl}${where}.`;
  }

  load(): Promise<void> {
    return this.read(() => call('search.get', {}));
  }

  async save(): Promise<void> {
    if (!this.current || (this.kind && (this.urlError || this.keyError))) return;
    const { version } = this.current.source === 'app' ? this.current : { version: 0 };
    const request = { kind: this.kind || null, url: this.url.trim() || null, ...(this.apiKey ? { apiKey: this.apiKey } : {}), version };
    const said = request.kind ? 'Web search provider saved; it is used from the next request.' : 'Web search turned off.';
    await this.write(() => call('search.update', request), said, 'Someone else changed the web search provider first; theirs is shown now.');
  }

  async test(): Promise<void> {
    if (!this.kind) return;
    this.testing = true;
    this.result = null;
    try {
      this.result = await call('search.test', { kind: this.kind, url: this.url.trim() || null, ...(this.apiKey ? { apiKey: this.apiKey } : {}) });
    } catch (error) {
      app.fail(error);
    } finally {
      this.testing = false;
    }
  }

  protected fill(view: SearchSettingsView): void {
    this.kind = view.kind ?? '';
    this.url = view.url ?? '';
    this.apiKey = '';
    this.result = null;
  }
}

export const webSearch = new WebSearchState();
