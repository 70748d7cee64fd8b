// Exa: POST <base>/search with the key in x-api-key and { query, numResults, contents:
// { highlights } }; results carry title, url, publishedDate and the highlights (or text).
import { apiUrl, resultsOf, textOr, type SearchApi } from './types.js';

export const exa: SearchApi = {
  request(base, query, maxResults, apiKey) {
    return {
      method: 'POST',
      url: apiUrl(base, '/search'),
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-api-key': apiKey ?? '' },
      body: JSON.stringify({ query, numResults: Math.min(maxResults, 20), type: 'auto', contents: { highlights: { numSentences: 3 } } }),
    };
  },
  results(body) {
    return resultsOf((body as { results?: unknown } | null)?.results, (item) => ({
      title: textOr(item.title, textOr(item.url)),
      url: textOr(item.url),
      snippet: Array.isArray(item.highlights) ? item.highlights.filter((h) => typeof h === 'string').join(' … ') : textOr(item.text).slice(0, 1000),
      pageAge: typeof item.publishedDate === 'string' ? item.publishedDate : null,
    }));
  },
};
