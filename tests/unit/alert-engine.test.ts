// The alert engine's events (services/alerts/engine.ts) and its webhook (webhook.ts): each event
// alerts once per crossing, an event switched off says nothing, and the webhook retries a failing
// receiver with backoff, says Slack's shape when asked, and drops the oldest when it cannot keep up.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_SETTINGS, type AlertEntry, type AlertSettings } from '../../shared/alerts.js';
import { MemoryLogger } from '../../electron/core/logger.js';
import type { DeploymentHealth } from '../../electron/router/index.js';
import { AlertEngine, type AlertKey } from '../../electron/services/alerts/engine.js';
import { WebhookSender } from '../../electron/services/alerts/webhook.js';
import type { RequestLogEntry } from '../../electron/store/request-log.js';
import { logRow } from '../helpers/store.js';
import type { LogAttemptView } from '../../shared/log-views.js';

const MINUTE = 60_000;

function harness(settings: Partial<AlertSettings> = {}) {
  let now = 1_800_000_000_000;
  const state = { database: true, redis: true as boolean | null, health: [] as DeploymentHealth[], key: { id: 'k1', keyAlias: 'team', spend: 0, maxBudget: 10 } as AlertKey };
  const logger = new MemoryLogger();
  const engine = new AlertEngine({
    sources: { key: (id) => (id === state.key.id ? state.key : null), health: () => state.health, databaseAvailable: () => state.database, redisAvailable: () => state.redis },
    settings: () => ({ ...DEFAULT_ALERT_SETTINGS, ...settings }),
    webhook: new WebhookSender({ logger }),
    logger,
    clock: () => now,
  });
  const fired: AlertEntry[] = [];
  engine.addNotifier((alert) => fired.push(alert));
  return { engine, state, fired, advance: (ms: number) => (now += ms), now: () => now };
}

function entry(fields: Partial<RequestLogEntry>): RequestLogEntry {
  return logRow({ id: 'r', time: 0, keyId: 'k1', model: 'gpt', deployment: null, latencyMs: 1, promptTokens: 0, completionTokens: 0, totalTokens: 0, cost: 0, ...fields });
}

function attempt(group: string, via: LogAttemptView['via'], outcome: LogAttemptView['outcome']): LogAttemptView {
  return {
    number: 1,
    deployment: `${group}-d`,
    deploymentLabel: group,
    group,
    via,
    fallbackKind: via === 'fallback' ? 'general' : null,
    outcome,
    status: outcome === 'ok' ? 200 : 500,
    errorCode: outcome === 'ok' ? null : 'upstream',
    failureKind: null,
    reason: outcome === 'ok' ? null : 'boom',
    latencyMs: 1,
  };
}

function health(state: DeploymentHealth['state'], lastErrorAt: number | null): DeploymentHealth {
  return {
    id: 'd1',
    model_name: 'gpt',
    provider: 'openai',
    api_base: 'http://x',
    state,
    cooling_until: null,
    last_error: lastErrorAt ? 'HTTP 500' : null,
    last_error_at: lastErrorAt ? new Date(lastErrorAt).toISOString() : null,
    in_flight: 0,
    requests_last_minute: 0,
    latency_ms: null,
  };
}

