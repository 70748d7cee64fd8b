// The router's attempt loop without HTTP: a scripted attempt per deployment, an instant sleep
// that records each backoff, and a clock that stands still.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../electron/config/index.js';
import type { DeploymentConfig } from '../../electron/core/deployment.js';
import { runAttempts, type AttemptOutcome, type AttemptSuccess, type AttemptTurn } from '../../electron/router/attempts.js';
import { AttemptFailure } from '../../electron/router/failures.js';
import { Router } from '../../electron/router/index.js';

const NOW = 1_700_000_000_000;

/** One deployment's scripted answer to an attempt. */
type Script = (turn: AttemptTurn, deployment: DeploymentConfig) => AttemptSuccess | AttemptFailure;

interface Run {
  outcome: AttemptOutcome<AttemptSuccess>;
  /** Deployment ids in the order they were attempted. */
  tried: string[];
  /** Each backoff the loop waited, in ms. */
  waits: number[];
  turns: AttemptTurn[];
}

const SERVED: AttemptSuccess = { latencyMs: 120, tokens: 7 };
const ok: Script = () => SERVED;
const status =
  (code: number, body = '{"error":{"message":"failed"}}', headers: Record<string, string> = {}): Script =>
  () =>
    AttemptFailure.fromResponse(code, headers, body);
const CONTEXT_TOO_LONG = '{"error":{"message":"This model\'s maximum context length is 8192 tokens"}}';
const POLICY_FLAGGED = '{"error":{"message":"Your request was rejected by our content policy"}}';

/** One deployment per model name given (ids `<name>#<index>`), on a clock that stands still. */
function router(models: string[], settings = ''): Router {
  const list = models.map((name) => `\n  - model_name: ${name}\n    litellm_params:\n      model: openai/${name}\n      api_base: http://127.0.0.1:9/v1`).join('');
  const yaml = `model_list:${list}\n${settings ? `router_settings:\n${settings}` : ''}`;
  return new Router(parseConfigText(yaml, { env: {} }), { clock: () => NOW, random: () => 0.5 });
}

async function run(target: Router, group: string, scripts: Record<string, Script>, signal = new AbortController().signal): Promise<Run> {
  const tried: string[] = [];
  const waits: number[] = [];
  const turns: AttemptTurn[] = [];
  const outcome = await runAttempts(
    {
      router: target,
      group,
      signal,
      random: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
      },
    },
    async (deployment, turn) => {
      tried.push(deployment.id);
      turns.push(turn);
      const script = scripts[deployment.id];
      if (!script) throw new Error(`no script for ${deployment.id}`);
      const result = script(turn, deployment);
      if (result instanceof AttemptFailure) throw result;
      return result;
    },
  );
  return { outcome, tried, waits, turns };
}

const healthOf = (target: Router, id: string) => target.health().find((d) => d.id === id)!;

