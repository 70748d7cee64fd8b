// Each provider family's decoders against recorded-shape fixtures kept next to the family
// (electron/providers/<family>/__fixtures__): plain, streamed, tool call, error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';
import type { DeploymentConfig } from '../../electron/core/deployment.js';
import { anthropicDialect } from '../../electron/dialects/anthropic/index.js';
import { chatDialect } from '../../electron/dialects/chat/index.js';
import type { ChatChunk } from '../../electron/core/chat.js';
import { familyOf } from '../../electron/providers/index.js';
import { PROVIDER_CATALOG, PROVIDER_CHOICES } from '../../shared/providers.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

function fixture(family: string, name: string): string {
  return readFileSync(join(PROJECT_ROOT, 'electron/providers', family, '__fixtures__', name), 'utf8');
}

function deployment(model: string): DeploymentConfig {
  const config = parseConfigText(
    `model_list:
  - model_name: test
    litellm_params:
      model: ${model}
      api_key: k
      aws_access_key_id: a
      aws_secret_access_key: s
      aws_region_name: us-east-1
`,
    { env: {} },
  );
  return config.deployments[0]!;
}

/** Feeds bytes in small pieces, as a network would, and folds the chunks into what a client sees. */
function decode(model: string, bytes: Buffer) {
  const d = deployment(model);
  const decoder = familyOf(d).chatStream(d);
  const chunks: ChatChunk[] = [];
  for (let i = 0; i < bytes.length; i += 29) chunks.push(...decoder.push(bytes.subarray(i, i + 29)));
  chunks.push(...decoder.end());
  const calls = new Map<number, { id: string; name: string; args: string }>();
  let text = '';
  let reasoning = '';
  let finish: string | null = null;
  let usage: ChatChunk['usage'] = null;
  for (const chunk of chunks) {
    const delta = chunk.choices[0]?.delta;
    text += delta?.content ?? '';
    reasoning += delta?.reasoning_content ?? '';
    for (const call of delta?.tool_calls ?? []) {
      const entry = calls.get(call.index) ?? { id: '', name: '', args: '' };
      entry.id += call.id ?? '';
      entry.name += call.function?.name ?? '';
      entry.args += call.function?.arguments ?? '';
      calls.set(call.index, entry);
    }
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  return { text, reasoning, finish, usage, calls: [...calls.values()] };
}

function plain(model: string, name: string) {
  const d = deployment(model);
  return familyOf(d).chatResponse(JSON.parse(fixture(d.family, name)) as Record<string, unknown>, d);
}

describe('openai fixtures', () => {
  it('plain, streamed text, streamed tool call, error', () => {
    expect(plain('openai/gpt-4.1', 'plain.json').choices[0]?.message.content).toBe('Hello! How can I assist you today?');
    expect(decode('openai/gpt-4.1', Buffer.from(fixture('openai', 'stream-text.sse')))).toMatchObject({ text: 'Hello! How can I help?', finish: 'stop', usage: { total_tokens: 27 } });
    expect(decode('openai/gpt-4.1', Buffer.from(fixture('openai', 'stream-tool.sse')))).toMatchObject({
      calls: [{ id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', args: '{"location":"Paris"}' }],
      finish: 'tool_calls',
    });
    expect(JSON.parse(anthropicDialect.upstreamErrorBody(429, fixture('openai', 'error.json')))).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.stringContaining('Rate limit reached') },
    });
  });
});

