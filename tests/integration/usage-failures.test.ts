// The Overview's failures (issue 27): a request that failed counts as a failure in the day's
// totals, by model and in today's status; one the client stopped half-way (logged 499) does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

let upstream: MockUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startMockOpenAI();
  gw = await startTestGateway(
    `model_list:${openaiModel('chat', 'mock-model', upstream.apiBase)}${openaiModel('broken', 'fail-500', upstream.apiBase)}${openaiModel('held', 'pause-stream', upstream.apiBase)}\nrouter_settings:\n  num_retries: 0\n`,
  );
});

afterAll(async () => {
  upstream?.releaseStreams();
  await gw?.close();
  await upstream?.close();
});

/** Starts a streamed answer, reads its first bytes, then hangs up as the Playground's Stop does. */
async function stopHalfWay(): Promise<void> {
  const controller = new AbortController();
  const response = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'held', stream: true, messages: [{ role: 'user', content: 'go on' }] }),
    signal: controller.signal,
  });
  await response.body!.getReader().read();
  controller.abort();
}

describe('failures in the usage totals', () => {
  it('logs a stream the client stopped half-way as stopped (499), not as served (it read 200)', async () => {
    await stopHalfWay();
    await expect.poll(async () => (await gw.app.api['logs.list']({ limit: 10, model: 'held' })).map((row) => row.status), { timeout: 5_000 }).toEqual([499]);
  });

  it('counts a failed request, and not one the client stopped', async () => {
    const client = gw.client(TEST_MASTER_KEY);
    await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi again' }] });
    await expect(client.chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'fail' }] }, { maxRetries: 0 })).rejects.toThrow(/500/);
    await stopHalfWay();
    // The stopped request is counted once the gateway sees the socket close: wait (bounded) for its log row.
    await expect.poll(async () => (await gw.app.api['logs.list']({ limit: 10, model: 'held' })).map((row) => row.status), { timeout: 5_000 }).toEqual([499, 499]);

    const series = await gw.app.api['usage.series']({ days: 1 });
    expect(series.days.at(-1)).toMatchObject({ requests: 5, failures: 1 });
    const byModel = Object.fromEntries(series.byModel.map((row) => [row.model, row.failures]));
    expect(byModel).toEqual({ chat: 0, broken: 1, held: 0 });
    expect((await gw.app.api['status.get']({})).today).toMatchObject({ requests: 5, failures: 1 });
  });
});
