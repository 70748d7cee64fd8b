// `loopgate run` and `loopgate env` with the real Claude Code, Codex CLI and Gemini CLI, offline:
// the built CLI against a real `loopgate serve` over mock upstreams, each tool in a throw-away
// HOME that holds "the user's" own config files, which must come out byte for byte as they went in.
// A recording proxy in front of the gateway shows what each tool sent (its key, the project header).
// The gateway hosts one stdio MCP server: each tool gets Loopgate's /mcp wired in, and its tools reach the model.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE, geminiSettings, runTool, type Ran } from '../helpers/real-tools.js';
import { CLI_PATH, PROJECT_ROOT, startServe, tempDir, writeConfig, type RunningCli } from '../helpers/cli.js';
import { modelEntry, openaiModel } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { startMockGemini, type MockServer } from '../helpers/mock-providers.js';
import { startRecordingProxy, type RecordingProxy } from '../helpers/recording-proxy.js';

let claude: MockAnthropic;
let openai: MockUpstream;
let gemini: MockServer;
let serve: RunningCli;
let proxy: RecordingProxy;
let dataDir: string;
/** A PATH directory holding the three tools under their usual names. */
let bin: string;
let masterKey: string;

const STDIO_SERVER = join(PROJECT_ROOT, 'tests/fixtures/mcp/stdio-server.mjs');

/** No folder above `dir` that others may write to (no world-writable /tmp on the way). */
function privateAncestors(dir: string): boolean {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if ((statSync(at).mode & 0o002) !== 0) return false;
    if (dirname(at) === at) return true;
  }
}

// Gemini CLI reads a settings file only below folders no one else may write to, which /tmp is not: the data dir goes in
// the checkout's node_modules/.cache, or, for a checkout under /tmp (a CI clone), in the user's own ~/.cache.
function privateCacheDir(): string {
  for (const dir of [join(PROJECT_ROOT, 'node_modules/.cache'), join(homedir(), '.cache')]) {
    mkdirSync(dir, { recursive: true });
    if (privateAncestors(dir)) return dir;
  }
  throw new Error('No cache folder without a world-writable parent: Gemini CLI would refuse its settings file there.');
}

beforeAll(async () => {
  [claude, openai, gemini] = await Promise.all([startMockAnthropic(), startMockOpenAI(), startMockGemini('gemini-upstream-key')]);
  dataDir = mkdtempSync(join(privateCacheDir(), 'loopgate-launch-data-'));
  const config = writeConfig(
    tempDir(),
    `model_list:${modelEntry('claude-sonnet-4-5', { model: 'anthropic/claude-sonnet-4-5', api_base: claude.url, api_key: 'sk-ant-upstream' })}${modelEntry('gemini-2.5-flash', {
      model: 'gemini/gemini-2.5-flash',
      api_base: `${gemini.url}/v1beta`,
      api_key: 'gemini-upstream-key',
    })}${openaiModel('gpt-codex', 'mock-responses', openai.apiBase, '\n    model_info:\n      mode: responses')}
mcpServers:
  notes:
    command: ${process.execPath}
    args: ["${STDIO_SERVER}", "notes"]
`,
  );
  serve = await startServe(['--port', '0', '--data-dir', dataDir, '--config', config]);
  masterKey = readFileSync(join(dataDir, 'master-key'), 'utf8').trim();
  proxy = await startRecordingProxy(serve.url);
  bin = tempDir('loopgate-launch-bin-');
  symlinkSync(CLAUDE, join(bin, 'claude'));
  symlinkSync(join(PROJECT_ROOT, 'node_modules/.bin/codex'), join(bin, 'codex'));
  symlinkSync(join(PROJECT_ROOT, 'node_modules/.bin/gemini'), join(bin, 'gemini'));
});

