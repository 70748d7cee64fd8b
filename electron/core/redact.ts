// Upstreams sometimes repeat the credentials they were sent ("Incorrect API key provided:
// sk-abc1…wxyz"). Whatever an upstream says goes to clients holding only a virtual key, to the
// log and to the request log, so it passes through here first: the deployment's own
// credentials, their masked forms, and anything shaped like a provider key become `***`.
import type { DeploymentConfig } from './deployment.js';

const MASK = '***';
/** Shorter secrets would match ordinary words; no real provider key is this short. */
const MIN_SECRET = 8;
/** A word with a run of mask characters in it: `sk-abc1****wxyz`, `sk-…wxyz`, `AIza•••••`. */
const MASKED_WORD = /[^\s"'`,;()<>[\]{}]*(?:\*{3,}|•{2,}|…|\.{3,})[^\s"'`,;()<>[\]{}]*/g;
const MASK_RUN = /\*{3,}|•{2,}|…|\.{3,}/;
/** What provider keys look like, whoever's they are. */
const KEY_SHAPES: Array<[RegExp, string]> = [
  [/\b(sk|pk|rk|sess|key)-[A-Za-z0-9_*-]{6,}/gi, '$1-***'],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, MASK],
  [/\bBearer\s+[^\s"',]+/gi, 'Bearer ***'],
  [/([?&](?:key|api[_-]?key|token|access_token|sig)=)[^&\s"']+/gi, '$1***'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, MASK],
];

function credentials(deployment: DeploymentConfig | null): string[] {
  if (!deployment) return [];
  const aws = deployment.aws;
  const all = [deployment.apiKey, ...(deployment.apiKeys ?? []), aws?.accessKeyId, aws?.secretAccessKey, aws?.sessionToken];
  return all.filter((secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET);
}

/** The ways a secret may be written out: as is, inside a JSON string, in a URL. */
function spellings(secret: string): string[] {
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), secret.replaceAll('/', '\\/'), encodeURIComponent(secret)])];
}

/** A masked word that shows a secret's start (3+ characters) or its end (4+). */
function masksSecret(word: string, secret: string): boolean {
  const parts = word.split(MASK_RUN);
  const head = parts[0] ?? '';
  const tail = (parts.at(-1) ?? '').replace(/[.!?:]+$/, '');
  return (head.length >= 3 && secret.startsWith(head)) || (tail.length >= 4 && secret.endsWith(tail));
}

/** `text` with the deployment's credentials (literal or masked) and anything key-shaped replaced by `***`; otherwise unchanged. */
export function redactCredentials(text: string, deployment: DeploymentConfig | null): string {
  let out = text;
  const secrets = credentials(deployment);
  for (const secret of secrets) for (const spelling of spellings(secret)) out = out.split(spelling).join(MASK);
  if (secrets.length > 0) out = out.replace(MASKED_WORD, (word) => (secrets.some((secret) => masksSecret(word, secret)) ? MASK : word));
  for (const [pattern, replacement] of KEY_SHAPES) out = out.replace(pattern, replacement);
  return out;
}
