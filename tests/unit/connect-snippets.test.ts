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

describe('Connect: Loopgate’s MCP servers in each agent’s setup', () => {
  const all = snippets('http://127.0.0.1:7420', 'sk-lg-abc', 'chat');
  const of = (tool: string) => all.find((s) => s.tool === tool)!;

  it('marks the agents whose setup connects /mcp, and no other', () => {
    expect(all.filter((s) => s.mcp).map((s) => s.tool)).toEqual(['Claude Code', 'Codex CLI', 'Gemini CLI', 'opencode']);
  });

  it('gives opencode a remote server with the key, Codex the key’s variable, Gemini CLI the exported key', () => {
    const opencode = JSON.parse(of('opencode').code) as { mcp: unknown };
    expect(opencode.mcp).toEqual({ loopgate: { type: 'remote', url: 'http://127.0.0.1:7420/mcp', headers: { Authorization: 'Bearer sk-lg-abc' } } });
    expect(of('Codex CLI').code).toContain('\n[mcp_servers.loopgate]\nurl = "http://127.0.0.1:7420/mcp"\nbearer_token_env_var = "LOOPGATE_API_KEY"\n');
    expect((JSON.parse(of('Gemini CLI').code) as { mcpServers: unknown }).mcpServers).toEqual({ loopgate: { httpUrl: 'http://127.0.0.1:7420/mcp', headers: { Authorization: 'Bearer $GEMINI_API_KEY' } } });
    expect(of('Gemini CLI').then?.code).toContain('export GEMINI_API_KEY=sk-lg-abc');
  });
});
