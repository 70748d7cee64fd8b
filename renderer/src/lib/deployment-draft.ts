// A deployment form's fields ↔ the contract's DeploymentSettings, with the checks a person sees
// inline. Prices are typed per million tokens, as providers publish them, and sent per token.
import type { DeploymentSettings, DeploymentView } from '../../../shared/api.js';
import { numberErrors, numberOf, textOf, type NumberRule } from './number-fields.js';

export interface DeploymentDraft {
  upstreamModel: string;
  weight: string;
  order: string;
  rpm: string;
  tpm: string;
  timeoutSeconds: string;
  inputCostPerMillion: string;
  outputCostPerMillion: string;
  /** The routing setting, or this deployment's own choice. */
  dropParams: 'default' | 'drop' | 'keep';
}

export type DeploymentErrors = Partial<Record<keyof DeploymentDraft, string>>;

const MILLION = 1_000_000;
const LIMIT: NumberRule = { whole: true, optional: true, message: 'A whole number, or empty for no limit.' };
const PRICE: NumberRule = { optional: true, message: 'USD per million tokens, like 2.50, or empty for the price list.' };

/** The weight field's rule, also used where the weight is edited on its own. */
export const WEIGHT_RULE: NumberRule = { optional: true, message: 'A number like 1 or 0.5, or empty for the default.' };

const NUMBERS = {
  weight: WEIGHT_RULE,
  order: { whole: true, positive: true, optional: true, message: 'A whole number from 1, or empty for none.' },
  rpm: LIMIT,
  tpm: LIMIT,
  timeoutSeconds: { positive: true, optional: true, message: 'Seconds above zero, or empty for the routing timeout.' },
  inputCostPerMillion: PRICE,
  outputCostPerMillion: PRICE,
} satisfies Partial<Record<keyof DeploymentDraft, NumberRule>>;

// Twelve significant digits hide the float noise of scaling by a million (2.5e-6 → 2.5).
const perMillion = (perToken: number | null): string => (perToken === null ? '' : String(Number((perToken * MILLION).toPrecision(12))));
const perToken = (text: string): number | null => {
  const value = numberOf(text);
  return value === null ? null : value / MILLION;
};

export function draftOf(deployment: DeploymentView): DeploymentDraft {
  const { settings } = deployment;
  return {
    upstreamModel: deployment.upstreamModel,
    weight: textOf(settings.weight),
    order: textOf(settings.order),
    rpm: textOf(settings.rpm),
    tpm: textOf(settings.tpm),
    timeoutSeconds: textOf(settings.timeoutSeconds),
    inputCostPerMillion: perMillion(settings.inputCostPerToken),
    outputCostPerMillion: perMillion(settings.outputCostPerToken),
    dropParams: settings.dropParams === null ? 'default' : settings.dropParams ? 'drop' : 'keep',
  };
}

/** What is wrong with each field, said next to it; empty when the draft can be saved. */
export function draftErrors(draft: DeploymentDraft): DeploymentErrors {
  const errors: DeploymentErrors = numberErrors(draft, NUMBERS);
  if (!draft.upstreamModel.trim()) errors.upstreamModel = "Name the provider's model.";
  return errors;
}

/** The edit a valid draft means (enabled is switched on its own, in the list). */
export function changeOf(draft: DeploymentDraft): { upstreamModel: string; settings: Omit<DeploymentSettings, 'enabled'> } {
  return {
    upstreamModel: draft.upstreamModel.trim(),
    settings: {
      weight: numberOf(draft.weight),
      order: numberOf(draft.order),
      rpm: numberOf(draft.rpm),
      tpm: numberOf(draft.tpm),
      timeoutSeconds: numberOf(draft.timeoutSeconds),
      inputCostPerToken: perToken(draft.inputCostPerMillion),
      outputCostPerToken: perToken(draft.outputCostPerMillion),
      dropParams: draft.dropParams === 'default' ? null : draft.dropParams === 'drop',
    },
  };
}
