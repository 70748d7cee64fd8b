// The Connect page's Claude Code setup, run by a real shell: what Claude Code would be started with.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { snippets } from '../../renderer/src/lib/snippets.js';

describe('Connect: Claude Code', () => {
  const snippet = snippets('http://127.0.0.1:7420', 'sk-lg-abc', 'claude-sonnet-4-5').find((s) => s.tool === 'Claude Code')!;

  it("sets auto mode's opt-in and its classifier model to the chosen group (not the claude-sonnet-5 Claude Code asks for)", () => {
    const script = `claude() { env; }\n${snippet.code}`;
    const env = execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '' } }).toString();
    expect(env).toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:7420\n');
    expect(env).toContain('CLAUDE_CODE_ENABLE_AUTO_MODE=1\n');
    expect(env).toContain('CLAUDE_CODE_AUTO_MODE_MODEL=claude-sonnet-4-5\n');
  });

  it('says what cannot be set', () => {
    expect(snippet.note).toMatch(/may still turn auto mode off for a custom ANTHROPIC_BASE_URL .*no variable turns it back on/);
  });
});
