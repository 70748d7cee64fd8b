// The real Claude Code through Loopgate's routes (issue 23): its background calls (the small, fast
// Haiku-class model: here a subagent the main model starts on `haiku`, since `claude -p` makes no
// title or summary calls) take the `background` route to their own group, and its main turn stays
// on the default route; both seen in the request log.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway, anthropicModel } from '../helpers/gateway.js';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic.js';
import { serve, type MockServer } from '../helpers/mock-server.js';
import { claudePrint, type Ran } from '../helpers/real-tools.js';

let main: MockServer;
let small: MockAnthropic;
let gw: TestGateway;

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** Anthropic's stream of one message: its blocks whole, each in one delta. */
function streamMessage(res: ServerResponse, message: Record<string, unknown>, content: Block[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const event = (type: string, data: object): void => void res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event('message_start', { message: { ...message, content: [], stop_reason: null } });
  content.forEach((block, index) => {
    event('content_block_start', { index, content_block: block.type === 'text' ? { type: 'text', text: '' } : { ...block, input: {} } });
    event('content_block_delta', { index, delta: block.type === 'text' ? { type: 'text_delta', text: block.text } : { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    event('content_block_stop', { index });
  });
  event('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: 5 } });
  event('message_stop', {});
  res.end();
}

beforeAll(async () => {
  // The main model hands a look-around to a subagent on the small, fast model, then answers.
  main = await serve((_path, _query, _headers, body, _raw, res) => {
    const last = JSON.stringify((body.messages as Array<{ content: unknown }>).at(-1)?.content ?? '');
    const tools = ((body.tools as Array<{ name: string }> | undefined) ?? []).map((tool) => tool.name);
    const delegate = tools.includes('Agent') && !last.includes('tool_result');
    const content: Block[] = delegate
      ? [{ type: 'tool_use', id: 'toolu_1', name: 'Agent', input: { description: 'Look around', prompt: 'Say what is here.', subagent_type: 'general-purpose', model: 'haiku' } }]
      : [{ type: 'text', text: 'done' }];
    const message = { id: 'msg_1', type: 'message', role: 'assistant', model: body.model, content, stop_reason: delegate ? 'tool_use' : 'end_turn', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 5 } };
    if (body.stream === true) return streamMessage(res, message, content);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(message));
  });
  small = await startMockAnthropic();
  gw = await startTestGateway(`model_list:${anthropicModel('claude-native', 'claude-sonnet-4-5', main.url)}${anthropicModel('cheap-local', 'claude-small-local', small.url)}
router_settings:
  routes:
    - { name: background, when: [{ kind: background }], to: cheap-local }
`);
});

afterAll(async () => {
  await gw?.close();
  await main?.close();
  await small?.close();
});

function claudeCode(key: string, prompt: string): Promise<Ran> {
  return claudePrint(gw.url, key, 'claude-native', prompt);
}

describe('Claude Code through routes', () => {
  it('sends its background calls to the background route and its main turn to the default', async () => {
    const created = await gw.manage('POST', '/key/generate', { key_alias: 'claude-code' });
    const run = await claudeCode(created.body.key, 'say hi');
    expect(run.code, run.stderr).toBe(0);
    const rows = await gw.app.api['logs.list']({ keyId: created.body.token as string, limit: 1000 });
    const background = rows.filter((row) => /haiku/.test(row.model ?? ''));
    const mainTurn = rows.filter((row) => row.model === 'claude-native');
    // The main turn, its subagent on the small model, and the main turn again with the subagent's answer.
    expect(background.length).toBeGreaterThan(0);
    expect(mainTurn.length).toBeGreaterThanOrEqual(2);
    for (const row of background) expect(row).toMatchObject({ route: 'background', deployment: 'cheap-local#1', status: 200 });
    for (const row of mainTurn) expect(row).toMatchObject({ route: 'default', deployment: 'claude-native#0', status: 200 });
    expect(rows).toHaveLength(background.length + mainTurn.length);
    expect(small.requests.length).toBe(background.length);
  }, 120_000);
});