describe('attempt loop: retries', () => {
  it('retries a failed deployment on another one of the group and reports the one that served', async () => {
    const r = router(['m', 'm'], '  num_retries: 1\n  allowed_fails: 5\n');
    // Whichever deployment the strategy picks first fails; the other one answers.
    let failed = false;
    const firstFails: Script = () => {
      if (failed) return SERVED;
      failed = true;
      return AttemptFailure.fromResponse(503, {}, 'busy');
    };
    const { outcome, tried, waits } = await run(r, 'm', { 'm#0': firstFails, 'm#1': firstFails });
    expect(tried).toHaveLength(2);
    expect(tried[1]).not.toBe(tried[0]);
    expect(waits).toHaveLength(1);
    expect(outcome).toMatchObject({ status: 'served', attempts: 2, deployment: { id: tried[1] } });
    expect(healthOf(r, tried[0]!).last_error).toContain('503');
    expect(healthOf(r, tried[1]!).latency_ms).toBe(120);
  });

  it('waits at least retry_after between attempts and counts the wait as backoff, not overhead', async () => {
    const r = router(['m', 'm'], '  num_retries: 2\n  retry_after: 2\n  allowed_fails: 5\n');
    const { outcome, waits, turns } = await run(r, 'm', { 'm#0': status(500), 'm#1': status(500) });
    expect(waits).toHaveLength(2);
    for (const wait of waits) expect(wait).toBeGreaterThanOrEqual(2_000);
    expect(outcome).toMatchObject({ status: 'failed', attempts: 3, backoffMs: waits[0]! + waits[1]! });
    // The third attempt, the one whose headers the client would see, knows the time waited.
    expect(turns[2]!.backoffMs).toBe(waits[0]! + waits[1]!);
  });

  it('backs off exponentially with jitter when retry_after is not set', async () => {
    const r = router(['m'], '  num_retries: 3\n  allowed_fails: 10\n');
    const { waits } = await run(r, 'm', { 'm#0': status(502) });
    // random() = 0 is the low end of full jitter: half of 250 ms, 500 ms, 1 s.
    expect(waits).toEqual([125, 250, 500]);
  });

  it('never retries a client error nor falls back on it, and does not hold it against the deployment', async () => {
    const r = router(['m', 'm', 'rescue'], '  num_retries: 3\n  allowed_fails: 0\n  fallbacks: [{"m": ["rescue"]}]\n');
    const { outcome, tried, waits } = await run(r, 'm', { 'm#0': status(400), 'm#1': status(400), 'rescue#2': ok });
    expect(tried).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.failure.response?.status).toBe(400);
    expect(r.health().every((d) => d.state === 'healthy' && d.last_error === null)).toBe(true);
  });
});

describe('attempt loop: fallbacks', () => {
  it('falls back to the general fallbacks in order once the retries are spent', async () => {
    const r = router(['broken', 'also-broken', 'rescue'], '  num_retries: 1\n  fallbacks: [{"broken": ["also-broken", "rescue"]}]\n');
    const { outcome, tried } = await run(r, 'broken', { 'broken#0': status(500), 'also-broken#1': status(500), 'rescue#2': ok });
    // A retry on each group before moving on; the rescue answers first time.
    expect(tried).toEqual(['broken#0', 'broken#0', 'also-broken#1', 'also-broken#1', 'rescue#2']);
    expect(outcome).toMatchObject({ status: 'served', attempts: 5, deployment: { id: 'rescue#2' } });
  });

  it('sends a context-window failure to the context-window fallback, not the general one, without retrying', async () => {
    const r = router(['small', 'general', 'big'], '  num_retries: 3\n  fallbacks: [{"small": ["general"]}]\n  context_window_fallbacks: [{"small": ["big"]}]\n');
    const { outcome, tried, waits } = await run(r, 'small', { 'small#0': status(400, CONTEXT_TOO_LONG), 'general#1': ok, 'big#2': ok });
    expect(tried).toEqual(['small#0', 'big#2']);
    expect(waits).toEqual([]);
    expect(outcome).toMatchObject({ status: 'served', deployment: { id: 'big#2' } });
  });

  it('sends a content-policy failure to the content-policy fallback', async () => {
    const r = router(['strict', 'lenient'], '  content_policy_fallbacks: [{"strict": ["lenient"]}]\n');
    const { outcome, tried } = await run(r, 'strict', { 'strict#0': status(400, POLICY_FLAGGED), 'lenient#1': ok });
    expect(tried).toEqual(['strict#0', 'lenient#1']);
    expect(outcome).toMatchObject({ status: 'served', deployment: { id: 'lenient#1' } });
  });

  it('answers a context-window failure with no fallback of its kind as it came', async () => {
    const r = router(['small', 'general'], '  num_retries: 3\n  fallbacks: [{"small": ["general"]}]\n');
    const { outcome, tried } = await run(r, 'small', { 'small#0': status(400, CONTEXT_TOO_LONG), 'general#1': ok });
    expect(tried).toEqual(['small#0']);
    expect(outcome.status === 'failed' && outcome.failure.kind).toBe('context_window');
  });

  it('uses default_fallbacks for a group without its own', async () => {
    const r = router(['broken', 'rescue'], '  num_retries: 0\n  default_fallbacks: ["rescue"]\n');
    const { outcome } = await run(r, 'broken', { 'broken#0': status(500), 'rescue#1': ok });
    expect(outcome).toMatchObject({ status: 'served', attempts: 2, deployment: { id: 'rescue#1' } });
  });

  it('falls back to exactly the deployment a fallback names by its model_info.id', async () => {
    // The strategy would pick rescue#2 (random() = 0.5 of two); the fallback pins rescue#1.
    const r = router(['broken', 'rescue', 'rescue'], '  num_retries: 0\n  fallbacks: [{"broken": ["rescue#1"]}]\n');
    expect(r.choose('rescue').id).toBe('rescue#2');
    for (let i = 0; i < 3; i++) {
      const { outcome, tried } = await run(r, 'broken', { 'broken#0': status(500), 'rescue#1': ok, 'rescue#2': ok });
      expect(tried).toEqual(['broken#0', 'rescue#1']);
      expect(outcome).toMatchObject({ status: 'served', deployment: { id: 'rescue#1' } });
    }
  });

  it('stops at max_fallbacks and answers with the last failure', async () => {
    const r = router(['a', 'b', 'c', 'd'], '  num_retries: 0\n  max_fallbacks: 2\n  fallbacks: [{"a": ["b", "c", "d"]}]\n');
    const { outcome, tried } = await run(r, 'a', { 'a#0': status(500), 'b#1': status(502), 'c#2': status(503), 'd#3': ok });
    expect(tried).toEqual(['a#0', 'b#1', 'c#2']);
    expect(outcome.status === 'failed' && outcome.failure.response?.status).toBe(503);
  });
});

