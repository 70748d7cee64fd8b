// Alerts through a real gateway (issue 26): 50 requests that cross 80% of a key's budget give
// exactly one notification, one webhook delivery and one entry in the app's list; a webhook
// receiver that never answers delays no request. A deployment that fails says it cooled down, and
// its group falling back says so, once each over many requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEntry } from '../../shared/alerts.js';
import { openaiModel, startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';

const PRICED = '\n      input_cost_per_token: 0.001\n      output_cost_per_token: 0.001';
const REQUESTS = 50;

interface Receiver {
  url: string;
  bodies: unknown[];
  /** Requests taken but never answered (a hanging receiver). */
  hanging: ServerResponse[];
  close(): Promise<void>;
}

/** A local webhook receiver: answers 204, or (hang) takes the body and never answers. */
async function startReceiver(hang: boolean): Promise<Receiver> {
  const bodies: unknown[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      if (hang) hanging.push(res);
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    hanging,
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let upstream: MockUpstream;
let receiver: Receiver;
let gw: TestGateway;
const notified: AlertEntry[] = [];

beforeAll(async () => {
  [upstream, receiver] = await Promise.all([startMockOpenAI(), startReceiver(false)]);
  gw = await startTestGateway(`model_list:${openaiModel('gpt-test', 'mock-gpt', upstream.apiBase, PRICED)}
general_settings:
  alerts:
    webhook_url: ${receiver.url}
    webhook_format: slack
`);
  gw.app.services.alerts.addNotifier((alert) => notified.push(alert));
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await receiver?.close();
});

function chat(key: string): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'say hi' }] }),
  });
}

/** A key whose budget the first request sets: 50 such requests spend `share` of it. */
async function keyFor(share: number): Promise<{ key: string }> {
  const { body } = await gw.manage('POST', '/key/generate', {});
  const key = body.key as string;
  expect((await chat(key)).status).toBe(200);
  await expect.poll(async () => (await gw.manage('GET', `/key/info?key=${key}`)).body.info.spend as number, { timeout: 5_000 }).toBeGreaterThan(0);
  const spent = (await gw.manage('GET', `/key/info?key=${key}`)).body.info.spend as number;
  expect((await gw.manage('POST', '/key/update', { key, max_budget: (spent * REQUESTS) / share })).status).toBe(200);
  return { key };
}

async function alertsListed(): Promise<AlertEntry[]> {
  return gw.app.api['alerts.list']({});
}

describe('a key crossing 80% of its budget', () => {
  it('over 50 requests: one notification, one webhook delivery (Slack body), one alert in the app', async () => {
    // 50 requests spend 90% of the budget: 80% is crossed once, 100% never.
    const { key } = await keyFor(0.9);
    for (let sent = 1; sent < REQUESTS; sent++) expect((await chat(key)).status).toBe(200);
    await expect.poll(() => receiver.bodies.length, { timeout: 5_000 }).toBe(1);
    // Nothing more arrives afterwards.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notified.filter((alert) => alert.kind === 'budget_threshold')).toHaveLength(1);
    expect(notified[0]).toMatchObject({ kind: 'budget_threshold', severity: 'warning', view: 'logs' });
    expect(notified[0]!.title).toContain('80% of its budget');
    expect(receiver.bodies).toEqual([{ text: expect.stringContaining('80% of its budget') }]);
    const listed = await alertsListed();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toEqual(notified[0]);
  });

  it('shows the webhook URL only up to its host; saved back as shown, the URL in force stays', async () => {
    const view = await gw.app.api['alerts.settings']({});
    expect(view).toMatchObject({ source: 'config', version: 0, settings: { webhook: { url: `${new URL(receiver.url).origin}/…`, format: 'slack' } } });
    expect(JSON.stringify(view)).not.toContain('/hook');
    const saved = await gw.app.api['alerts.updateSettings']({ ...view.settings, failingMinutes: 7, version: 0 });
    expect(saved).toMatchObject({ source: 'app', version: 1, settings: { failingMinutes: 7 } });
    expect(gw.app.services.alerts.current().webhook?.url).toBe(receiver.url);
  });
});

describe('a webhook receiver that never answers', () => {
  it('delays no request: the requests after the alert complete while the delivery still hangs', async () => {
    const hanging = await startReceiver(true);
    try {
      const current = await gw.app.api['alerts.settings']({});
      await gw.app.api['alerts.updateSettings']({ ...current.settings, webhook: { url: hanging.url, format: 'json', timeoutSeconds: 60 }, version: current.version });
      // 80% is crossed at about the 45th request; 100% never.
      const { key } = await keyFor(0.9);
      let completedAfterHang = 0;
      for (let sent = 1; sent < REQUESTS; sent++) {
        const response = await chat(key);
        expect(response.status).toBe(200);
        if (hanging.hanging.length > 0) completedAfterHang++;
      }
      expect(hanging.bodies).toEqual([expect.objectContaining({ source: 'loopgate', kind: 'budget_threshold' })]);
      // Requests went on while the receiver held the delivery open, and it still does.
      expect(completedAfterHang).toBeGreaterThan(0);
      expect(hanging.hanging.every((res) => !res.writableEnded)).toBe(true);
      // A fresh request is answered promptly too (a generous bound: it must not wait for the 60 s webhook timeout).
      const { body } = await gw.manage('POST', '/key/generate', {});
      const answered = await Promise.race([chat(body.key as string).then((response) => response.status), new Promise((resolve) => setTimeout(() => resolve('timed out'), 10_000))]);
      expect(answered).toBe(200);
    } finally {
      await hanging.close();
    }
  });
});

describe('a failing deployment and its fallback', () => {
  it('over 10 requests: one cooldown alert and one fallback alert, each once', async () => {
    const failing = await startTestGateway(
      `model_list:${openaiModel('broken', 'fail-500', upstream.apiBase)}${openaiModel('rescue', 'rescue', upstream.apiBase)}
router_settings:
  num_retries: 0
  allowed_fails: 0
  cooldown_time: 300
  fallbacks: [{"broken": ["rescue"]}]
`,
      { alertTiming: { sweepMs: 20 } },
    );
    try {
      const seen: AlertEntry[] = [];
      failing.app.services.alerts.addNotifier((alert) => seen.push(alert));
      for (let i = 0; i < 10; i++) {
        const response = await fetch(`${failing.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'broken', messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(response.status).toBe(200);
      }
      await expect.poll(() => seen.map((alert) => alert.kind).sort()).toEqual(['deployment_cooldown', 'fallback']);
      // The later requests went straight to the fallback (the deployment cooling down): the log says so.
      await failing.app.accounting.flush();
      const last = await failing.store.requestLog.query({ limit: 1 });
      expect(last[0]?.attempts).toEqual([expect.objectContaining({ group: 'rescue', via: 'fallback', outcome: 'ok' })]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen.map((alert) => alert.title).sort()).toEqual(['Deployment broken (openai, broken#0) cooled down', 'Requests for broken fall back to rescue']);
      expect(await failing.app.api['alerts.list']({})).toHaveLength(2);
    } finally {
      await failing.close();
    }
  });
});
