// Each search API client against a local mock of that API's wire shape: the request it sends
// (path, query, key header, body) and the results it reads back.
import { afterEach, describe, expect, it } from 'vitest';
import { SearchFailure, searchWeb } from '../../electron/providers/search/index.js';
import { SEARCH_PROVIDER_KINDS, type SearchProviderKind } from '../../shared/search.js';
import { startMockSearch, type MockSearch } from '../helpers/mock-search.js';

let mock: MockSearch | null = null;
afterEach(async () => {
  await mock?.close();
  mock = null;
});

const KEYS: Record<SearchProviderKind, string | null> = { searxng: null, brave: 'BSA-brave-key', tavily: 'tvly-tavily-key', exa: 'exa-key' };

describe.each(SEARCH_PROVIDER_KINDS)('%s', (kind) => {
  it('sends the query in the API shape and reads titles, URLs and snippets back', async () => {
    mock = await startMockSearch(kind, KEYS[kind]);
    const results = await searchWeb({ kind, url: mock.url, apiKey: KEYS[kind] }, 'loopgate web search', { maxResults: 2 });
    expect(mock.queries).toEqual(['loopgate web search']);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ title: `${kind} result 1 for loopgate web search`, url: `https://${kind}.example/1?q=loopgate%20web%20search`, snippet: 'Snippet 1 about loopgate web search.' });
    const sent = mock.requests[0]!;
    if (kind === 'brave') expect(sent.headers['x-subscription-token']).toBe(KEYS.brave);
    if (kind === 'tavily') expect(sent.body).toMatchObject({ query: 'loopgate web search', max_results: 2 });
    if (kind === 'exa') expect(sent.body).toMatchObject({ query: 'loopgate web search', numResults: 2 });
  });

  it('says a refused search is unavailable, and a 429 is too many requests', async () => {
    mock = await startMockSearch(kind, kind === 'searxng' ? null : 'the-right-key');
    const wrong = searchWeb({ kind, url: mock.url, apiKey: KEYS[kind] }, 'anything', { maxResults: 3 });
    if (kind !== 'searxng') await expect(wrong).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('401') });
    const limited = searchWeb({ kind, url: mock.url, apiKey: kind === 'searxng' ? null : 'the-right-key' }, 'rate limit me', { maxResults: 3 });
    await expect(limited).rejects.toBeInstanceOf(SearchFailure);
    await expect(limited).rejects.toMatchObject({ code: 'too_many_requests' });
  });
});

it('keeps the path a SearXNG base URL has, and asks for JSON', async () => {
  mock = await startMockSearch('searxng');
  await expect(searchWeb({ kind: 'searxng', url: `${mock.url}/searx`, apiKey: null }, 'q', { maxResults: 3 })).rejects.toMatchObject({ message: expect.stringContaining('404') });
  expect(mock.requests[0]!.path).toBe('/searx/search');
});

it('says when nothing answers at the URL', async () => {
  await expect(searchWeb({ kind: 'searxng', url: 'http://127.0.0.1:9', apiKey: null }, 'q', { maxResults: 3 })).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('ECONNREFUSED') });
});
