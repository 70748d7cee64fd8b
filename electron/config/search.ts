// search_tools (LiteLLM's list of search providers): the first entry is the provider Loopgate runs
// web-search tools with for upstreams that cannot search (gateway/inference/web-search.ts).
import type { z } from 'zod';
import { SEARCH_PROVIDER_INFO, type SearchProviderKind } from '../../shared/search.js';
import { ConfigError } from './config-error.js';
import { resolveValue, type Lookup } from './environment.js';
import { SEARCH_PROVIDER_NAMES, type searchToolsSchema } from './schema.js';

export interface ConfigSearchProvider {
  kind: SearchProviderKind;
  url: string | null;
  apiKey: string | null;
}

export function searchProvider(tools: z.infer<typeof searchToolsSchema> | undefined, lookup: Lookup): ConfigSearchProvider | null {
  const first = tools?.[0];
  if (!first) return null;
  const params = first.litellm_params;
  const kind = SEARCH_PROVIDER_NAMES[params.search_provider]!;
  const url = params.api_base ? resolveValue(params.api_base, 'search_tools[0].litellm_params.api_base', lookup) : null;
  if (url !== null && !/^https?:\/\//.test(url)) throw new ConfigError('search_tools[0].litellm_params.api_base', 'expected an http(s) URL');
  if (url === null && SEARCH_PROVIDER_INFO[kind].defaultUrl === null) throw new ConfigError('search_tools[0].litellm_params.api_base', `${SEARCH_PROVIDER_INFO[kind].label} needs the URL of an instance`);
  const apiKey = params.api_key ? resolveValue(params.api_key, 'search_tools[0].litellm_params.api_key', lookup) : null;
  if (apiKey === null && SEARCH_PROVIDER_INFO[kind].needsKey) throw new ConfigError('search_tools[0].litellm_params.api_key', `${SEARCH_PROVIDER_INFO[kind].label} needs an API key`);
  return { kind, url, apiKey };
}
