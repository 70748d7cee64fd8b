// `litellm_params.model` → the provider family and the upstream model, as LiteLLM reads it:
// `<provider>/<model>`, or a bare name LiteLLM can place (an OpenAI or Claude model name, or
// any name with an api_base at a known provider's endpoint). What LiteLLM cannot place it
// refuses ("LLM Provider NOT provided"), and so does Loopgate, at start-up.
import { catalogEntry, PROVIDER_CATALOG } from '../../shared/providers.js';
import { bareModelFamily } from '../core/model-names.js';

export type ModelReference = { family: string; upstreamModel: string } | { unknownProvider: string; supported: string } | { problem: string };

/** Providers LiteLLM recognises by their endpoint in api_base (its openai_compatible_endpoints, those Loopgate serves). */
const ENDPOINT_FAMILIES = ['groq', 'mistral', 'deepseek', 'cerebras', 'perplexity', 'deepinfra'];

function familyAtEndpoint(apiBase: string): string | null {
  const base = apiBase.replace(/\/+$/, '');
  return ENDPOINT_FAMILIES.find((id) => base.startsWith(catalogEntry(id)!.defaultApiBase)) ?? null;
}

export function modelReference(model: string, apiBase: string | null): ModelReference {
  const slash = model.indexOf('/');
  if (slash > 0) {
    const prefix = model.slice(0, slash);
    const family = catalogEntry(prefix);
    if (!family) return { unknownProvider: prefix, supported: PROVIDER_CATALOG.map((entry) => entry.id).join(', ') };
    return { family: family.id, upstreamModel: model.slice(slash + 1) };
  }
  const family = (apiBase ? familyAtEndpoint(apiBase) : null) ?? bareModelFamily(model);
  if (family) return { family, upstreamModel: model };
  if (model.startsWith('gemini-')) {
    return { problem: `LiteLLM sends a bare "${model}" to Vertex AI, which Loopgate does not serve; write "gemini/${model}" for Google AI Studio` };
  }
  return {
    problem: `expected "<provider>/<model>": LiteLLM cannot tell which provider serves "${model}"; write e.g. "openai/${model}" for an OpenAI-compatible server`,
  };
}
