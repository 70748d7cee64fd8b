// Tavily: POST <base>/search with the key as a bearer token and { query, max_results,
// search_depth }; results carry title, url, content and published_date (news only).
import { apiUrl, resultsOf, textOr, type SearchApi } from './types.js';

export const tavily: SearchApi = {
  request(base, query, maxResults, apiKey) {
    return {
      method: 'POST',
      url: apiUrl(base, '/search'),
      headers: { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${apiKey ?? ''}` },
      body: JSON.stringify({ query, max_results: Math.min(maxResults, 20), search_depth: 'basic' }),
    };
  },
  results(body) {
    return resultsOf((body as { results?: unknown } | null)?.results, (item) => ({
      title: textOr(item.title, textOr(item.url)),
      url: textOr(item.url),
      snippet: textOr(item.content),
      pageAge: typeof item.published_date === 'string' ? item.published_date : null,
    }));
  },
};
