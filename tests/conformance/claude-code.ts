// Claude Code's scenarios: each runs the real binary once through Loopgate against a scripted
// upstream and says, per table column, whether what a user would notice held.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Executable } from './binaries.js';
import { freshHome, run } from './run.js';
import { claudeEnv } from '../helpers/real-tools.js';
import type { Cell } from './table.js';
import { MARKER, type Seen, type ScriptedUpstream } from './upstreams.js';

type Json = Record<string, unknown>;

interface ClaudeOutput {
  is_error: boolean;
  result: string;
  usage?: { cache_read_input_tokens?: number };
  modelUsage?: Record<string, unknown>;
}

export interface Verdict {
  column: string;
  cell: Cell;
  /** What went wrong, for the test's message. */
  why: string;
}

/** The upstream kinds of the table's columns. */
const NATIVE = 'Anthropic (native)';
export const DEEPSEEK = 'DeepSeek, strict (chat)';
export const MARKED = 'OpenAI-compatible marked for reasoning, strict (chat)';
export const CHAT = 'OpenAI chat (translated)';

const SEARCH = 'OpenAI chat with a search provider (translated)';
const DISCOVERY = 'Loopgate /v1/models (gateway mode)';

async function claude(tool: Executable, gateway: string, key: string, model: string, prompt: (home: string) => string): Promise<{ out: ClaudeOutput | null; raw: string }> {
  const home = freshHome();
  const ran = await run(tool, ['-p', prompt(home), '--model', model, '--output-format', 'json', '--allowedTools', 'Read'], claudeEnv(home, gateway, key), home);
  try {
    return { out: JSON.parse(ran.stdout) as ClaudeOutput, raw: ran.stdout };
  } catch {
    return { out: null, raw: `${ran.code}: ${ran.stdout} ${ran.stderr}`.slice(0, 2000) };
  }
}

const verdict = (column: string, ok: boolean, why: string): Verdict => ({ column, cell: ok ? 'pass' : 'fail', why: ok ? '' : why });
const messagesOf = (seen: Seen): Json[] => (seen.body.messages as Json[] | undefined) ?? [];
const since = (upstream: ScriptedUpstream, from: number): Seen[] => upstream.seen.slice(from).filter((s) => !s.path.endsWith('/count_tokens'));

/** A Read round trip whose answer quotes the marker file. */
const roundTripped = (out: ClaudeOutput | null): boolean => out !== null && !out.is_error && out.result.includes(MARKER);

/** An aliased model (the group's upstream model has another name) with signed thinking, natively relayed to Anthropic. */
export async function nativeScenario(tool: Executable, gateway: string, key: string, upstream: ScriptedUpstream, model: string): Promise<Verdict[]> {
  const from = upstream.seen.length;
  const { out, raw } = await claude(tool, gateway, key, model, (home) => `Read the marker file in ${home} and tell me what it says.`);
  const calls = since(upstream, from);
  const first = calls[0];
  const thinkingOn = calls.some((c) => (c.body.thinking as Json | undefined)?.type === 'enabled');
  const keptThinking = calls.slice(1).some((c) => messagesOf(c).some((m) => m.role === 'assistant' && Array.isArray(m.content) && (m.content as Json[])[0]?.type === 'thinking'));
  return [
    verdict(`tool round trip, signed thinking, aliased model · ${NATIVE}`, roundTripped(out) && (!thinkingOn || keptThinking), raw),
    verdict(`cache usage · ${NATIVE}`, (out?.usage?.cache_read_input_tokens ?? 0) > 0, raw),
    verdict(
      `anthropic-beta, session id, ?beta=true forwarded · ${NATIVE}`,
      first !== undefined && first.headers['anthropic-beta'] !== undefined && first.headers['x-claude-code-session-id'] !== undefined && first.query.includes('beta=true'),
      JSON.stringify(first?.headers),
    ),
  ];
}

/** A tool turn after reasoning against a strict chat upstream: accepted, one upstream request per turn. */
export async function reasoningScenario(tool: Executable, gateway: string, key: string, upstream: ScriptedUpstream, model: string, kind: string): Promise<Verdict[]> {
  const from = upstream.seen.length;
  const { out, raw } = await claude(tool, gateway, key, model, (home) => `Read the marker file in ${home} and tell me what it says.`);
  const calls = since(upstream, from);
  return [verdict(`reasoning_content round trip, one request per turn · ${kind}`, roundTripped(out) && calls.length === 2, `${calls.length} upstream requests; ${raw}`)];
}

