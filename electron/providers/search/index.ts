// Search APIs Loopgate runs web searches with, for upstreams that cannot search themselves
// (SearXNG, Brave, Tavily, Exa): one small client each (request and answer shapes), and the
// one HTTP call over undici. A failure says why in Anthropic's web-search error codes.
import { request } from 'undici';
import { SEARCH_PROVIDER_INFO, type SearchProviderKind } from '../../../shared/search.js';
import { brave } from './brave.js';
import { exa } from './exa.js';
import { searxng } from './searxng.js';
import { tavily } from './tavily.js';
import type { SearchApi, SearchProviderConfig, WebSearchResult } from './types.js';

export type { SearchProviderConfig, WebSearchResult } from './types.js';

const APIS: Record<SearchProviderKind, SearchApi> = { searxng, brave, tavily, exa };
const TIMEOUT_MS = 15_000;

/** Why a search gave no results, in the codes a web_search_tool_result error carries. */
export class SearchFailure extends Error {
  constructor(
    readonly code: 'unavailable' | 'too_many_requests' | 'invalid_tool_input',
    message: string,
  ) {
    super(message);
    this.name = 'SearchFailure';
  }
}

/** An API may repeat the key it was sent; it never goes further. */
function masked(text: string, key: string | null): string {
  return key ? text.split(key).join('***') : text;
}

/** The base URL searches go to: the configured one, else the kind's default. */
function searchBase(config: SearchProviderConfig): URL {
  const base = config.url ?? SEARCH_PROVIDER_INFO[config.kind].defaultUrl;
  if (!base) throw new SearchFailure('unavailable', `${SEARCH_PROVIDER_INFO[config.kind].label} needs the URL of an instance.`);
  return new URL(base);
}

export interface SearchOptions {
  maxResults: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Runs one search; SearchFailure when the API cannot be reached or refuses. */
export async function searchWeb(config: SearchProviderConfig, query: string, options: SearchOptions): Promise<WebSearchResult[]> {
  if (query.trim() === '') throw new SearchFailure('invalid_tool_input', 'The search query is empty.');
  const api = APIS[config.kind];
  const call = api.request(searchBase(config), query, options.maxResults, config.apiKey);
  const timeout = options.timeoutMs ?? TIMEOUT_MS;
  let status: number;
  let text: string;
  try {
    const response = await request(call.url, {
      method: call.method,
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      ...(options.signal ? { signal: options.signal } : {}),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw new SearchFailure('unavailable', `${SEARCH_PROVIDER_INFO[config.kind].label} could not be reached at ${call.url.origin}: ${(error as { code?: string }).code ?? (error as Error).message}.`);
  }
  if (status === 429) throw new SearchFailure('too_many_requests', `${SEARCH_PROVIDER_INFO[config.kind].label} answered 429 (too many requests).`);
  if (status >= 400) throw new SearchFailure('unavailable', `${SEARCH_PROVIDER_INFO[config.kind].label} answered ${status}: ${masked(text, config.apiKey).slice(0, 200)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // SearXNG without the json format enabled answers HTML (or 403).
    throw new SearchFailure('unavailable', `${SEARCH_PROVIDER_INFO[config.kind].label} did not answer JSON${config.kind === 'searxng' ? ' (is "json" among search.formats in its settings.yml?)' : ''}.`);
  }
  return api.results(body).slice(0, options.maxResults);
}
