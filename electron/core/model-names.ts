// LiteLLM's model-name vocabulary, shared by config (validating what names point at) and the
// router (routing them): which family a bare model name means, and wildcard model names, where
// `*` matches any run of characters and what it matched fills the `*` of the upstream model.

/** The wildcard in `model_name: "openai/*"` and `model: openai/*`. */
export const WILDCARD = '*';

// The bare names LiteLLM maps to a family by its own model lists (get_llm_provider): OpenAI's
// chat, completion, embedding, image, audio and moderation models, and Anthropic's Claude.
const OPENAI_BARE = /^(gpt-|chatgpt-|ft:gpt-|o[1-9](-|$)|text-embedding-|text-moderation-|omni-moderation-|dall-e-|davinci-|babbage-|whisper-|tts-|codex-|computer-use-)/;
const ANTHROPIC_BARE = /^claude-/;

/** The family LiteLLM reads a model name without a `<provider>/` prefix as; null when it cannot tell. */
export function bareModelFamily(model: string): 'openai' | 'anthropic' | null {
  if (model === WILDCARD || OPENAI_BARE.test(model)) return 'openai';
  if (ANTHROPIC_BARE.test(model)) return 'anthropic';
  return null;
}

export interface ModelPattern {
  readonly name: string;
  /** More literal characters is more specific; a tie goes to the one defined first. */
  readonly literalLength: number;
  /** What each `*` matched, in order; null when the name does not match. */
  match(model: string): string[] | null;
}

export function isPattern(name: string): boolean {
  return name.includes(WILDCARD);
}

export function compilePattern(name: string): ModelPattern {
  const parts = name.split(WILDCARD).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const regex = new RegExp(`^${parts.join('(.*)')}$`, 's');
  return {
    name,
    literalLength: name.length - (parts.length - 1),
    match: (model) => regex.exec(model)?.slice(1) ?? null,
  };
}

/**
 * The names a client's model may match a pattern under: itself, then, for a bare name, the
 * name under the family LiteLLM reads it as (`gpt-4o` also matches `openai/*`).
 */
function patternCandidates(model: string): string[] {
  if (model.includes('/')) return [model];
  const family = bareModelFamily(model);
  return family ? [model, `${family}/${model}`] : [model];
}

/**
 * The upstream model for a pattern match: each `*` of `upstream` takes the next captured part.
 * With more captured parts than wildcards, LiteLLM sends the requested name as it is.
 */
export function fillWildcards(upstream: string, captured: readonly string[], requested: string): string {
  const wildcards = upstream.split(WILDCARD).length - 1;
  if (wildcards === 0) return upstream;
  if (captured.length > wildcards) return requested;
  return captured.reduce((model, part) => model.replace(WILDCARD, () => part), upstream);
}

/** The most specific pattern among `patterns` that `model` matches, with what it captured. */
export function matchPattern<T extends { pattern: ModelPattern }>(patterns: readonly T[], model: string): { entry: T; captured: string[]; requested: string } | null {
  for (const requested of patternCandidates(model)) {
    for (const entry of patterns) {
      const captured = entry.pattern.match(requested);
      if (captured) return { entry, captured, requested };
    }
  }
  return null;
}

/** Patterns ordered most specific first (stable, so a tie keeps the definition order). */
export function bySpecificity<T extends { pattern: ModelPattern }>(patterns: T[]): T[] {
  return patterns.sort((a, b) => b.pattern.literalLength - a.pattern.literalLength);
}