describe('attempt loop: cooling deployments', () => {
  const cooled = (r: Router, id: string, seconds: number): void =>
    void r.failed(
      r.deployments().find((d) => d.id === id)!,
      AttemptFailure.fromResponse(429, { 'retry-after': String(seconds) }, '{}'),
    );

  it('falls back without an attempt when every deployment of the group is cooling', async () => {
    const r = router(['m', 'm', 'rescue'], '  fallbacks: [{"m": ["rescue"]}]\n');
    cooled(r, 'm#0', 30);
    cooled(r, 'm#1', 30);
    const { outcome, tried } = await run(r, 'm', { 'm#0': ok, 'm#1': ok, 'rescue#2': ok });
    expect(tried).toEqual(['rescue#2']);
    expect(outcome).toMatchObject({ status: 'served', attempts: 1 });
  });

  it("answers the router's 429 with retry-after when nothing was attempted and there is no fallback", async () => {
    const r = router(['m', 'm']);
    cooled(r, 'm#0', 30);
    cooled(r, 'm#1', 20);
    const { outcome, tried } = await run(r, 'm', { 'm#0': ok, 'm#1': ok });
    expect(tried).toEqual([]);
    expect(outcome).toMatchObject({ status: 'failed', attempts: 0, deployment: null });
    const error = outcome.status === 'failed' ? outcome.failure.error : null;
    expect(error).toMatchObject({ code: 'rate_limit', status: 429, headers: { 'retry-after': '20' } });
  });

  it("answers with the upstream's own failure when the group went cooling during the request", async () => {
    const r = router(['m', 'm'], '  num_retries: 2\n');
    const slowDown = status(429, '{"error":{"message":"slow down"}}', { 'retry-after': '7' });
    const { outcome, tried } = await run(r, 'm', { 'm#0': slowDown, 'm#1': slowDown });
    expect([...tried].sort()).toEqual(['m#0', 'm#1']);
    expect(outcome.status === 'failed' && outcome.failure.response).toMatchObject({ status: 429, headers: { 'retry-after': '7' } });
    expect(r.health().map((d) => d.state)).toEqual(['cooling', 'cooling']);
  });
});

