// What each tool needs to talk to Loopgate, as plain data: the environment, the arguments put
// before the user's, and files of Loopgate's own. Nothing here touches a tool's config files:
// each setting goes in the way the tool takes it for one run (variables, `-c` overrides, a
// settings file the tool is pointed at by a variable).

import { claudeAutoModeEnv } from '../../shared/claude-code.js';

const TOOLS = ['claude', 'codex', 'gemini', 'opencode', 'qwen'] as const;
export type ToolName = (typeof TOOLS)[number];

const PROJECT_HEADER = 'x-loopgate-project';
const KEY_HEADER = 'x-loopgate-key';
/** What each tool calls the gateway's `/mcp` among its MCP servers. */
const MCP_SERVER = 'loopgate';
/** The variable the key travels in where a tool reads a secret from the environment; never in an argument (ps shows those). */
const KEY_VARIABLE = 'LOOPGATE_API_KEY';

export interface LaunchContext {
  /** The gateway's origin, e.g. http://127.0.0.1:7420. */
  baseUrl: string;
  /** The tool's virtual key. */
  key: string;
  /** The model groups the gateway lists (wildcards included as listed). */
  models: readonly string[];
  /** The project header's value, already header-safe. */
  project: string;
  /** Claude Code keeps its own sign-in; the key travels in `x-loopgate-key`. */
  ownLogin: boolean;
  /** Where Gemini CLI's settings file of Loopgate's own lives. */
  geminiSettingsFile: string;
  /** The caller's environment, for values a setting extends (ANTHROPIC_CUSTOM_HEADERS). */
  env: Readonly<Record<string, string | undefined>>;
  /** Wire the gateway's `/mcp` in as an MCP server named "loopgate" (off with `--no-mcp`). */
  mcp: boolean;
}

export interface LaunchPlan {
  command: string;
  /** Put before the user's own arguments. */
  args: string[];
  /** Set for the run; null removes a variable that would override the gateway's settings. */
  env: Record<string, string | null>;
  /** Files of Loopgate's own the tool is pointed at. */
  files: Array<{ path: string; content: string }>;
}

export class UnknownToolError extends Error {
  constructor(readonly tool: string) {
    super(`unknown tool "${tool}"; known tools: ${TOOLS.join(', ')} (or \`loopgate run -- <command>\` for any OpenAI- or Anthropic-SDK program)`);
  }
}

export function isToolName(value: string): value is ToolName {
  return (TOOLS as readonly string[]).includes(value);
}

/** A directory name as a header value: printable ASCII as is, anything else percent-encoded. */
export function projectHeaderValue(name: string): string {
  const trimmed = name.trim() || 'unnamed';
  return /^[\x20-\x7e]+$/.test(trimmed) && !trimmed.includes(',') ? trimmed : encodeURIComponent(trimmed);
}

/** Concrete names only: a wildcard group (`*`, `openai/*`) routes any name, so none needs picking. */
const concrete = (models: readonly string[]): string[] => models.filter((m) => !m.includes('*'));
const catchAll = (models: readonly string[]): boolean => models.includes('*');

/** The first model whose name matches, else the first one at all. */
function pick(models: readonly string[], preferred: RegExp): string | null {
  const names = concrete(models);
  return names.find((m) => preferred.test(m)) ?? names[0] ?? null;
}

/** Claude Code's tiers mapped onto the gateway's groups: a group named after a tier, else the main one. */
function claudeModels(models: readonly string[]): Record<string, string> {
  if (catchAll(models)) return {};
  const main = pick(models, /^(claude|anthropic)/i);
  if (main === null) return {};
  const tier = (word: string): string => concrete(models).find((m) => m.toLowerCase().includes(word)) ?? main;
  return { ANTHROPIC_DEFAULT_OPUS_MODEL: tier('opus'), ANTHROPIC_DEFAULT_SONNET_MODEL: tier('sonnet'), ANTHROPIC_DEFAULT_HAIKU_MODEL: tier('haiku') };
}

