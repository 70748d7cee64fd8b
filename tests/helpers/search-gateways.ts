// Web search through a chat-only upstream: the searching mock model, a SearXNG mock, and two
// gateways on them, one with a search provider configured and one without.
import { startTestGateway, type TestGateway } from './gateway.js';
import { startMockSearch, type MockSearch } from './mock-search.js';
import { startSearchingChat } from './mock-searching-chat.js';
import type { MockServer } from './mock-server.js';

export interface SearchGateways {
  chat: MockServer;
  searx: MockSearch;
  /** Its `search_tools` entry names the SearXNG mock. */
  withSearch: TestGateway;
  /** No search provider at all. */
  without: TestGateway;
  close(): Promise<void>;
}

/** `searchTool` is the `search_tools` entry's own fields before its litellm_params (e.g. `search_tool_name: web`), or none. */
export async function startSearchGateways(searchTool = ''): Promise<SearchGateways> {
  const chat = await startSearchingChat();
  const searx = await startMockSearch('searxng');
  const models = `model_list:\n  - model_name: via-chat\n    litellm_params: { model: openai/mock-gpt, api_base: "${chat.url}/v1", api_key: sk-up }\n`;
  const entry = searchTool ? `  - ${searchTool}\n    litellm_params:` : '  - litellm_params:';
  const withSearch = await startTestGateway(`${models}search_tools:\n${entry} { search_provider: searxng, api_base: "${searx.url}" }\n`);
  const without = await startTestGateway(models);
  return {
    chat,
    searx,
    withSearch,
    without,
    async close() {
      await withSearch.close();
      await without.close();
      await chat.close();
      await searx.close();
    },
  };
}