afterAll(async () => {
  serve?.signal('SIGTERM');
  await serve?.exit;
  await Promise.all([proxy?.close(), claude?.close(), openai?.close(), gemini?.close()]);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A tool run with the three tools first on its PATH. */
function run(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<Ran> {
  return runTool(command, args, { PATH: `${bin}:${process.env.PATH ?? ''}`, ...env }, cwd, 90_000);
}

/** A throw-away HOME with the user's own config files for each tool, and a project folder in it. */
function userHome(): { home: string; project: string; files: Map<string, Buffer> } {
  const home = tempDir('loopgate-launch-home-');
  const write = (path: string, text: string): void => {
    mkdirSync(join(home, path, '..'), { recursive: true });
    writeFileSync(join(home, path), text);
  };
  write('.claude/settings.json', '{\n  "theme": "dark"\n}\n');
  // The user's Codex points at OpenAI; `loopgate run codex` must win for the run without touching it.
  write('.codex/config.toml', 'model = "gpt-5"\nmodel_provider = "openai"\n');
  // The user's Gemini CLI signs in with Google; Loopgate's own settings file picks the API key for the run.
  write('.gemini/settings.json', geminiSettings('oauth-personal'));
  const project = join(home, 'my-project');
  mkdirSync(project);
  const files = new Map(['.claude/settings.json', '.codex/config.toml', '.gemini/settings.json'].map((path) => [path, readFileSync(join(home, path))]));
  return { home, project, files };
}

function expectUntouched(home: string, files: Map<string, Buffer>): void {
  for (const [path, bytes] of files) expect(readFileSync(join(home, path)).equals(bytes), path).toBe(true);
}

function loopgate(args: string[], env: Record<string, string>, cwd: string): Promise<Ran> {
  return run(process.execPath, [CLI_PATH, ...args], { LOOPGATE_DATA_DIR: dataDir, LOOPGATE_URL: proxy.url, ...env }, cwd);
}

/** `loopgate <args>` from the project folder of a fresh user HOME; `since` is where its requests start at the proxy. */
async function loopgateInUserHome(args: string[], env: Record<string, string> = {}): Promise<{ home: string; files: Map<string, Buffer>; since: number; result: Ran }> {
  const { home, project, files } = userHome();
  const since = proxy.requests.length;
  const result = await loopgate(args, { HOME: home, ...env }, project);
  return { home, files, since, result };
}

/** The secret `loopgate run` keeps for a tool's key (0600, in the data dir). */
function launchKey(tool: string): string {
  const file = join(dataDir, 'launch-keys.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, { key: string }>)[`loopgate run: ${tool}`]!.key;
}

function sent(pathPrefix: string, since: number): RecordingProxy['requests'] {
  return proxy.requests.slice(since).filter((r) => r.path.startsWith(pathPrefix));
}

/** The tool listed the tools of Loopgate's /mcp with its own key (the JSON-RPC methods it sent there). */
function expectMcpListed(tool: string, since: number): void {
  const mcp = sent('/mcp', since);
  expect(mcp.map((r) => r.headers.authorization)).toEqual(mcp.map(() => `Bearer ${launchKey(tool)}`));
  const methods = mcp.map((r) => (JSON.parse(r.body || '{}') as { method?: string }).method);
  expect(methods, tool).toEqual(expect.arrayContaining(['initialize', 'tools/list']));
}

/** An MCP server's tool behind Loopgate was offered to the model. */
const offered = (requests: ReadonlyArray<{ body: unknown }>): boolean => requests.some((r) => JSON.stringify(r.body).includes('notes__echo'));

async function keyByAlias(alias: string): Promise<{ token: string; key_alias: string; usage: { total_requests: number } }> {
  const response = await fetch(`${serve.url}/key/list?key_alias=${encodeURIComponent(alias)}&return_full_object=true`, { headers: { authorization: `Bearer ${masterKey}` } });
  const body = (await response.json()) as { keys: Array<{ token: string; key_alias: string; usage: { total_requests: number } }> };
  expect(body.keys).toHaveLength(1);
  return body.keys[0]!;
}

interface SpendRow {
  session_id: string | null;
  metadata: { project: string | null };
}

/** The request log's rows for a key, as LiteLLM's /spend/logs says them (session_id, metadata.project). */
async function logRows(token: string): Promise<SpendRow[]> {
  const response = await fetch(`${serve.url}/spend/logs?api_key=${token}`, { headers: { authorization: `Bearer ${masterKey}` } });
  return (await response.json()) as SpendRow[];
}

/** Every row of the tool's key is in the project; at least one exists. */
async function expectProjectLogged(alias: string, project: string): Promise<SpendRow[]> {
  const rows = await logRows((await keyByAlias(alias)).token);
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.map((row) => row.metadata.project)).toEqual(rows.map(() => project));
  return rows;
}

describe('loopgate run claude', () => {
  it('answers through the gateway with its own key, the project header and its session id; the user’s files stay as they were', async () => {
    const { home, files, since, result } = await loopgateInUserHome(['run', 'claude', '-p', 'say hi', '--output-format', 'json'], { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { result: string }).result).toContain('Hello from Claude mock');
    expect(result.stderr).toContain('made the key "loopgate run: claude"');
    const messages = sent('/v1/messages', since);
    expect(messages.length).toBeGreaterThan(0);
    for (const request of messages) {
      expect(request.headers.authorization).toBe(`Bearer ${launchKey('claude')}`);
      expect(request.headers['x-loopgate-project']).toBe('my-project');
      expect(request.headers['x-claude-code-session-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    // The project header is Loopgate's own: it never reaches the upstream.
    expect(claude.requests.at(-1)?.headers['x-loopgate-project']).toBeUndefined();
    // Gateway model discovery is on: Claude Code asked the gateway for its models.
    expect(sent('/v1/models', since).length).toBeGreaterThan(0);
    await expect.poll(async () => (await keyByAlias('loopgate run: claude')).usage.total_requests).toBeGreaterThan(0);
    expectMcpListed('claude', since);
    expectUntouched(home, files);
    // The request log records the tool's key, the project and Claude Code's session.
    const rows = await expectProjectLogged('loopgate run: claude', 'my-project');
    expect(rows.map((row) => row.session_id)).toContain(messages[0]!.headers['x-claude-code-session-id']);
  });

  it('reuses the key on the next run, and --project names the project', async () => {
    const { home, files, since, result } = await loopgateInUserHome(['run', '--project', 'billing', 'claude', '-p', 'say hi', '--output-format', 'json'], { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('made the key');
    expect(sent('/v1/messages', since).every((r) => r.headers['x-loopgate-project'] === 'billing' && r.headers.authorization === `Bearer ${launchKey('claude')}`)).toBe(true);
    expectUntouched(home, files);
  });

  it('--own-login leaves Claude Code’s sign-in alone and sends the key as x-loopgate-key', async () => {
    // The user's own credential; the gateway (without a passthrough provider) refuses it, which is fine here.
    const { since } = await loopgateInUserHome(['run', 'claude', '--own-login', '-p', 'say hi'], { ANTHROPIC_API_KEY: 'sk-ant-users-own', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', CLAUDE_CODE_MAX_RETRIES: '0' });
    const messages = sent('/v1/messages', since);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages[0]!.headers['x-api-key']).toBe('sk-ant-users-own');
    expect(messages[0]!.headers.authorization).toBeUndefined();
    expect(messages[0]!.headers['x-loopgate-key']).toBe(launchKey('claude'));
    expect(messages[0]!.headers['x-loopgate-project']).toBe('my-project');
  }, 60_000);
});

describe('eval "$(loopgate env claude)"', () => {
  it('sets up the shell so that a plain `claude -p` answers through the gateway', async () => {
    const { home, project, files } = userHome();
    const since = proxy.requests.length;
    const script = `eval "$('${process.execPath}' '${CLI_PATH}' env claude)" && claude -p 'say hi' --output-format json`;
    const result = await run('bash', ['-c', script], { HOME: home, LOOPGATE_DATA_DIR: dataDir, LOOPGATE_URL: proxy.url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' }, project);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { result: string }).result).toContain('Hello from Claude mock');
    expect(sent('/v1/messages', since).every((r) => r.headers.authorization === `Bearer ${launchKey('claude')}` && r.headers['x-loopgate-project'] === 'my-project')).toBe(true);
    expectUntouched(home, files);
  });
});

describe('loopgate run codex', () => {
  it('answers with its provider given as -c overrides over the user’s own config.toml, which stays as it was', async () => {
    const { home, files, since, result } = await loopgateInUserHome(['run', 'codex', 'exec', '--skip-git-repo-check', 'say hi']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Hello from responses mock');
    const requests = sent('/v1/responses', since);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${launchKey('codex')}`);
    expect(requests[0]!.headers['x-loopgate-project']).toBe('my-project');
    expect(openai.requests.at(-1)?.body?.model).toBe('mock-responses');
    await expect.poll(async () => (await keyByAlias('loopgate run: codex')).usage.total_requests).toBeGreaterThan(0);
    await expectProjectLogged('loopgate run: codex', 'my-project');
    expectMcpListed('codex', since);
    expect(offered(openai.requests)).toBe(true);
    expectUntouched(home, files);
  });
});

describe('loopgate run gemini', () => {
  it('answers with its auth type from a settings file of Loopgate’s own; the user’s settings.json stays as it was', async () => {
    const { home, files, since, result } = await loopgateInUserHome(['run', 'gemini', '-p', 'say hi', '-o', 'json'], { GEMINI_TELEMETRY_ENABLED: 'false' });
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as { response: string }).response).toContain('Hello from Gemini mock');
    const requests = sent('/v1beta/models/', since);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]!.headers['x-goog-api-key']).toBe(launchKey('gemini'));
    expect(requests[0]!.headers['x-loopgate-project']).toBe('my-project');
    await expect.poll(async () => (await keyByAlias('loopgate run: gemini')).usage.total_requests).toBeGreaterThan(0);
    await expectProjectLogged('loopgate run: gemini', 'my-project');
    // Gemini CLI lists them; with -p it offers the model only tools that need no approval, which MCP tools do.
    expectMcpListed('gemini', since);
    expectUntouched(home, files);
    expect(readdirSync(join(dataDir, 'launch'))).toEqual(['gemini-settings.json']);
  });
});