/** Claude Code's ANTHROPIC_CUSTOM_HEADERS: one `Name: value` per line, the caller's own kept. */
function customHeaders(existing: string | undefined, headers: Record<string, string>): string {
  const ours = new Set(Object.keys(headers));
  const kept = (existing ?? '').split('\n').filter((line) => line.trim() && !ours.has(line.split(':')[0]!.trim().toLowerCase()));
  return [...kept, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)].join('\n');
}

function claudePlan(ctx: LaunchContext): LaunchPlan {
  const headers: Record<string, string> = ctx.ownLogin ? { [KEY_HEADER]: ctx.key, [PROJECT_HEADER]: ctx.project } : { [PROJECT_HEADER]: ctx.project };
  const env: Record<string, string | null> = { ANTHROPIC_BASE_URL: ctx.baseUrl, ANTHROPIC_CUSTOM_HEADERS: customHeaders(ctx.env.ANTHROPIC_CUSTOM_HEADERS, headers) };
  if (!ctx.ownLogin) {
    const tiers = claudeModels(ctx.models);
    // Gateway mode: the key as a bearer token, and the gateway's /v1/models offered in /model.
    Object.assign(env, {
      ANTHROPIC_AUTH_TOKEN: ctx.key,
      ANTHROPIC_API_KEY: null,
      CLAUDE_CODE_USE_GATEWAY: '1',
      CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1',
      CLAUDE_CODE_USE_BEDROCK: null,
      CLAUDE_CODE_USE_VERTEX: null,
      CLAUDE_CODE_USE_FOUNDRY: null,
      ...tiers,
      // Auto mode: the gateway opt-in, and its classifier on the sonnet tier (2.1.278 otherwise asks for a claude-sonnet-5).
      ...claudeAutoModeEnv(tiers.ANTHROPIC_DEFAULT_SONNET_MODEL ?? null),
    });
  }
  if (!ctx.mcp) return { command: 'claude', args: [], env, files: [] };
  // Inline JSON after `=`: the flag takes several values, and a prompt after it must stay the prompt. Claude Code expands ${VAR}.
  const mcpConfig = { mcpServers: { [MCP_SERVER]: { type: 'http', url: `${ctx.baseUrl}/mcp`, headers: { Authorization: `Bearer \${${KEY_VARIABLE}}` } } } };
  return { command: 'claude', args: [`--mcp-config=${JSON.stringify(mcpConfig)}`], env: { ...env, [KEY_VARIABLE]: ctx.key }, files: [] };
}

/** A TOML basic string (JSON's escapes are TOML's for what a header or URL holds). */
const toml = (text: string): string => JSON.stringify(text);

function hasFlag(args: readonly string[], ...flags: string[]): boolean {
  return args.some((arg) => flags.some((flag) => arg === flag || arg.startsWith(`${flag}=`)));
}

function codexPlan(ctx: LaunchContext, userArgs: readonly string[]): LaunchPlan {
  const provider = 'model_providers.loopgate';
  const overrides = [
    `model_provider=${toml('loopgate')}`,
    `${provider}.name=${toml('Loopgate')}`,
    `${provider}.base_url=${toml(`${ctx.baseUrl}/v1`)}`,
    `${provider}.env_key=${toml('LOOPGATE_API_KEY')}`,
    `${provider}.wire_api=${toml('responses')}`,
    `${provider}.http_headers={ ${toml(PROJECT_HEADER)} = ${toml(ctx.project)} }`,
    ...(ctx.mcp ? [`mcp_servers.${MCP_SERVER}.url=${toml(`${ctx.baseUrl}/mcp`)}`, `mcp_servers.${MCP_SERVER}.bearer_token_env_var=${toml(KEY_VARIABLE)}`] : []),
  ];
  const model = pick(ctx.models, /gpt|codex|^o\d/i);
  if (model !== null && !catchAll(ctx.models) && !hasFlag(userArgs, '-m', '--model')) overrides.push(`model=${toml(model)}`);
  return { command: 'codex', args: overrides.flatMap((o) => ['-c', o]), env: { [KEY_VARIABLE]: ctx.key }, files: [] };
}

