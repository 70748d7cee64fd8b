// The config file's MCP servers: the `mcpServers` block agents use, pasted as it is.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../../electron/config/index.js';

function parse(yaml: string, env: Record<string, string> = {}): ReturnType<typeof parseConfigText> {
  return parseConfigText(yaml, { env });
}

describe('mcp_servers in the config file', () => {
  it('reads a Claude Code mcpServers block as pasted: stdio with env and cwd, http and sse with headers', () => {
    const config = parse(
      `mcpServers:
  github:
    command: npx
    args: ["-y", "@modelcontextprotocol/server-github"]
    env: { GITHUB_TOKEN: os.environ/GH_TOKEN }
    cwd: /tmp
  docs: { type: http, url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer os.environ/NOPE" } }
  legacy: { type: sse, url: "https://old.example.com/sse", idle_timeout: 0 }
  off: { command: foo, disabled: true }
`,
      { GH_TOKEN: 'ghp_secret' },
    );
    expect(config.mcpServers).toEqual([
      { name: 'github', kind: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_TOKEN: 'ghp_secret' }, cwd: '/tmp', idleMs: 600_000 },
      // Only a whole value is an environment reference (as everywhere in the file).
      { name: 'docs', kind: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer os.environ/NOPE' }, idleMs: 600_000 },
      { name: 'legacy', kind: 'sse', url: 'https://old.example.com/sse', headers: {}, idleMs: null },
    ]);
    expect(config.unsupported).toEqual([]);
  });

  it("takes LiteLLM's spelling, mcp_servers, with transport", () => {
    const config = parse('mcp_servers:\n  calc: { url: "http://127.0.0.1:9/mcp", transport: sse }\n');
    expect(config.mcpServers.map((server) => [server.name, server.kind])).toEqual([['calc', 'sse']]);
  });

  it.each([
    ['mcp_servers:\n  a__b: { command: x }\n', 'mcp_servers.a__b', 'without "__"'],
    ['mcp_servers:\n  a: { command: x, url: "http://h/mcp" }\n', 'mcp_servers.a', 'not both'],
    ['mcp_servers:\n  a: { args: [x] }\n', 'mcp_servers.a', 'expected "command"'],
    ['mcp_servers:\n  a: { type: http, command: x }\n', 'mcp_servers.a.type', 'stdio server'],
    ['mcp_servers:\n  a: { command: x, env: { K: os.environ/MISSING } }\n', 'mcp_servers.a.env.K', 'MISSING'],
    ['mcp_servers: {}\nmcpServers: {}\n', 'mcpServers', 'not both'],
  ])('refuses %j at its path', (yaml, path, message) => {
    let error: unknown;
    try {
      parse(yaml);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(path);
    expect((error as ConfigError).message).toContain(message);
  });
});
