// A mock search API on 127.0.0.1, port 0, speaking one kind's wire shape (SearXNG's
// /search?format=json, Brave's /res/v1/web/search, Tavily's and Exa's POST /search), with
// results that name the query: "<Kind> result N for <query>" at https://<kind>.example/<N>.
// Kinds with a key refuse other keys with their own 401; "rate limit me" answers 429.
import type { SearchProviderKind } from '../../shared/search.js';
import { serve, type MockServer } from './mock-server.js';

type Json = Record<string, unknown>;

export interface MockSearch extends MockServer {
  /** Each search's query, as the API received it. */
  queries: string[];
}

function hits(kind: SearchProviderKind, query: string): Array<{ title: string; url: string; text: string }> {
  return [1, 2, 3].map((n) => ({ title: `${kind} result ${n} for ${query}`, url: `https://${kind}.example/${n}?q=${encodeURIComponent(query)}`, text: `Snippet ${n} about ${query}.` }));
}

function shaped(kind: SearchProviderKind, query: string): Json {
  const found = hits(kind, query);
  if (kind === 'searxng')
    return { query, number_of_results: found.length, results: found.map((h) => ({ url: h.url, title: h.title, content: h.text, engine: 'mock', publishedDate: null })), answers: [], suggestions: [] };
  if (kind === 'brave')
    return { type: 'search', query: { original: query }, web: { type: 'search', results: found.map((h) => ({ title: h.title, url: h.url, description: `<strong>${h.text}</strong>`, age: '2 days ago' })) } };
  if (kind === 'tavily') return { query, response_time: 0.5, results: found.map((h, i) => ({ title: h.title, url: h.url, content: h.text, score: 0.9 - i / 10 })) };
  return { requestId: 'req_mock', results: found.map((h) => ({ id: h.url, title: h.title, url: h.url, publishedDate: '2026-01-02T00:00:00.000Z', highlights: [h.text] })) };
}

function keyOf(kind: SearchProviderKind, headers: Record<string, string | string[] | undefined>): string | null {
  if (kind === 'brave') return String(headers['x-subscription-token'] ?? '');
  if (kind === 'exa') return String(headers['x-api-key'] ?? '');
  if (kind === 'tavily') return String(headers.authorization ?? '').replace(/^Bearer /, '');
  return null;
}

const PATHS: Record<SearchProviderKind, string> = { searxng: '/search', brave: '/res/v1/web/search', tavily: '/search', exa: '/search' };

export async function startMockSearch(kind: SearchProviderKind, key: string | null = null): Promise<MockSearch> {
  const queries: string[] = [];
  const server = await serve((path, query, headers, body, _raw, res) => {
    const send = (status: number, json: Json | string): void => {
      res.writeHead(status, { 'content-type': typeof json === 'string' ? 'text/html' : 'application/json' });
      res.end(typeof json === 'string' ? json : JSON.stringify(json));
    };
    if (path !== PATHS[kind]) return send(404, { error: 'not found' });
    if (key !== null && keyOf(kind, headers) !== key) return send(401, { error: { message: 'Invalid API key' } });
    // SearXNG answers its HTML page unless format=json is asked for (and enabled).
    if (kind === 'searxng' && query.get('format') !== 'json') return send(200, '<html>SearXNG</html>');
    const q = kind === 'searxng' || kind === 'brave' ? (query.get('q') ?? '') : String(body.query ?? '');
    queries.push(q);
    if (q === 'rate limit me') return send(429, { error: 'Too many requests' });
    send(200, shaped(kind, q));
  });
  return { ...server, queries };
}
