// The real Claude Code, offline, using Loopgate's /mcp as its one MCP server (--mcp-config with
// the key in a header): a mock model asks for an MCP tool, and the call reaches the stdio MCP
// server behind Loopgate and shows in Loopgate's log and request log (the Logs view).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLAUDE, runTool, type Ran } from '../helpers/real-tools.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';

const STDIO_SERVER = join(PROJECT_ROOT, 'tests/fixtures/mcp/stdio-server.mjs');
/** How Claude Code names a tool of its MCP server "loopgate": mcp__<its server>__<Loopgate's tool name>. */
const ECHO = 'mcp__loopgate__notes__echo';

let model: MockAnthropic;
let gw: TestGateway;

beforeAll(async () => {
  model = await startMockAnthropic({ chooseTool: (tools) => (tools.some((tool) => tool.name === ECHO) ? { name: ECHO, input: { text: 'from claude' } } : undefined) });
  gw = await startTestGateway(`model_list:
  - model_name: claude-native
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_base: ${model.url}
      api_key: sk-ant-upstream
mcpServers:
  notes:
    command: ${process.execPath}
    args: ["${STDIO_SERVER}", "notes"]
`);
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await model?.close();
});

function run(args: string[], env: Record<string, string>, cwd: string): Promise<Ran> {
  return runTool(CLAUDE, args, env, cwd, 90_000);
}

it('Claude Code calls a tool of an MCP server behind /mcp, and the call is in the log', async () => {
  const created = await gw.manage('POST', '/key/generate', { key_alias: 'claude-mcp', metadata: { mcp_servers: ['notes'] } });
  const key = created.body.key as string;
  const home = mkdtempSync(join(tmpdir(), 'loopgate-mcp-home-'));
  const mcpConfig = join(home, 'mcp.json');
  writeFileSync(mcpConfig, JSON.stringify({ mcpServers: { loopgate: { type: 'http', url: `${gw.url}/mcp`, headers: { 'x-loopgate-key': key } } } }));
  const result = await run(
    ['-p', 'Echo "from claude" with the notes tool.', '--model', 'claude-native', '--output-format', 'json', '--mcp-config', mcpConfig, '--strict-mcp-config', '--allowedTools', ECHO],
    { HOME: home, ANTHROPIC_BASE_URL: gw.url, ANTHROPIC_AUTH_TOKEN: key, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
    home,
  );
  expect(result.code, result.stderr).toBe(0);
  const answer = JSON.parse(result.stdout) as { is_error: boolean; result: string };
  // The mock model quotes the tool's result: the MCP server's own words came back through Loopgate.
  expect(answer.is_error).toBe(false);
  expect(answer.result).toContain('notes echo: from claude');
  expect(gw.logger.records.some((entry) => entry.msg === 'mcp call' && entry.server === 'notes' && entry.tool === 'echo' && entry.ok === true && entry.key === created.body.token)).toBe(true);
  // And in the request log, the Logs view's rows: beside the model requests, the tool call as one row of its own.
  const rows = await gw.app.api['logs.list']({ keyId: created.body.token as string, limit: 50 });
  expect(rows.filter((row) => row.mcp !== null).map(({ mcp, status, keyLabel }) => ({ mcp, status, keyLabel }))).toEqual([{ mcp: { server: 'notes', tool: 'echo' }, status: 200, keyLabel: 'claude-mcp' }]);
  expect(rows.some((row) => row.model === 'claude-native')).toBe(true);
}, 120_000);
