// Brave Search API: GET <base>/res/v1/web/search?q=…&count=N with the key in X-Subscription-Token;
// the web results are in `web.results` (title, url, description, age).
import { apiUrl, record, resultsOf, textOr, type SearchApi } from './types.js';

export const brave: SearchApi = {
  request(base, query, maxResults, apiKey) {
    const url = apiUrl(base, '/res/v1/web/search');
    url.searchParams.set('q', query);
    url.searchParams.set('count', String(Math.min(maxResults, 20)));
    return { method: 'GET', url, headers: { accept: 'application/json', 'x-subscription-token': apiKey ?? '' } };
  },
  results(body) {
    return resultsOf(record(record(body).web).results, (item) => ({
      title: textOr(item.title, textOr(item.url)),
      url: textOr(item.url),
      // Brave marks the matched words with <strong>; the model reads plain text.
      snippet: textOr(item.description).replace(/<\/?strong>/g, ''),
      pageAge: typeof item.age === 'string' ? item.age : typeof item.page_age === 'string' ? item.page_age : null,
    }));
  },
};
