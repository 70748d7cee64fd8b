// What `loopgate run` gives each tool, decided as plain data: models picked from the gateway's
// groups, the project header, Claude Code with and without its own sign-in, the command line,
// and `loopgate env`'s shell lines read back by a real shell.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from '../../electron/launch/command-line.js';
import { shellLines, shellQuote } from '../../electron/launch/shell-lines.js';
import { projectHeaderValue, toolPlan, type LaunchContext } from '../../electron/launch/tools.js';

const ctx = (over: Partial<LaunchContext> = {}): LaunchContext => ({
  baseUrl: 'http://127.0.0.1:7420',
  key: 'sk-lg-tool',
  models: ['gpt-4o', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gemini-2.5-pro'],
  project: 'shop',
  ownLogin: false,
  geminiSettingsFile: '/data/launch/gemini-settings.json',
  env: {},
  mcp: true,
  ...over,
});

describe('Claude Code', () => {
  it('runs in gateway mode with model discovery, its tiers mapped onto groups named after them', () => {
    const { env } = toolPlan('claude', ctx(), []);
    expect(env).toMatchObject({
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:7420',
      ANTHROPIC_AUTH_TOKEN: 'sk-lg-tool',
      ANTHROPIC_API_KEY: null,
      CLAUDE_CODE_USE_GATEWAY: '1',
      CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1',
      ANTHROPIC_CUSTOM_HEADERS: 'x-loopgate-project: shop',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'claude-sonnet-4-5',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5',
      // No opus group: the main Claude group stands in.
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-sonnet-4-5',
    });
  });

  it('opts in to auto mode, its classifier on the sonnet tier rather than the claude-sonnet-5 Claude Code asks for', () => {
    expect(toolPlan('claude', ctx(), []).env).toMatchObject({ CLAUDE_CODE_ENABLE_AUTO_MODE: '1', CLAUDE_CODE_AUTO_MODE_MODEL: 'claude-sonnet-4-5' });
    expect(toolPlan('claude', ctx({ models: ['*'] }), []).env).toMatchObject({ CLAUDE_CODE_ENABLE_AUTO_MODE: '1' });
  });

  it('leaves model names alone when a catch-all group routes any name', () => {
    expect(Object.keys(toolPlan('claude', ctx({ models: ['*', 'gpt-4o'] }), []).env).filter((name) => name.includes('MODEL'))).toEqual(['CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY']);
  });

  it('with --own-login sets no credential and sends the key as x-loopgate-key, keeping the user’s own custom headers', () => {
    const { env } = toolPlan('claude', ctx({ ownLogin: true, env: { ANTHROPIC_CUSTOM_HEADERS: 'X-Team: blue\nx-loopgate-project: old' } }), []);
    expect(env).toEqual({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:7420', ANTHROPIC_CUSTOM_HEADERS: 'X-Team: blue\nx-loopgate-key: sk-lg-tool\nx-loopgate-project: shop', LOOPGATE_API_KEY: 'sk-lg-tool' });
  });
});

describe('Codex CLI', () => {
  it('gets its provider as -c overrides, and a model only when the user names none', () => {
    const plan = toolPlan('codex', ctx(), ['exec', 'hi']);
    const overrides = plan.args.filter((_, i) => i % 2 === 1);
    expect(plan.args.filter((_, i) => i % 2 === 0).every((flag) => flag === '-c')).toBe(true);
    expect(overrides).toContain('model_providers.loopgate.http_headers={ "x-loopgate-project" = "shop" }');
    expect(overrides).toContain('model="gpt-4o"');
    expect(plan.env).toEqual({ LOOPGATE_API_KEY: 'sk-lg-tool' });
    expect(toolPlan('codex', ctx(), ['-m', 'o3']).args).not.toContain('model="gpt-4o"');
  });
});

describe('Gemini CLI', () => {
  it('is pointed at a settings file of Loopgate’s own, with the project in its custom-headers variable', () => {
    const plan = toolPlan('gemini', ctx(), []);
    expect(plan.env).toMatchObject({ GEMINI_CLI_SYSTEM_SETTINGS_PATH: '/data/launch/gemini-settings.json', GEMINI_CLI_CUSTOM_HEADERS: 'x-loopgate-project: shop', GEMINI_MODEL: 'gemini-2.5-pro' });
    expect(plan.files).toEqual([{ path: '/data/launch/gemini-settings.json', content: expect.stringContaining('"selectedType": "gemini-api-key"') }]);
  });
});

describe('Loopgate’s MCP servers (/mcp)', () => {
  const MCP = 'http://127.0.0.1:7420/mcp';

  it('are wired into each tool as the server "loopgate", the key read from a variable rather than put in an argument', () => {
    const claude = toolPlan('claude', ctx(), ['-p', 'hi']);
    // One argument with `=`: the flag takes several values, so a separate value would swallow the user's prompt.
    expect(claude.args).toHaveLength(1);
    expect(claude.args[0]).toMatch(/^--mcp-config=\{/);
    expect(JSON.parse(claude.args[0]!.slice('--mcp-config='.length))).toEqual({ mcpServers: { loopgate: { type: 'http', url: MCP, headers: { Authorization: 'Bearer ${LOOPGATE_API_KEY}' } } } });
    expect(claude.env.LOOPGATE_API_KEY).toBe('sk-lg-tool');
    expect(toolPlan('claude', ctx({ ownLogin: true }), []).args).toEqual(claude.args);
    expect(toolPlan('codex', ctx(), []).args).toEqual(expect.arrayContaining([`mcp_servers.loopgate.url="${MCP}"`, 'mcp_servers.loopgate.bearer_token_env_var="LOOPGATE_API_KEY"']));
    const gemini = JSON.parse(toolPlan('gemini', ctx(), []).files[0]!.content) as Record<string, unknown>;
    expect(gemini.mcpServers).toEqual({ loopgate: { httpUrl: MCP, headers: { Authorization: 'Bearer $GEMINI_API_KEY' } } });
    const opencode = JSON.parse(toolPlan('opencode', ctx(), []).env.OPENCODE_CONFIG_CONTENT!) as Record<string, unknown>;
    expect(opencode.mcp).toEqual({ loopgate: { type: 'remote', url: MCP, headers: { Authorization: 'Bearer {env:LOOPGATE_API_KEY}' } } });
    expect(JSON.stringify([claude, gemini, opencode])).not.toContain('Bearer sk-lg-tool');
  });

  it('are left out with --no-mcp', () => {
    expect(parseLaunchArgs(['claude', '-p', 'hi']).mcp).toBe(true);
    expect(parseLaunchArgs(['--no-mcp', 'codex']).mcp).toBe(false);
    expect(parseLaunchArgs(['claude', '--no-mcp', '-p', 'hi'])).toMatchObject({ mcp: false, args: ['-p', 'hi'] });
    const off = ctx({ mcp: false });
    expect(toolPlan('claude', off, []).args).toEqual([]);
    expect(toolPlan('claude', off, []).env.LOOPGATE_API_KEY).toBeUndefined();
    expect(toolPlan('codex', off, []).args.join(' ')).not.toContain('mcp_servers');
    expect(toolPlan('gemini', off, []).files[0]!.content).not.toContain('mcpServers');
    expect(toolPlan('opencode', off, []).env.OPENCODE_CONFIG_CONTENT).not.toContain('"mcp"');
  });

  it('reach Claude Code through `loopgate env` as a shell function whose argument keeps ${LOOPGATE_API_KEY} for Claude Code to expand', () => {
    const plan = toolPlan('claude', ctx(), []);
    const script = `${shellLines(plan)}\ncommand() { shift; printf '%s\\0' "$@"; }\nclaude -p hi`;
    const args = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\0');
    expect(args.slice(0, 3)).toEqual([plan.args[0], '-p', 'hi']);
    expect(args[0]).toContain('Bearer ${LOOPGATE_API_KEY}');
  });
});

describe('the project header', () => {
  it('keeps a printable ASCII name and percent-encodes anything else', () => {
    expect(projectHeaderValue('my-app')).toBe('my-app');
    expect(projectHeaderValue('café, v2')).toBe('caf%C3%A9%2C%20v2');
    fc.assert(
      fc.property(fc.string(), (name) => /^[\x20-\x7e]+$/.test(projectHeaderValue(name))),
      { seed: 25, numRuns: 300 },
    );
  });
});

describe('the command line', () => {
  it('takes Loopgate’s options before the tool or right after its name, and passes the rest on', () => {
    expect(parseLaunchArgs(['--project', 'x', 'claude', '--own-login', '-p', 'hi', '--project', 'y'])).toMatchObject({
      target: { kind: 'tool', tool: 'claude' },
      project: 'x',
      ownLogin: true,
      args: ['-p', 'hi', '--project', 'y'],
    });
    expect(parseLaunchArgs(['--', 'python', 'app.py', '--own-login'])).toMatchObject({ target: { kind: 'command', command: 'python' }, args: ['app.py', '--own-login'] });
  });

  it('refuses an unknown tool, and --own-login for another tool, as usage errors', () => {
    expect(() => parseLaunchArgs(['cursor'])).toThrow(/known tools: claude, codex, gemini, opencode, qwen/);
    expect(() => parseLaunchArgs(['codex', '--own-login'])).toThrow(/claude \(Claude Code\) only/);
  });
});

describe('loopgate env', () => {
  it('prints lines a shell reads back to the same values, whatever they hold', () => {
    const values = fc.sample(fc.string({ unit: fc.constantFrom('a', "'", '"', '$', '`', '\\', ' ', '\n', 'é', '!') }), { seed: 25, numRuns: 40 });
    const plan = { command: 'codex', args: ['-c', `x="it's"`], env: Object.fromEntries(values.map((v, i) => [`V${i}`, v])), files: [] };
    const script = `${shellLines(plan)}\n${values.map((_, i) => `printf '%s\\0' "$V${i}"`).join('\n')}\ntype codex | grep -c "command codex"`;
    const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
    const parts = out.split('\0');
    expect(parts.slice(0, values.length)).toEqual(values);
    expect(parts.at(-1)?.trim()).toBe('1');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
