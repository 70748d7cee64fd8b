// A native relay whose model name is unchanged sends the client's own bytes upstream: numbers
// past double precision (a `seed`), key order and spacing arrive exactly as the client wrote
// them. With a renamed model only the name changes, and the answer's usage is still counted.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { chatCompletion } from '../helpers/mock-openai.js';

let server: Server;
const received: string[] = [];
let gw: TestGateway;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      const body = JSON.stringify(chatCompletion('chatcmpl-bytes', 'same', { role: 'assistant', content: 'ok' }, { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  gw = await startTestGateway(`
model_list:${openaiModel('same', 'same', base)}${openaiModel('renamed', 'upstream-name', base)}
`);
});

afterAll(async () => {
  await gw?.close();
  await new Promise((resolve) => server.close(resolve));
});

async function send(text: string): Promise<{ status: number; body: { usage?: { total_tokens: number } } }> {
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as { usage?: { total_tokens: number } } };
}

describe('the body a native relay sends upstream', () => {
  it("is the client's own text when the model name is unchanged", async () => {
    const text = '{ "seed": 12345678901234567890, "model": "same",\n  "messages": [{"role": "user", "content": "caf\\u00e9"}] }';
    const answer = await send(text);
    expect(answer.status).toBe(200);
    expect(answer.body.usage?.total_tokens).toBe(8);
    expect(received.at(-1)).toBe(text);
  });

  it('changes only the model name when the deployment renames it', async () => {
    const answer = await send('{"model": "renamed", "seed": 7, "messages": [{"role": "user", "content": "hi"}]}');
    expect(answer.status).toBe(200);
    expect(JSON.parse(received.at(-1)!)).toEqual({ model: 'upstream-name', seed: 7, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('is what was checked when a key comes twice: the parsed body, not the text (an upstream may keep the first value)', async () => {
    const answer = await send('{"model": "other", "model": "same", "stream_options": {"include_usage": false}, "messages": [{"role": "user", "content": "hi"}]}');
    expect(answer.status).toBe(200);
    const sent = received.at(-1)!;
    expect(sent).not.toContain('"other"');
    expect(JSON.parse(sent)).toMatchObject({ model: 'same', messages: [{ role: 'user', content: 'hi' }] });
  });
});
