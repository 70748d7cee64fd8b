// Thinking made from a chat upstream's reasoning_content comes back as reasoning_content, to
// the upstreams that need it; ToolSearch's references become tool definitions for chat.
import { describe, expect, it } from 'vitest';
import { anthropicDialect, anthropicToChat } from '../../electron/dialects/anthropic/index.js';
import type { ChatCompletion } from '../../electron/core/chat.js';
import { storedDeployment } from '../../electron/config/deployment.js';
import type { DeploymentConfig } from '../../electron/core/deployment.js';
import { familyOf } from '../../electron/providers/index.js';

const completion: ChatCompletion = {
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'deepseek-v4',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: null, reasoning_content: 'Read it first.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Read', arguments: '{}' } }] },
      finish_reason: 'tool_calls',
    },
  ],
};

/** A deployment of `family` as the config would give it. */
function deployment(family: string, modelInfo: Record<string, unknown> = {}): DeploymentConfig {
  return { ...storedDeployment({ id: 'd', modelName: 'g', family, upstreamModel: 'up', apiBase: 'http://127.0.0.1:1/v1', apiKey: 'k' }, 1000), source: 'config', modelInfo };
}

/** The next turn Claude Code sends: the assistant's answer as it kept it, then the tool result. */
function nextTurn(assistant: unknown[]): Record<string, unknown> {
  return {
    model: 'g',
    messages: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: assistant },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'done' }] },
    ],
  };
}

const sentMessages = (family: string, body: Record<string, unknown>, info: Record<string, unknown> = {}): Array<Record<string, unknown>> =>
  (JSON.parse(familyOf({ family }).chatRequest({ ...anthropicToChat(body).chat, model: 'up' }, deployment(family, info)).body) as { messages: Array<Record<string, unknown>> }).messages;

describe('reasoning_content round trip', () => {
  it('signs the thinking it makes, whole or streamed, with a signature it recognises next turn', () => {
    const answer = anthropicDialect.fromChat(completion, { model: 'g' }) as { content: Array<Record<string, unknown>> };
    expect(answer.content[0]).toMatchObject({ type: 'thinking', thinking: 'Read it first.', signature: expect.stringMatching(/^loopgate\.reasoning\.v1\./) });
    const encoder = anthropicDialect.streamEncoder({ model: 'g' });
    const streamed = encoder.push({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'x', choices: [{ index: 0, delta: { reasoning_content: 'Read it first.' }, finish_reason: null }] }) + encoder.end();
    expect(streamed).toContain(`"signature_delta","signature":"${String(answer.content[0]!.signature)}"`);
    expect(sentMessages('deepseek', nextTurn(answer.content))[1]).toMatchObject({ role: 'assistant', reasoning_content: 'Read it first.' });
  });

  it('goes to DeepSeek and to deployments marked send_reasoning_content, empty when the client kept none; never to others', () => {
    const kept = anthropicDialect.fromChat(completion, { model: 'g' }) as { content: unknown[] };
    const dropped = kept.content.slice(1);
    expect(sentMessages('deepseek', nextTurn(dropped))[1]!.reasoning_content).toBe('');
    expect(sentMessages('openai', nextTurn(kept.content), { send_reasoning_content: true })[1]!.reasoning_content).toBe('Read it first.');
    expect(sentMessages('openai', nextTurn(kept.content))[1]).not.toHaveProperty('reasoning_content');
    expect(sentMessages('deepseek', nextTurn(kept.content), { send_reasoning_content: false })[1]).not.toHaveProperty('reasoning_content');
  });

  it("never takes Anthropic's signed thinking, or thinking edited since, for its own", () => {
    const anthropicThinking = [
      { type: 'thinking', thinking: 'Read it first.', signature: 'EqQBCkgIARAB' },
      { type: 'tool_use', id: 'call_1', name: 'Read', input: {} },
    ];
    expect(sentMessages('deepseek', nextTurn(anthropicThinking))[1]!.reasoning_content).toBe('');
    const kept = anthropicDialect.fromChat(completion, { model: 'g' }) as { content: Array<Record<string, unknown>> };
    const edited = [{ ...kept.content[0], thinking: 'Something else.' }, kept.content[1]];
    expect(sentMessages('deepseek', nextTurn(edited))[1]!.reasoning_content).toBe('');
  });
});

describe('ToolSearch to a chat upstream', () => {
  const tools = [
    { name: 'ToolSearch', input_schema: { type: 'object', properties: { query: { type: 'string' } } } },
    { name: 'DeferredToolPlaceholder', description: 'never call this tool', input_schema: { type: 'object', properties: {} }, defer_loading: true },
    { name: 'NotebookEdit', description: 'Edits a notebook cell', input_schema: { type: 'object', properties: { cell: { type: 'string' } } }, defer_loading: true },
    { name: 'CronCreate', input_schema: { type: 'object' }, defer_loading: true },
  ];
  const body = {
    model: 'g',
    tools,
    messages: [
      { role: 'user', content: 'load the notebook tool' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'ToolSearch', input: { query: 'select:NotebookEdit' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'tool_reference', tool_name: 'NotebookEdit' }] },
          { type: 'text', text: 'Tool loaded.' },
        ],
      },
    ],
  };

  it('says a tool_reference as the tool definition and offers only deferred tools something referenced', () => {
    const { chat } = anthropicToChat(body);
    const result = chat.messages.find((m) => m.role === 'tool');
    expect(result?.content).toContain('<functions><function>{"description":"Edits a notebook cell","name":"NotebookEdit","parameters":');
    expect(chat.tools?.map((t) => t.function.name)).toEqual(['ToolSearch', 'NotebookEdit']);
  });
});
