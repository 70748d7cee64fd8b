// The Connect page's MCP setups, pasted into the real tools: each in a throw-away HOME, offline,
// against a gateway hosting one stdio MCP server. Each tool's own `mcp list` reaches Loopgate's
// /mcp with the key the setup filled in (Claude Code and Gemini CLI connect to check it).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snippets, type Snippet } from '../../renderer/src/lib/snippets.js';
import { PROJECT_ROOT } from '../helpers/cli.js';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { CLAUDE, runTool, type Ran } from '../helpers/real-tools.js';

const STDIO_SERVER = join(PROJECT_ROOT, 'tests/fixtures/mcp/stdio-server.mjs');

let upstream: MockUpstream;
let gw: TestGateway;
let key: string;
let setups: Snippet[];
/** A PATH directory with the three tools under their usual names. */
let bin: string;
const homes: string[] = [];

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(`model_list:${openaiModel('chat', 'mock-model', upstream.apiBase)}
mcpServers:
  notes:
    command: ${process.execPath}
    args: ["${STDIO_SERVER}", "notes"]
`);
  key = (await gw.manage('POST', '/key/generate', { key_alias: 'connected-tools' })).body.key as string;
  setups = snippets(gw.url, key, 'chat');
  bin = mkdtempSync(join(tmpdir(), 'loopgate-connect-bin-'));
  symlinkSync(CLAUDE, join(bin, 'claude'));
  symlinkSync(join(PROJECT_ROOT, 'node_modules/.bin/codex'), join(bin, 'codex'));
  symlinkSync(join(PROJECT_ROOT, 'node_modules/.bin/gemini'), join(bin, 'gemini'));
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  for (const dir of [bin, ...homes]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const setup = (tool: string): Snippet => setups.find((s) => s.tool === tool)!;

/** A throw-away HOME holding the files given (relative paths). */
function home(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'loopgate-connect-home-'));
  homes.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function sh(script: string, env: Record<string, string>, cwd: string): Promise<Ran> {
  return runTool('sh', ['-c', script], { PATH: `${bin}:${process.env.PATH ?? ''}`, ...env }, cwd, 90_000);
}

describe('Connect’s MCP setups in the real tools', () => {
  it('Claude Code: the `claude mcp add` line, then `claude mcp list` says Loopgate’s /mcp is connected', async () => {
    const dir = home();
    const env = { HOME: dir, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' };
    const added = await sh(setup('Claude Code').then!.code, env, dir);
    expect(added.code, added.stderr).toBe(0);
    const listed = await sh('claude mcp list', env, dir);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`loopgate: ${gw.url}/mcp \\(HTTP\\) - [✓✔] Connected`));
  }, 120_000);

  it('Gemini CLI: settings.json as shown and the key exported, `gemini mcp list` says connected', async () => {
    const dir = home({ '.gemini/settings.json': setup('Gemini CLI').code });
    // Gemini CLI runs MCP servers only in folders the user trusts; this one is.
    writeFileSync(join(dir, '.gemini/trustedFolders.json'), JSON.stringify({ [dir]: 'TRUST_FOLDER' }));
    const exports = setup('Gemini CLI')
      .then!.code.split('\n')
      .filter((line) => line.startsWith('export '))
      .join('\n');
    const listed = await sh(`${exports}\ngemini mcp list`, { HOME: dir, GEMINI_TELEMETRY_ENABLED: 'false' }, dir);
    expect(listed.code, listed.stderr).toBe(0);
    expect(`${listed.stdout}${listed.stderr}`).toMatch(new RegExp(`loopgate: ${gw.url}/mcp \\(http\\) - Connected`));
  }, 120_000);

  it('Codex CLI: config.toml as shown, `codex mcp get` reads Loopgate’s /mcp with the key from LOOPGATE_API_KEY', async () => {
    const dir = home({ '.codex/config.toml': setup('Codex CLI').code });
    const got = await sh('codex mcp get loopgate --json', { HOME: dir }, dir);
    expect(got.code, got.stderr).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ name: 'loopgate', transport: { type: 'streamable_http', url: `${gw.url}/mcp`, bearer_token_env_var: 'LOOPGATE_API_KEY' } });
  }, 120_000);
});
