// What the model service accepts: one rule per deployment setting, held to the contract by the compiler.
import { z } from 'zod';
import type { DeploymentSettings } from '../../shared/api.js';
import { MAX_LENGTH, text } from './validation.js';

const count = z.number().int('expected a whole number').nonnegative('expected 0 or more');
const price = z.number().nonnegative('expected 0 or more (USD per token)');

/** Each deployment setting's rule; the compiler holds it to the contract. */
const settingsShape = {
  weight: z.number().nonnegative('expected 0 or more').nullable(),
  order: z.number().int('expected a whole number').nullable(),
  rpm: count.nullable(),
  tpm: count.nullable(),
  timeoutSeconds: z.number().positive('expected more than 0 seconds').nullable(),
  enabled: z.boolean(),
  inputCostPerToken: price.nullable(),
  outputCostPerToken: price.nullable(),
  dropParams: z.boolean().nullable(),
} satisfies { [Field in keyof DeploymentSettings]: z.ZodType<DeploymentSettings[Field]> };

const settingsPatch = z.object(settingsShape).partial();
const groupName = text(MAX_LENGTH.name).trim().min(1, 'Give the model the name your tools will ask for.');

export const addSchema = z.object({
  modelName: groupName,
  providerId: text(MAX_LENGTH.id).min(1, 'Choose a provider.'),
  upstreamModel: text(MAX_LENGTH.name).trim().min(1, "Name the provider's model."),
  settings: settingsPatch.optional(),
});

export const updateSchema = z.object({
  id: text(MAX_LENGTH.id).min(1, 'expected a deployment id'),
  /** Absent only from LiteLLM's /model/update: whatever version is there. 0 is a config-file deployment's. */
  version: z.number().int().nonnegative().optional(),
  modelName: groupName.optional(),
  upstreamModel: text(MAX_LENGTH.name).trim().min(1, "Name the provider's model.").optional(),
  settings: settingsPatch.optional(),
});

export const renameSchema = z.object({ from: text(MAX_LENGTH.name).min(1, 'expected a model group'), to: groupName });
export const nameSchema = z.object({ name: text(MAX_LENGTH.name).min(1, 'expected a model group') });
