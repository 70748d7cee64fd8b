// Provider families by the prefix people write in `litellm_params.model` (`openai/gpt-4o`).
import { openaiFamily } from './openai/index.js';
import type { ProviderFamily } from './types.js';

export const PROVIDER_FAMILIES: ReadonlyMap<string, ProviderFamily> = new Map([
  [openaiFamily.name, openaiFamily],
]);

export function providerFamily(name: string): ProviderFamily | undefined {
  return PROVIDER_FAMILIES.get(name);
}
