import { describe, expect, it } from 'vitest';
import { clientName } from '../../electron/gateway/accounting/client-name.js';

describe('the tool named from a User-Agent', () => {
  it('knows the coding tools and SDKs people point at Loopgate, and keeps an unknown one short', () => {
    expect(clientName('claude-cli/1.0.83 (external, cli)')).toBe('Claude Code');
    expect(clientName('codex_cli_rs/0.36.0 (Ubuntu 24.4.0; x86_64) xterm-256color')).toBe('Codex CLI');
    expect(clientName('GeminiCLI/0.34.0/gemini-2.5-pro (linux; x64)')).toBe('Gemini CLI');
    expect(clientName('OpenAI/JS 6.49.0')).toBe('OpenAI SDK (JS)');
    expect(clientName('OpenAI/Python 1.99.1')).toBe('OpenAI SDK (Python)');
    expect(clientName('Anthropic/JS 0.60.0')).toBe('Anthropic SDK (JS)');
    expect(clientName('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36')).toBe('Web browser');
    expect(clientName('python-requests/2.32.3')).toBe('python-requests');
    expect(clientName(`x${'y'.repeat(200)}/1`)).toHaveLength(40);
    expect(clientName(undefined)).toBeNull();
    expect(clientName('  ')).toBeNull();
    expect(clientName('/1.0')).toBeNull();
  });
});
