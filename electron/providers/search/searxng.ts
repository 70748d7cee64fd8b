// SearXNG (self-hosted metasearch): GET <base>/search?q=…&format=json. The instance must have
// the json format enabled (settings.yml, search.formats); a key is sent as a bearer token only
// when set (instances behind an authenticating proxy).
import { apiUrl, contentResults, type SearchApi } from './types.js';

export const searxng: SearchApi = {
  request(base, query, _maxResults, apiKey) {
    const url = apiUrl(base, '/search');
    url.searchParams.set('q', query);
    url.searchParams.set('format', 'json');
    return { method: 'GET', url, headers: { accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) } };
  },
  results(body) {
    // SearXNG has no result count parameter: it answers a page (about 20), cut to size by the caller.
    return contentResults(body, 'publishedDate');
  },
};
