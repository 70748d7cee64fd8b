// Names the tool behind a request from its User-Agent, for the request log: the app says which
// tools a key serves ("Claude Code, Codex CLI used this key") before it is deleted.

/** Known tools by the start of their User-Agent; the first match wins, so longer prefixes come first. */
const TOOLS: ReadonlyArray<readonly [prefix: string, name: string]> = [
  ['claude-cli/', 'Claude Code'],
  ['codex_cli_rs/', 'Codex CLI'],
  ['codex_exec/', 'Codex CLI'],
  ['codex_vscode/', 'Codex (VS Code)'],
  ['geminicli', 'Gemini CLI'],
  ['qwencode', 'Qwen Code'],
  ['qwen-code', 'Qwen Code'],
  ['opencode/', 'opencode'],
  ['aider/', 'Aider'],
  ['cline/', 'Cline'],
  ['continue/', 'Continue'],
  ['openai/js', 'OpenAI SDK (JS)'],
  ['openai/python', 'OpenAI SDK (Python)'],
  ['anthropic/js', 'Anthropic SDK (JS)'],
  ['anthropic/python', 'Anthropic SDK (Python)'],
  ['google-genai-sdk/', 'Google Gen AI SDK'],
  ['litellm/', 'LiteLLM'],
  ['curl/', 'curl'],
  // Every browser's User-Agent starts so (the Playground, a web app calling directly).
  ['mozilla/', 'Web browser'],
];

/** Longest name kept for a tool Loopgate does not know (its User-Agent's first word). */
const MAX_UNKNOWN = 40;

export function clientName(userAgent: string | undefined): string | null {
  const agent = userAgent?.trim();
  if (!agent) return null;
  const lower = agent.toLowerCase();
  for (const [prefix, name] of TOOLS) if (lower.startsWith(prefix)) return name;
  // Unknown: the product name without its version ("python-requests/2.32" → "python-requests").
  const product = /^[^\s/;()]+/.exec(agent)?.[0] ?? '';
  return product ? product.slice(0, MAX_UNKNOWN) : null;
}
