// The shape every provider family implements: plain data in, plain data out, no HTTP framework.

/** What a client asked for, in gateway terms; the family decides how to say it upstream. */
export type EndpointKind = 'chat' | 'completions' | 'embeddings';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ProviderFamily {
  readonly name: string;
  /** Base URL used when a deployment names no `api_base`. */
  readonly defaultApiBase: string;
  /** Path under the api_base for each endpoint kind. */
  endpointPath(kind: EndpointKind): string;
  /** Headers that carry the upstream credential; the client's own key never goes upstream. */
  authHeaders(apiKey: string | null): Record<string, string>;
}
