// search_tools in the config file: LiteLLM's shape, the first entry is Loopgate's web search provider.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';

const parse = (yaml: string, env: Record<string, string> = {}) => parseConfigText(yaml, { env });

describe('search_tools', () => {
  it('reads the first entry: provider, base URL and a key from the environment (LiteLLM names Exa exa_ai)', () => {
    expect(parse('search_tools:\n  - search_tool_name: web\n    litellm_params: { search_provider: searxng, api_base: "http://127.0.0.1:8080" }\n').webSearch).toEqual({
      kind: 'searxng',
      url: 'http://127.0.0.1:8080',
      apiKey: null,
    });
    const exa = parse('search_tools:\n  - litellm_params: { search_provider: exa_ai, api_key: os.environ/EXA_API_KEY }\n', { EXA_API_KEY: 'exa-secret' });
    expect(exa.webSearch).toEqual({ kind: 'exa', url: null, apiKey: 'exa-secret' });
    expect(exa.unsupported).toEqual([]);
  });

  it('is off without the section', () => {
    expect(parse('model_list: []\n').webSearch).toBeNull();
  });

  it('refuses an unknown provider, a kind without the key it needs, and SearXNG without its URL', () => {
    expect(() => parse('search_tools:\n  - litellm_params: { search_provider: google }\n')).toThrow(/search_tools\[0\]\.litellm_params\.search_provider: expected one of searxng, brave, tavily, exa, exa_ai/);
    expect(() => parse('search_tools:\n  - litellm_params: { search_provider: toString }\n')).toThrow(/expected one of/);
    expect(() => parse('search_tools:\n  - litellm_params: { search_provider: brave }\n')).toThrow(/Brave Search needs an API key/);
    expect(() => parse('search_tools:\n  - litellm_params: { search_provider: searxng }\n')).toThrow(/SearXNG needs the URL of an instance/);
  });
});
