// Thinking that Loopgate made from a chat upstream's `reasoning_content` carries a signature of
// its own: clients keep signed thinking in their history (an unsigned block is dropped), and on
// a later turn Loopgate recognises its own blocks and hands their text back as
// `reasoning_content`. Anthropic's signatures never match, so its thinking is never mistaken.
import { createHash } from 'node:crypto';

const PREFIX = 'loopgate.reasoning.v1.';

/** The signature of a thinking block made from `reasoning_content`: a marker and the text's digest. */
export function reasoningSignature(thinking: string): string {
  return PREFIX + createHash('sha256').update(thinking).digest('base64url');
}

/** Whether a thinking block is one Loopgate made (and its text unchanged since). */
export function isReasoningSignature(signature: unknown, thinking: string): boolean {
  return typeof signature === 'string' && signature.startsWith(PREFIX) && signature === reasoningSignature(thinking);
}
