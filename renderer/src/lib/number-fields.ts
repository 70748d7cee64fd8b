// Numbers typed into text fields: one reading of what counts as a number, and one way to say
// what is wrong next to the field, for every form (keys, deployments, routing).

export interface NumberRule {
  /** Whole numbers only (counts, limits); else decimals too (seconds, prices). */
  whole?: boolean;
  /** Zero is refused. */
  positive?: boolean;
  /** Empty is allowed and means "none" or "the default". */
  optional?: boolean;
  /** Said next to the field when the text does not fit. */
  message: string;
}

const WHOLE = /^\d+$/;
const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;

/** The field's number; empty text is null. Only meaningful for text that passed its rule. */
export function numberOf(text: string): number | null {
  return text.trim() === '' ? null : Number(text.trim());
}

export function textOf(value: number | null): string {
  return value === null ? '' : String(value);
}

function fits(text: string, rule: NumberRule): boolean {
  const trimmed = text.trim();
  if (trimmed === '') return rule.optional === true;
  if (!(rule.whole ? WHOLE : DECIMAL).test(trimmed)) return false;
  return !rule.positive || Number(trimmed) > 0;
}

/** The message for each field whose text does not fit its rule. */
export function numberErrors<F extends string>(draft: Record<NoInfer<F>, string>, rules: Record<F, NumberRule>): Partial<Record<F, string>> {
  const errors: Partial<Record<F, string>> = {};
  for (const field of Object.keys(rules) as F[]) {
    if (!fits(draft[field], rules[field])) errors[field] = rules[field].message;
  }
  return errors;
}
