import { describe, expect, it } from 'vitest';
import { clientName } from '../../electron/gateway/accounting/client-name.js';

/** User-Agents the coding tools and SDKs people point at Loopgate send, and the name each is shown by. */
const NAMED: Record<string, string> = {
  'claude-cli/1.0.83 (external, cli)': 'Claude Code',
  'codex_cli_rs/0.36.0 (Ubuntu 24.4.0; x86_64) xterm-256color': 'Codex CLI',
  'GeminiCLI/0.34.0/gemini-2.5-pro (linux; x64)': 'Gemini CLI',
  'OpenAI/JS 6.49.0': 'OpenAI SDK (JS)',
  'OpenAI/Python 1.99.1': 'OpenAI SDK (Python)',
  'Anthropic/JS 0.60.0': 'Anthropic SDK (JS)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36': 'Web browser',
  'python-requests/2.32.3': 'python-requests',
};

describe('the tool named from a User-Agent', () => {
  it('knows the coding tools and SDKs people point at Loopgate, and keeps an unknown one short', () => {
    for (const [userAgent, name] of Object.entries(NAMED)) expect(clientName(userAgent), userAgent).toBe(name);
    expect(clientName(`x${'y'.repeat(200)}/1`)).toHaveLength(40);
    for (const nameless of [undefined, '  ', '/1.0']) expect(clientName(nameless), String(nameless)).toBeNull();
  });
});
