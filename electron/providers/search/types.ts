// What every search API client takes and gives: plain data, so each client is a request
// builder and a response reader, and one caller (index.ts) does the HTTP.
import type { SearchProviderKind } from '../../../shared/search.js';

export interface SearchProviderConfig {
  kind: SearchProviderKind;
  /** The base URL; null: the kind's default. */
  url: string | null;
  apiKey: string | null;
}

export interface WebSearchResult {
  title: string;
  url: string;
  /** The page's text around the match, as the search API gives it. */
  snippet: string;
  /** How old the page is, in the API's words (a date or "2 days ago"); null when not said. */
  pageAge: string | null;
}

interface SearchHttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface SearchApi {
  request(base: URL, query: string, maxResults: number, apiKey: string | null): SearchHttpRequest;
  /** The results in an answer's JSON; anything not shaped like one gives none. */
  results(body: unknown): WebSearchResult[];
}

export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function textOr(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** Results with a URL, at most `max` of them. */
export function resultsOf(items: unknown, read: (item: Record<string, unknown>) => WebSearchResult, max = 20): WebSearchResult[] {
  if (!Array.isArray(items)) return [];
  return items
    .map((item) => read(record(item)))
    .filter((result) => result.url !== '')
    .slice(0, max);
}

/** `{ results: [{ title, url, content, <dateField> }] }`, as SearXNG and Tavily both answer. */
export function contentResults(body: unknown, dateField: string): WebSearchResult[] {
  return resultsOf((body as { results?: unknown } | null)?.results, (item) => ({
    title: textOr(item.title, textOr(item.url)),
    url: textOr(item.url),
    snippet: textOr(item.content),
    pageAge: typeof item[dateField] === 'string' ? item[dateField] : null,
  }));
}

/** A base URL joined with an API path, keeping a path the base already has (a SearXNG behind /searx). */
export function apiUrl(base: URL, path: string): URL {
  return new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base.origin);
}
