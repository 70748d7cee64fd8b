// Shapes a client's OpenAI-dialect body for an OpenAI-compatible upstream.
import type { EndpointKind } from '../types.js';

export interface PreparedBody {
  body: string;
  stream: boolean;
  /** We asked upstream for a usage chunk the client did not ask for; drop it on the way back. */
  stripUsageChunk: boolean;
}

type JsonObject = Record<string, unknown>;

export function prepareOpenAIBody(kind: EndpointKind, client: JsonObject, upstreamModel: string): PreparedBody {
  const stream = kind !== 'embeddings' && client.stream === true;
  const options = isObject(client.stream_options) ? client.stream_options : null;
  const clientWantsUsage = options?.include_usage === true;
  const stripUsageChunk = stream && !clientWantsUsage;
  const upstream: JsonObject = { ...client, model: upstreamModel };
  // Usage is how spend is counted, so every stream asks for it.
  if (stripUsageChunk) upstream.stream_options = { ...options, include_usage: true };
  return { body: JSON.stringify(upstream), stream, stripUsageChunk };
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
