// Tavily: POST <base>/search with the key as a bearer token and { query, max_results,
// search_depth }; results carry title, url, content and published_date (news only).
import { apiUrl, contentResults, type SearchApi } from './types.js';

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
    return contentResults(body, 'published_date');
  },
};
