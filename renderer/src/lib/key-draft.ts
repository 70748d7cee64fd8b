// A key form's text fields ↔ the contract's KeyPatch, with the checks a person sees inline.
// Create and edit share this: on edit, a blank "Expires after" keeps the current expiry.
import type { KeyPatch, KeyView } from '../../../shared/api.js';
import { parseDuration } from '../../../shared/keys.js';

export interface KeyDraft {
  keyAlias: string;
  models: string;
  rpmLimit: string;
  tpmLimit: string;
  maxParallelRequests: string;
  maxBudget: string;
  budgetDuration: string;
  duration: string;
  /** Edit only: remove the key's expiry. */
  neverExpires: boolean;
}

export type DraftErrors = Partial<Record<keyof KeyDraft, string>>;

const WHOLE_FIELDS = ['rpmLimit', 'tpmLimit', 'maxParallelRequests'] as const;
const DURATION_FIELDS = ['budgetDuration', 'duration'] as const;

export function blankDraft(): KeyDraft {
  return { keyAlias: '', models: '', rpmLimit: '', tpmLimit: '', maxParallelRequests: '', maxBudget: '', budgetDuration: '', duration: '', neverExpires: false };
}

export function draftOf(key: KeyView): KeyDraft {
  const text = (value: number | null): string => (value === null ? '' : String(value));
  return {
    keyAlias: key.keyAlias ?? '',
    models: key.models.join(', '),
    rpmLimit: text(key.rpmLimit),
    tpmLimit: text(key.tpmLimit),
    maxParallelRequests: text(key.maxParallelRequests),
    maxBudget: text(key.maxBudget),
    budgetDuration: key.budgetDuration ?? '',
    duration: '',
    neverExpires: false,
  };
}

/** What is wrong with each field, said next to it; empty when the draft can be saved. */
export function draftErrors(draft: KeyDraft): DraftErrors {
  const errors: DraftErrors = {};
  for (const field of WHOLE_FIELDS) {
    const text = draft[field].trim();
    if (text !== '' && !/^\d+$/.test(text)) errors[field] = 'A whole number, or empty for no limit.';
  }
  const budget = draft.maxBudget.trim();
  if (budget !== '' && !(Number.isFinite(Number(budget)) && Number(budget) >= 0)) errors.maxBudget = 'An amount in USD, like 5 or 2.50.';
  for (const field of DURATION_FIELDS) {
    const text = draft[field].trim();
    if (text !== '' && parseDuration(text) === null) errors[field] = 'A duration like 30d, 12h or 1mo.';
  }
  return errors;
}

/** The patch a draft means. Editing, an untouched expiry is left out, so it is kept. */
export function patchOf(draft: KeyDraft, editing: boolean): KeyPatch {
  const number = (text: string): number | null => (text.trim() === '' ? null : Number(text.trim()));
  const duration = draft.duration.trim();
  const patch: KeyPatch = {
    keyAlias: draft.keyAlias.trim() || null,
    models: draft.models.split(',').map((model) => model.trim()).filter(Boolean),
    rpmLimit: number(draft.rpmLimit),
    tpmLimit: number(draft.tpmLimit),
    maxParallelRequests: number(draft.maxParallelRequests),
    maxBudget: number(draft.maxBudget),
    budgetDuration: draft.budgetDuration.trim() || null,
  };
  if (duration) patch.duration = duration;
  else if (!editing || draft.neverExpires) patch.duration = null;
  return patch;
}
