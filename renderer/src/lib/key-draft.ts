// A key form's text fields ↔ the contract's KeyPatch, with the checks a person sees inline.
// Create and edit share this: on edit, a blank "Expires after" keeps the current expiry.
import type { KeyPatch, KeyView } from '../../../shared/api.js';
import { parseDuration, type CaptureMode } from '../../../shared/keys.js';
import { numberErrors, numberOf, textOf, type NumberRule } from './number-fields.js';

export interface KeyDraft {
  keyAlias: string;
  models: string[];
  rpmLimit: string;
  tpmLimit: string;
  maxParallelRequests: string;
  maxBudget: string;
  budgetDuration: string;
  duration: string;
  /** Edit only: remove the key's expiry. */
  neverExpires: boolean;
  /** '' follows the app's capture setting. */
  capture: '' | CaptureMode;
}

export type DraftErrors = Partial<Record<keyof KeyDraft, string>>;

const LIMIT: NumberRule = { whole: true, optional: true, message: 'A whole number, or empty for no limit.' };
const NUMBERS = {
  rpmLimit: LIMIT,
  tpmLimit: LIMIT,
  maxParallelRequests: LIMIT,
  maxBudget: { optional: true, message: 'An amount in USD, like 5 or 2.50.' },
} satisfies Partial<Record<keyof KeyDraft, NumberRule>>;
const DURATION_FIELDS = ['budgetDuration', 'duration'] as const;

export function blankDraft(): KeyDraft {
  return { keyAlias: '', models: [], rpmLimit: '', tpmLimit: '', maxParallelRequests: '', maxBudget: '', budgetDuration: '', duration: '', neverExpires: false, capture: '' };
}

export function draftOf(key: KeyView): KeyDraft {
  return {
    keyAlias: key.keyAlias ?? '',
    models: [...key.models],
    rpmLimit: textOf(key.rpmLimit),
    tpmLimit: textOf(key.tpmLimit),
    maxParallelRequests: textOf(key.maxParallelRequests),
    maxBudget: textOf(key.maxBudget),
    budgetDuration: key.budgetDuration ?? '',
    duration: '',
    neverExpires: false,
    capture: key.capture ?? '',
  };
}

/** What is wrong with each field, said next to it; empty when the draft can be saved. */
export function draftErrors(draft: KeyDraft): DraftErrors {
  const errors: DraftErrors = numberErrors(draft, NUMBERS);
  for (const field of DURATION_FIELDS) {
    const text = draft[field].trim();
    if (text !== '' && parseDuration(text) === null) errors[field] = 'A duration like 30d, 12h or 1mo.';
  }
  return errors;
}

/** The patch a draft means. Editing, an untouched expiry is left out, so it is kept. */
export function patchOf(draft: KeyDraft, editing: boolean): KeyPatch {
  const duration = draft.duration.trim();
  const patch: KeyPatch = {
    keyAlias: draft.keyAlias.trim() || null,
    models: [...draft.models],
    rpmLimit: numberOf(draft.rpmLimit),
    tpmLimit: numberOf(draft.tpmLimit),
    maxParallelRequests: numberOf(draft.maxParallelRequests),
    maxBudget: numberOf(draft.maxBudget),
    budgetDuration: draft.budgetDuration.trim() || null,
    capture: draft.capture || null,
  };
  if (duration) patch.duration = duration;
  else if (!editing || draft.neverExpires) patch.duration = null;
  return patch;
}