describe('anthropic fixtures', () => {
  it('plain: text, stop reason, usage with cached input counted into prompt tokens', () => {
    const completion = plain('anthropic/claude-sonnet-4-5', 'plain.json');
    expect(completion.choices[0]).toMatchObject({ message: { content: 'Hello! How can I help you today?' }, finish_reason: 'stop' });
    expect(completion.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 8 } });
  });

  it('streamed thinking and text', () => {
    expect(decode('anthropic/claude-sonnet-4-5', Buffer.from(fixture('anthropic', 'stream-text.sse')))).toMatchObject({
      text: 'Hello! How can I help?',
      reasoning: 'The user greets me.',
      finish: 'stop',
      usage: { prompt_tokens: 25, completion_tokens: 15 },
    });
  });

  it('streamed tool call', () => {
    expect(decode('anthropic/claude-sonnet-4-5', Buffer.from(fixture('anthropic', 'stream-tool.sse')))).toMatchObject({
      text: 'Let me check.',
      calls: [{ id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', args: '{"location": "San Francisco, CA"}' }],
      finish: 'tool_calls',
    });
  });

  it('error re-said for an OpenAI client keeps the message and type', () => {
    expect(JSON.parse(chatDialect.upstreamErrorBody(529, fixture('anthropic', 'error.json')))).toEqual({
      error: { message: 'Overloaded', type: 'overloaded_error', param: null, code: 'upstream' },
    });
  });
});

describe('gemini fixtures', () => {
  it('plain, streamed text, tool call, error', () => {
    expect(plain('gemini/gemini-2.5-flash', 'plain.json')).toMatchObject({
      choices: [{ message: { content: 'Hello! How can I help you today?' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 6, completion_tokens: 9 },
    });
    expect(decode('gemini/gemini-2.5-flash', Buffer.from(fixture('gemini', 'stream-text.sse')))).toMatchObject({
      text: 'Hello! How can I help?',
      finish: 'stop',
      usage: { prompt_tokens: 6, completion_tokens: 7 },
    });
    expect(plain('gemini/gemini-2.5-flash', 'tool.json')).toMatchObject({
      choices: [{ message: { tool_calls: [{ function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] }, finish_reason: 'tool_calls' }],
      // Thinking tokens are output the caller pays for.
      usage: { prompt_tokens: 41, completion_tokens: 51, completion_tokens_details: { reasoning_tokens: 36 } },
    });
    expect(JSON.parse(chatDialect.upstreamErrorBody(400, fixture('gemini', 'error.json'))).error.message).toBe('API key not valid. Please pass a valid API key.');
  });
});

describe('bedrock fixtures', () => {
  it('plain, streamed tool call (binary event stream), error', () => {
    expect(plain('bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0', 'plain.json')).toMatchObject({
      choices: [{ message: { content: 'Hello! How can I help you today?' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 11 },
    });
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const events = JSON.parse(fixture('bedrock', 'stream-tool.events.json')) as Array<[string, unknown]>;
    const bytes = Buffer.concat(
      events.map(([type, payload]) =>
        Buffer.from(
          codec.encode({
            headers: { ':event-type': { type: 'string', value: type }, ':message-type': { type: 'string', value: 'event' }, ':content-type': { type: 'string', value: 'application/json' } },
            body: fromUtf8(JSON.stringify(payload)),
          }),
        ),
      ),
    );
    expect(decode('bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0', bytes)).toMatchObject({
      text: 'Checking.',
      calls: [{ id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather', args: '{"location": "Paris"}' }],
      finish: 'tool_calls',
      usage: { prompt_tokens: 390, completion_tokens: 57 },
    });
    expect(JSON.parse(chatDialect.upstreamErrorBody(403, fixture('bedrock', 'error.json'))).error.message).toBe('The security token included in the request is invalid.');
  });
});

describe('provider registry', () => {
  it('serves every family of the shared catalog, and the app offers each one', () => {
    for (const entry of PROVIDER_CATALOG) expect(familyOf({ family: entry.id }).defaultApiBase, entry.id).toBe(entry.defaultApiBase);
    const offered = new Set(PROVIDER_CHOICES.map((choice) => choice.id));
    for (const entry of PROVIDER_CATALOG) expect(offered.has(entry.aliasOf ?? entry.id), entry.id).toBe(true);
    for (const name of ['openai', 'anthropic', 'gemini', 'azure', 'bedrock', 'ollama', 'groq', 'lm_studio', 'vllm', 'llamacpp']) expect(offered.has(name), name).toBe(true);
    expect(deployment('groq/llama-3.3-70b').apiBase.href).toBe('https://api.groq.com/openai/v1');
  });
});
