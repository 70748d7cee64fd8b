// Gemini's thought signatures on the translated path. Gemini signs the function calls of a
// thinking turn and refuses the next turn when a call comes back without its signature (Gemini
// 3: "Function call is missing a thought_signature"). A client speaking another dialect keeps
// nothing of a call but its id, name and arguments, so the signature rides in the call's id
// (base64 made id-safe) and is read back from it when the history is sent to Gemini again.

const MARK = '__thought__';

/** A chat tool call id for Gemini's call at `index`, carrying its signature when it has one. */
export function callIdWithSignature(index: number, signature: unknown): string {
  const id = `call_${index}`;
  if (typeof signature !== 'string' || signature === '') return id;
  return `${id}${MARK}${signature.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

/** The thought signature a call id carries, as Gemini issued it; undefined when it carries none. */
export function signatureFromCallId(id: string): string | undefined {
  const at = id.indexOf(MARK);
  if (at < 0) return undefined;
  const safe = id.slice(at + MARK.length);
  if (!/^[A-Za-z0-9_-]+$/.test(safe)) return undefined;
  return safe.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (safe.length % 4)) % 4);
}