function geminiPlan(ctx: LaunchContext): LaunchPlan {
  const model = pick(ctx.models, /gemini/i);
  // Gemini CLI merges mcpServers from every settings file (the user's own are kept) and expands $VAR in them.
  const mcpServers = { [MCP_SERVER]: { httpUrl: `${ctx.baseUrl}/mcp`, headers: { Authorization: 'Bearer $GEMINI_API_KEY' } } };
  const settings = { security: { auth: { selectedType: 'gemini-api-key' } }, ...(ctx.mcp ? { mcpServers } : {}) };
  return {
    command: 'gemini',
    args: [],
    env: {
      GOOGLE_GEMINI_BASE_URL: ctx.baseUrl,
      GEMINI_API_KEY: ctx.key,
      // Gemini CLI's system settings file (it wins over the user's): only the auth type, in a file of Loopgate's own.
      GEMINI_CLI_SYSTEM_SETTINGS_PATH: ctx.geminiSettingsFile,
      GEMINI_CLI_CUSTOM_HEADERS: `${PROJECT_HEADER}: ${ctx.project}`,
      GOOGLE_GENAI_USE_VERTEXAI: null,
      GOOGLE_GENAI_USE_GCA: null,
      ...(model !== null && !catchAll(ctx.models) ? { GEMINI_MODEL: model } : {}),
    },
    files: [{ path: ctx.geminiSettingsFile, content: `${JSON.stringify(settings, null, 2)}\n` }],
  };
}

function opencodePlan(ctx: LaunchContext): LaunchPlan {
  const models = concrete(ctx.models);
  const model = pick(ctx.models, /./);
  // opencode's inline config (OPENCODE_CONFIG_CONTENT) is merged over the user's files for this run.
  const config = {
    provider: {
      loopgate: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Loopgate',
        options: { baseURL: `${ctx.baseUrl}/v1`, apiKey: `{env:${KEY_VARIABLE}}`, headers: { [PROJECT_HEADER]: ctx.project } },
        models: Object.fromEntries(models.map((m) => [m, { name: m }])),
      },
    },
    ...(model !== null ? { model: `loopgate/${model}` } : {}),
    ...(ctx.mcp ? { mcp: { [MCP_SERVER]: { type: 'remote', url: `${ctx.baseUrl}/mcp`, headers: { Authorization: `Bearer {env:${KEY_VARIABLE}}` } } } } : {}),
  };
  return { command: 'opencode', args: [], env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(config), [KEY_VARIABLE]: ctx.key }, files: [] };
}

function qwenPlan(ctx: LaunchContext): LaunchPlan {
  const model = pick(ctx.models, /qwen|coder/i);
  return {
    command: 'qwen',
    args: [],
    env: { OPENAI_BASE_URL: `${ctx.baseUrl}/v1`, OPENAI_API_KEY: ctx.key, ...(model !== null && !catchAll(ctx.models) ? { OPENAI_MODEL: model } : {}) },
    files: [],
  };
}

export function toolPlan(tool: ToolName, ctx: LaunchContext, userArgs: readonly string[]): LaunchPlan {
  switch (tool) {
    case 'claude':
      return claudePlan(ctx);
    case 'codex':
      return codexPlan(ctx, userArgs);
    case 'gemini':
      return geminiPlan(ctx);
    case 'opencode':
      return opencodePlan(ctx);
    case 'qwen':
      return qwenPlan(ctx);
  }
}

/** `loopgate run -- <command>`: both SDKs' variables (neither SDK reads a custom-header variable). */
export function sdkPlan(ctx: LaunchContext, command: string): LaunchPlan {
  return {
    command,
    args: [],
    env: {
      OPENAI_BASE_URL: `${ctx.baseUrl}/v1`,
      OPENAI_API_BASE: `${ctx.baseUrl}/v1`,
      OPENAI_API_KEY: ctx.key,
      ANTHROPIC_BASE_URL: ctx.baseUrl,
      ANTHROPIC_API_KEY: ctx.key,
      ANTHROPIC_AUTH_TOKEN: null,
      LOOPGATE_PROJECT: ctx.project,
    },
    files: [],
  };
}