describe('the alert engine', () => {
  it('a key cut off by its budget alerts once, however many requests are refused, and again after it was served', () => {
    const { engine, fired } = harness();
    for (let i = 0; i < 20; i++) engine.requestCounted(entry({ status: 429, errorCode: 'budget_exceeded', errorMessage: 'This key has spent $10' }));
    expect(fired.map((alert) => alert.kind)).toEqual(['budget_blocked']);
    expect(fired[0]).toMatchObject({ title: 'Key team is blocked by its budget', view: 'logs', params: { key: 'k1' } });
    engine.requestCounted(entry({ status: 200 }));
    engine.requestCounted(entry({ status: 429, errorCode: 'budget_exceeded' }));
    expect(fired.map((alert) => alert.kind)).toEqual(['budget_blocked', 'budget_blocked']);
  });

  it('an MCP tool call the blocked key makes (it spends nothing) does not end the block, so no second alert', () => {
    const { engine, fired } = harness();
    engine.requestCounted(entry({ status: 429, errorCode: 'budget_exceeded' }));
    engine.requestCounted(entry({ status: 200, model: null, callType: 'mcp', mcp: { server: 'notes', tool: 'echo' } }));
    engine.requestCounted(entry({ status: 429, errorCode: 'budget_exceeded' }));
    expect(fired.map((alert) => alert.kind)).toEqual(['budget_blocked']);
  });

  it('per-key thresholds win over the global ones', () => {
    const { engine, state, fired } = harness({ keyThresholds: { k1: [50] } });
    state.key.spend = 6;
    engine.requestCounted(entry({ cost: 2 }));
    state.key.spend = 9;
    engine.requestCounted(entry({ cost: 3 }));
    expect(fired.map((alert) => alert.title)).toEqual(['Key team has spent 50% of its budget']);
  });

  it('a fallback taken alerts once until the group serves a request of its own', () => {
    const { engine, fired } = harness();
    const fellBack = entry({ attempts: [attempt('gpt', 'first', 'failed'), attempt('backup', 'fallback', 'ok')] });
    for (let i = 0; i < 5; i++) engine.requestCounted(fellBack);
    expect(fired.map((alert) => [alert.kind, alert.title])).toEqual([['fallback', 'Requests for gpt fall back to backup']]);
    engine.requestCounted(entry({}));
    engine.requestCounted(fellBack);
    expect(fired).toHaveLength(2);
  });

  it('a deployment cooling down alerts once; failing for the set minutes alerts once more; healthy re-arms both', () => {
    const { engine, state, fired, advance, now } = harness({ failingMinutes: 2 });
    state.health = [health('cooling', now())];
    engine.sweep();
    engine.sweep();
    expect(fired.map((alert) => alert.kind)).toEqual(['deployment_cooldown']);
    advance(2 * MINUTE);
    state.health = [health('cooling', now())];
    engine.sweep();
    engine.sweep();
    expect(fired.map((alert) => alert.kind)).toEqual(['deployment_cooldown', 'deployment_failing']);
    state.health = [health('healthy', null)];
    engine.sweep();
    state.health = [health('cooling', now())];
    engine.sweep();
    expect(fired.map((alert) => alert.kind)).toEqual(['deployment_cooldown', 'deployment_failing', 'deployment_cooldown']);
  });

  it('the database or Redis going away alerts once per outage', () => {
    const { engine, state, fired } = harness();
    state.database = false;
    state.redis = false;
    engine.sweep();
    engine.sweep();
    state.database = true;
    engine.sweep();
    state.database = false;
    engine.sweep();
    expect(fired.map((alert) => alert.kind)).toEqual(['database_unavailable', 'redis_unavailable', 'database_unavailable']);
  });

  it('an event switched off says nothing', () => {
    const { engine, state, fired } = harness({ events: ['fallback'] });
    state.database = false;
    engine.sweep();
    engine.requestCounted(entry({ status: 429, errorCode: 'budget_exceeded' }));
    expect(fired).toEqual([]);
  });

  it('keeps the 50 most recent, newest first', () => {
    const { engine, state } = harness();
    for (let i = 0; i < 60; i++) {
      state.database = i % 2 === 0;
      engine.sweep();
    }
    const listed = engine.list();
    expect(listed).toHaveLength(30);
    expect(listed[0]!.time).toBeGreaterThanOrEqual(listed.at(-1)!.time);
  });
});

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
  server = null;
});

async function receiver(answer: (attempt: number) => number): Promise<{ url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(answer(bodies.length)).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, bodies };
}

const ALERT: AlertEntry = { id: 'a1', time: 1_800_000_000_000, kind: 'fallback', severity: 'warning', title: 'Requests for gpt fall back to backup', message: 'boom', view: 'logs', params: {} };

describe('the webhook', () => {
  it('retries a receiver that fails, with growing waits, until it takes the alert', async () => {
    const hook = await receiver((attempt) => (attempt < 3 ? 503 : 200));
    const waits: number[] = [];
    const sender = new WebhookSender({ logger: new MemoryLogger(), backoffMs: (tries) => (waits.push(tries), 10 * tries) });
    sender.send(ALERT, { url: hook.url, format: 'json', timeoutSeconds: 5 });
    await expect.poll(() => hook.bodies.length).toBe(3);
    expect(waits).toEqual([1, 2]);
    expect(hook.bodies[2]).toMatchObject({ source: 'loopgate', id: 'a1', kind: 'fallback', time: '2027-01-15T08:00:00.000Z' });
    sender.close();
  });

  it('gives up after four tries, saying so in the log', async () => {
    const hook = await receiver(() => 500);
    const logger = new MemoryLogger();
    const sender = new WebhookSender({ logger, backoffMs: () => 1 });
    sender.send(ALERT, { url: hook.url, format: 'slack', timeoutSeconds: 5 });
    await expect.poll(() => logger.records.some((record) => record.msg.includes('after 4 tries'))).toBe(true);
    expect(hook.bodies).toEqual(Array(4).fill({ text: '*Requests for gpt fall back to backup*\nboom' }));
    sender.close();
  });

  it('queues at most 100 alerts behind a slow receiver: the oldest go', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const bodies: Array<{ id: string }> = [];
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(text) as { id: string });
        void gate.then(() => res.writeHead(200).end());
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const logger = new MemoryLogger();
    const sender = new WebhookSender({ logger });
    for (let i = 0; i < 150; i++) sender.send({ ...ALERT, id: `a${i}` }, { url, format: 'json', timeoutSeconds: 5 });
    await expect.poll(() => bodies.length).toBe(1);
    release();
    await expect.poll(() => bodies.length).toBe(101);
    // The first was under way; of the 149 queued behind it, the 49 oldest were dropped.
    expect(bodies.map((body) => body.id)).toEqual(['a0', ...Array.from({ length: 100 }, (_, i) => `a${i + 50}`)]);
    expect(logger.records.filter((record) => record.msg.includes('not keeping up'))).toHaveLength(1);
    sender.close();
  });
});
