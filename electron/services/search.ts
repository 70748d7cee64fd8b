// The web search provider: the app's when saved (it wins, "off" included), else the config
// file's search_tools, else none. Every edit is checked here once (a known kind, an http(s) URL,
// the key a kind needs) and saved as one versioned row; Test runs one real search.
import { z } from 'zod';
import { SEARCH_PROVIDER_INFO, SEARCH_PROVIDER_KINDS, type SearchSettingsInput, type SearchSettingsView, type SearchTestResult } from '../../shared/search.js';
import { GatewayError } from '../core/errors.js';
import { SearchFailure, searchWeb, type SearchProviderConfig } from '../providers/search/index.js';
import type { SearchSettingsRow } from '../store/search-settings.js';
import { storeChange } from './errors.js';
import { MAX_LENGTH, parseInput, text } from './validation.js';
import type { StoreDeps } from './deps.js';

const TEST_QUERY = 'Loopgate';

const url = z.union([
  z.literal('').transform(() => null),
  text(MAX_LENGTH.url)
    .trim()
    .refine((value) => /^https?:\/\/[^/\s]+/.test(value), 'expected an http(s) URL, like http://127.0.0.1:8080'),
]);

export const searchTestSchema = z.object({
  kind: z.enum(SEARCH_PROVIDER_KINDS, `expected one of ${SEARCH_PROVIDER_KINDS.join(', ')}`).nullable(),
  url: url.nullable(),
  apiKey: text(MAX_LENGTH.secret).nullable().optional(),
});
export const searchUpdateSchema = searchTestSchema.extend({ version: z.number().int('expected a whole number').nonnegative('expected 0 or more') });

export class SearchService {
  constructor(private readonly deps: StoreDeps) {}

  async get(): Promise<SearchSettingsView> {
    return this.view(await this.deps.store.searchSettings.get());
  }

  async update(input: SearchSettingsInput): Promise<SearchSettingsView> {
    const { version, ...settings } = parseInput(searchUpdateSchema, input);
    const stored = await this.deps.store.searchSettings.get();
    // A kind change drops a key made for another kind, unless a new one comes with it.
    const keepsKey = settings.apiKey === undefined && stored?.kind === settings.kind && stored.keyHint !== null;
    const apiKey = settings.apiKey === '' ? null : keepsKey ? undefined : (settings.apiKey ?? null);
    if (settings.kind) checkComplete(settings.kind, settings.url, apiKey !== null || keepsKey);
    const saved = await storeChange(
      () => this.deps.store.searchSettings.save({ kind: settings.kind, url: settings.kind ? settings.url : null, ...(apiKey === undefined ? {} : { apiKey }) }, version, this.deps.clock()),
      (current: SearchSettingsRow | null) => this.view(current),
      'search settings',
    );
    return this.view(saved);
  }

  /** One search with the given setting (a key left out: the one in force); never throws for a failed search. */
  async test(input: Omit<SearchSettingsInput, 'version'>): Promise<SearchTestResult> {
    const settings = parseInput(searchTestSchema, input);
    if (!settings.kind) throw new GatewayError('invalid_request', 'kind: choose a search provider to test.', { param: 'kind' });
    const current = settings.apiKey === undefined ? await this.provider() : null;
    const apiKey = settings.apiKey === undefined ? (current?.kind === settings.kind ? current.apiKey : null) : settings.apiKey || null;
    checkComplete(settings.kind, settings.url, apiKey !== null);
    try {
      const results = await searchWeb({ kind: settings.kind, url: settings.url, apiKey }, TEST_QUERY, { maxResults: 3, timeoutMs: 8_000 });
      const label = SEARCH_PROVIDER_INFO[settings.kind].label;
      return { ok: true, results: results.map(({ title, url }) => ({ title, url })), message: results.length ? `${label} answered with ${results.length} results.` : `${label} answered, with no results.` };
    } catch (error) {
      if (error instanceof SearchFailure) return { ok: false, results: [], message: error.message };
      throw error;
    }
  }

  /** The provider searches run with (key opened), or null: web search through other upstreams is refused. */
  async provider(): Promise<SearchProviderConfig | null> {
    const stored = await this.deps.store.searchSettings.reveal();
    if (stored) return stored.kind ? { kind: stored.kind, url: stored.url, apiKey: stored.apiKey } : null;
    return this.deps.config.webSearch;
  }

  private view(row: SearchSettingsRow | null): SearchSettingsView {
    if (row) return { ...row, source: 'app' };
    const file = this.deps.config.webSearch;
    if (file) return { kind: file.kind, url: file.url, keyHint: file.apiKey ? file.apiKey.slice(-4) : null, version: 0, source: 'config' };
    return { kind: null, url: null, keyHint: null, version: 0, source: 'none' };
  }
}

function checkComplete(kind: NonNullable<SearchSettingsInput['kind']>, url: string | null, hasKey: boolean): void {
  const info = SEARCH_PROVIDER_INFO[kind];
  if (!url && info.defaultUrl === null) throw new GatewayError('invalid_request', `url: ${info.label} needs the URL of an instance, like http://127.0.0.1:8080.`, { param: 'url' });
  if (!hasKey && info.needsKey) throw new GatewayError('invalid_request', `apiKey: ${info.label} needs an API key.`, { param: 'apiKey' });
}