describe('attempt loop: a group with a single deployment (LiteLLM never cools it)', () => {
  it("retries it, answers with the upstream's own error, and leaves it in rotation for the next request", async () => {
    const r = router(['m'], '  num_retries: 2\n');
    const slowDown = status(429, '{"error":{"message":"slow down"}}', { 'retry-after': '7' });
    const first = await run(r, 'm', { 'm#0': slowDown });
    expect(first.tried).toEqual(['m#0', 'm#0', 'm#0']);
    expect(first.outcome.status === 'failed' && first.outcome.failure.response).toMatchObject({ status: 429, text: '{"error":{"message":"slow down"}}' });
    expect(healthOf(r, 'm#0')).toMatchObject({ state: 'healthy', last_error: expect.stringContaining('slow down') });
    // Many more failures in the same minute still do not take it out.
    for (let i = 0; i < 3; i++) await run(r, 'm', { 'm#0': status(500) });
    const next = await run(r, 'm', { 'm#0': ok });
    expect(next.tried).toEqual(['m#0']);
    expect(next.outcome.status).toBe('served');
  });

  it('counts its failures like any other once allowed_fails is set to other than the default 3, as LiteLLM does', async () => {
    const r = router(['m'], '  num_retries: 0\n  allowed_fails: 1\n  cooldown_time: 30\n');
    await run(r, 'm', { 'm#0': status(500) });
    expect(healthOf(r, 'm#0').state).toBe('healthy');
    await run(r, 'm', { 'm#0': status(500) });
    expect(healthOf(r, 'm#0').state).toBe('cooling');
    const { outcome, tried } = await run(r, 'm', { 'm#0': ok });
    expect(tried).toEqual([]);
    expect(outcome.status === 'failed' && outcome.failure.error).toMatchObject({ code: 'rate_limit', headers: { 'retry-after': '30' } });
  });

  it('cools a deployment whose group has others, even at the default allowed_fails', async () => {
    const r = router(['m', 'm'], '  num_retries: 0\n');
    const first = await run(r, 'm', { 'm#0': status(429, '{}', { 'retry-after': '9' }), 'm#1': status(429, '{}', { 'retry-after': '9' }) });
    expect(healthOf(r, first.tried[0]!).state).toBe('cooling');
  });
});

describe('attempt loop: in flight', () => {
  it('counts an attempt in flight while it runs and not after', async () => {
    const r = router(['m']);
    let during = -1;
    await run(r, 'm', {
      'm#0': () => {
        during = healthOf(r, 'm#0').in_flight;
        return { latencyMs: 5, tokens: 0 };
      },
    });
    expect(during).toBe(1);
    expect(healthOf(r, 'm#0').in_flight).toBe(0);
  });
});

describe('attempt loop: after the client has heard something', () => {
  it('does not retry a failure that came after commit', async () => {
    const r = router(['m', 'm', 'rescue'], '  num_retries: 3\n  fallbacks: [{"m": ["rescue"]}]\n');
    const commitThenFail: Script = (turn) => {
      turn.commit();
      return AttemptFailure.fromResponse(502, {}, 'stream cut');
    };
    const { outcome, tried, waits } = await run(r, 'm', { 'm#0': commitThenFail, 'm#1': commitThenFail, 'rescue#2': ok });
    expect(tried).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(outcome).toMatchObject({ status: 'abandoned', attempts: 1 });
    // The deployment still answered for its failure.
    expect(healthOf(r, tried[0]!).last_error).toContain('502');
  });

  it('starts nothing more once the client has gone, and does not blame the deployment for it', async () => {
    const r = router(['m', 'm'], '  num_retries: 3\n  allowed_fails: 0\n');
    const client = new AbortController();
    const hangUp: Script = () => {
      client.abort();
      return AttemptFailure.fromResponse(502, {}, 'aborted');
    };
    const { outcome, tried } = await run(r, 'm', { 'm#0': hangUp, 'm#1': hangUp }, client.signal);
    expect(tried).toHaveLength(1);
    expect(outcome.status).toBe('abandoned');
    expect(r.health().every((d) => d.state === 'healthy' && d.last_error === null)).toBe(true);
  });
});
