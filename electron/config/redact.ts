// Config errors are printed (stderr, the app's import dialog) with the offending line: the
// secrets on that line, and any value that looks like one, are masked first.
/** Variables by name, as `process.env` holds them. */
type Environment = Readonly<Record<string, string | undefined>>;

const MASK = '***';
// `api_key: sk-…`, `master_key: "…"`, `aws_secret_access_key: …`, `password: …`: the value after a secret-named field.
const SECRET_FIELD = /(\b[\w-]*(?:key|key_id|secret|password|passwd|token|credentials?)["']?\s*[:=]\s*)("[^"\n]*"|'[^'\n]*'|[^\s,}\]#\n]+)/gi;
const SECRET_SHAPES: Array<[RegExp, string]> = [
  // API keys (sk-, pk-, rk-, sess-…), AWS access key ids, credentials in a URL, long opaque tokens.
  [/\b(sk|pk|rk|sess|key)-[A-Za-z0-9_*-]{6,}/g, `$1-${MASK}`],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, MASK],
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@"']+@/gi, `$1${MASK}@`],
  [/[A-Za-z0-9_+/=-]{40,}/g, MASK],
];
// Environment variables whose value is a secret (what `os.environ/NAME` resolves to).
const SECRET_NAME = /key|secret|password|passwd|token|credential|database_url|redis_url/i;
const MIN_SECRET_LENGTH = 8;

/** `text` with secrets masked: secret-named fields' values, key-shaped values, and the values of secret environment variables. */
export function redactSecrets(text: string, env: Environment = {}): string {
  let out = text;
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name)) out = out.split(value).join(MASK);
  }
  out = out.replace(SECRET_FIELD, (_, field: string, value: string) => (value.startsWith('os.environ/') ? `${field}${value}` : `${field}${MASK}`));
  for (const [pattern, replacement] of SECRET_SHAPES) out = out.replace(pattern, replacement);
  return out;
}
