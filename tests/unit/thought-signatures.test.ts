// Reasoning that must go back upstream on the translated path (issue 24): Gemini's thought
// signatures come back on the function calls they signed, whichever dialect the client spoke
// (they ride in the call id), and a Responses client's `reasoning` items go back as
// reasoning_content to the chat upstreams that need it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';
import type { ChatRequest } from '../../electron/core/chat.js';
import type { DeploymentConfig } from '../../electron/core/deployment.js';
import { anthropicDialect, anthropicToChat } from '../../electron/dialects/anthropic/index.js';
import { inputToMessages } from '../../electron/dialects/responses/request.js';
import { familyOf } from '../../electron/providers/index.js';
import { callIdWithSignature, signatureFromCallId } from '../../electron/providers/gemini/thought-signature.js';

type Json = Record<string, unknown>;

function deployment(model: string, info = ''): DeploymentConfig {
  return parseConfigText(`model_list:\n  - model_name: g\n    litellm_params: { model: ${model}, api_key: k }\n${info}`, { env: {} }).deployments[0]!;
}

const SIGNATURE = 'CiQB0e2Kb+/x9Q==';
const geminiAnswer = { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'Read', args: { file_path: '/x' } }, thoughtSignature: SIGNATURE }] }, finishReason: 'STOP' }] };

/** What the Gemini upstream is sent for a chat request. */
const geminiContents = (chat: ChatRequest): Json[] => (JSON.parse(String(familyOf({ family: 'gemini' }).chatRequest(chat, deployment('gemini/gemini-3-pro')).body)) as { contents: Json[] }).contents;

describe('Gemini thought signatures on the translated path', () => {
  it('come back on the call they signed after a round trip through Claude Code (Anthropic dialect), whole and streamed', () => {
    const gemini = deployment('gemini/gemini-3-pro');
    const whole = anthropicDialect.fromChat(familyOf(gemini).chatResponse(geminiAnswer, gemini), { model: 'g' }) as { content: Json[] };
    const decoder = familyOf(gemini).chatStream(gemini);
    const streamedId = [...decoder.push(Buffer.from(`data: ${JSON.stringify(geminiAnswer)}\n\n`)), ...decoder.end()].flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0]!.id;
    for (const id of [whole.content[0]!.id, streamedId]) {
      const next = anthropicToChat({
        model: 'g',
        messages: [
          { role: 'user', content: 'read /x' },
          { role: 'assistant', content: [{ type: 'tool_use', id, name: 'Read', input: { file_path: '/x' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'hello' }] },
        ],
      }).chat;
      expect(geminiContents(next)[1]).toEqual({ role: 'model', parts: [{ functionCall: { name: 'Read', args: { file_path: '/x' } }, thoughtSignature: SIGNATURE }] });
    }
  });

  it('are left off a call that carried none (a call id of another upstream)', () => {
    const chat: ChatRequest = {
      model: 'g',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01abc', type: 'function', function: { name: 'Read', arguments: '{}' } }] },
      ],
    };
    expect(geminiContents(chat)[1]).toEqual({ role: 'model', parts: [{ functionCall: { name: 'Read', args: {} } }] });
  });

  it('survive the id exactly, whatever base64 they hold', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat(20), (bytes, index) => {
        const signature = Buffer.from(bytes).toString('base64');
        const id = callIdWithSignature(index, signature);
        expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(signatureFromCallId(id)).toBe(signature);
      }),
      { seed: 24, numRuns: 200 },
    );
  });
});

describe('Responses reasoning items to chat upstreams', () => {
  const input = [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'read /x' }] },
    { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Read it first.' }] },
    { type: 'function_call', call_id: 'call_1', name: 'Read', arguments: '{}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'hello' },
  ];
  const sent = (model: string, info = ''): Json[] => {
    const d = deployment(model, info);
    return (JSON.parse(String(familyOf(d).chatRequest({ model: 'up', messages: inputToMessages(input) }, d).body)) as { messages: Json[] }).messages;
  };

  it('go back as reasoning_content to DeepSeek and to deployments marked send_reasoning_content', () => {
    expect(sent('deepseek/deepseek-chat')[1]).toMatchObject({ role: 'assistant', reasoning_content: 'Read it first.', tool_calls: [{ id: 'call_1' }] });
    expect(sent('openai/reasoner', '    model_info: { send_reasoning_content: true }\n')[1]).toMatchObject({ reasoning_content: 'Read it first.' });
  });

  it('go to no other chat upstream', () => {
    expect(sent('openai/gpt-4o')[1]).not.toHaveProperty('reasoning_content');
  });
});