/** A plain tool round trip through an OpenAI-chat upstream, and what reached it. */
export async function chatScenario(tool: Executable, gateway: string, key: string, upstream: ScriptedUpstream, model: string): Promise<Verdict[]> {
  const from = upstream.seen.length;
  const { out, raw } = await claude(tool, gateway, key, model, (home) => `Read the marker file in ${home} and tell me what it says.`);
  const calls = since(upstream, from);
  const leaked = calls.flatMap((c) => Object.keys(c.headers).filter((h) => h.startsWith('anthropic-') || h === 'x-claude-code-session-id' || (h === 'user-agent' && /claude-cli/.test(String(c.headers[h])))));
  const offered = calls.flatMap((c) => ((c.body.tools as Json[] | undefined) ?? []).map((t) => String((t.function as Json).name)));
  return [
    verdict(`tool round trip · ${CHAT}`, roundTripped(out), raw),
    verdict(`cache usage · ${CHAT}`, (out?.usage?.cache_read_input_tokens ?? 0) > 0, raw),
    verdict(`no anthropic-* header or Claude Code User-Agent upstream · ${CHAT}`, leaked.length === 0, leaked.join(', ')),
    verdict(`deferred placeholder tool not offered · ${CHAT}`, !offered.includes('DeferredToolPlaceholder'), offered.join(', ')),
  ];
}

/** ToolSearch (2.1.332): the tool_reference result reaches the chat upstream as the tool's definition, and the tool becomes callable. */
export async function toolSearchScenario(tool: Executable, gateway: string, key: string, upstream: ScriptedUpstream, model: string): Promise<Verdict[]> {
  const column = `ToolSearch tool_reference · ${CHAT}`;
  const from = upstream.seen.length;
  const { out, raw } = await claude(tool, gateway, key, model, () => 'Use tool search to load the notebook tool.');
  const calls = since(upstream, from);
  if (!calls[0] || !((calls[0].body.tools as Json[] | undefined) ?? []).some((t) => (t.function as Json).name === 'ToolSearch')) return [{ column, cell: 'n/a', why: '' }];
  const second = calls[1];
  const toolMessage = second ? messagesOf(second).find((m) => m.role === 'tool') : undefined;
  const offered = ((second?.body.tools as Json[] | undefined) ?? []).map((t) => String((t.function as Json).name));
  const ok = out !== null && !out.is_error && String(toolMessage?.content ?? '').includes('"name":"NotebookEdit"') && offered.includes('NotebookEdit');
  return [verdict(column, ok, `${JSON.stringify(toolMessage)} ${raw}`)];
}

/** WebSearch through an OpenAI-chat upstream with a search provider set: Loopgate searches, and Claude Code counts the search. */
export async function webSearchScenario(tool: Executable, gateway: string, key: string, model: string): Promise<Verdict[]> {
  const home = freshHome();
  const args = ['-p', 'Search the web for loopgate release notes', '--model', model, '--output-format', 'stream-json', '--verbose', '--allowedTools', 'WebSearch'];
  const ran = await run(tool, args, claudeEnv(home, gateway, key), home);
  const counts = ran.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { tool_use_result?: { searchCount?: number } }).tool_use_result?.searchCount)
    .filter((count): count is number => typeof count === 'number');
  return [
    verdict(
      `web search, searchCount above 0 · ${SEARCH}`,
      counts.some((count) => count > 0),
      `searchCount ${counts.join(', ') || 'none'}; ${ran.stdout.slice(-1500)} ${ran.stderr.slice(-500)}`,
    ),
  ];
}

/** Gateway model discovery: Claude Code lists Loopgate's /v1/models and offers the claude… groups in its /model picker (kept in ~/.claude.json). */
export async function discoveryScenario(tool: Executable, gateway: string, key: string, model: string, expected: string): Promise<Verdict[]> {
  const column = `model discovery offers the claude… groups · ${DISCOVERY}`;
  const home = freshHome();
  const env = { ...claudeEnv(home, gateway, key), CLAUDE_CODE_USE_GATEWAY: '1', CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY: '1' };
  // A tool round trip, so that the run outlasts the discovery Claude Code starts beside the first turn.
  const ran = await run(tool, ['-p', `Read the marker file in ${home} and tell me what it says.`, '--model', model, '--output-format', 'json', '--allowedTools', 'Read', '--debug'], env, home);
  // A release without gateway mode (2.1.154 reads CLAUDE_CODE_USE_GATEWAY but stays first-party) skips discovery offline.
  const debug = readdirSync(join(home, '.claude/debug'))
    .map((file) => readFileSync(join(home, '.claude/debug', file), 'utf8'))
    .join('\n');
  if (!debug.includes('Gateway /v1/models') && debug.includes('[Bootstrap] Skipped: Nonessential traffic disabled')) return [{ column, cell: 'n/a', why: '' }];
  let offered: string[] = [];
  try {
    const config = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8')) as { additionalModelOptionsCache?: Array<{ value: string }> };
    offered = (config.additionalModelOptionsCache ?? []).map((option) => option.value);
  } catch {
    // No config written: nothing was offered.
  }
  return [verdict(column, ran.code === 0 && offered.includes(expected), `offered ${offered.join(', ') || 'nothing'}; ${ran.code}: ${ran.stdout.slice(0, 500)}`)];
}
