// Provider families by the prefix people write in `litellm_params.model` (`openai/gpt-4o`).
import { anthropicFamily } from './anthropic/index.js';
import { azureFamily } from './azure.js';
import { bedrockFamily } from './bedrock/index.js';
import { geminiFamily } from './gemini/index.js';
import { OPENAI_COMPATIBLE_CATALOG } from './catalog.js';
import { openaiCompatible, openaiFamily } from './openai/index.js';
import type { ProviderFamily } from './types.js';

export const PROVIDER_FAMILIES: ReadonlyMap<string, ProviderFamily> = new Map([
  ...[
    openaiFamily,
    anthropicFamily,
    azureFamily,
    geminiFamily,
    bedrockFamily,
    openaiCompatible({ name: 'ollama', defaultApiBase: 'http://127.0.0.1:11434/v1' }),
  ].map(
    (family) => [family.name, family] as const,
  ),
  ...OPENAI_COMPATIBLE_CATALOG.map((row) => [row.name, openaiCompatible(row)] as const),
]);

export function providerFamily(name: string): ProviderFamily | undefined {
  return PROVIDER_FAMILIES.get(name);
}
