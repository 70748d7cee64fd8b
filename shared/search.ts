// Web search for upstreams that cannot search themselves: which search API Loopgate runs the
// searches with (issue 24: a web-search server tool sent to a chat upstream), as the app shows it.

export const SEARCH_PROVIDER_KINDS = ['searxng', 'brave', 'tavily', 'exa'] as const;
export type SearchProviderKind = (typeof SEARCH_PROVIDER_KINDS)[number];

/** How each kind is set up: a default base URL (null: the URL is required) and whether it needs a key. */
export const SEARCH_PROVIDER_INFO: Record<SearchProviderKind, { label: string; defaultUrl: string | null; needsKey: boolean }> = {
  searxng: { label: 'SearXNG', defaultUrl: null, needsKey: false },
  brave: { label: 'Brave Search', defaultUrl: 'https://api.search.brave.com', needsKey: true },
  tavily: { label: 'Tavily', defaultUrl: 'https://api.tavily.com', needsKey: true },
  exa: { label: 'Exa', defaultUrl: 'https://api.exa.ai', needsKey: true },
};

/** The search setting in force. `kind` null: web search through non-Anthropic upstreams is refused. */
export interface SearchSettingsView {
  kind: SearchProviderKind | null;
  /** The base URL; null: the kind's default. */
  url: string | null;
  /** Last four characters of the key, or null when none is set. */
  keyHint: string | null;
  /** 0 until first saved in the app. */
  version: number;
  /** 'config': the config file's search_tools entry, shown read-only until the app saves its own. */
  source: 'app' | 'config' | 'none';
}

export interface SearchSettingsInput {
  kind: SearchProviderKind | null;
  url: string | null;
  /** undefined keeps the stored key; null removes it. */
  apiKey?: string | null;
  version: number;
}

export interface SearchTestResult {
  ok: boolean;
  /** The first results for the test query, or why the search failed. */
  results: Array<{ title: string; url: string }>;
  message: string;
}
