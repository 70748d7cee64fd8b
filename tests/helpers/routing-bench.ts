// The bench the router and routing-in-the-app tests share: two mock OpenAI upstreams, one
// gateway at a time on a clock a test can move forward (cooldowns, cache expiry), all reset
// after each test so no test sees another's failures or clock.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway, type TestGatewayOptions } from './gateway.js';
import { startMockOpenAI, type MockUpstream } from './mock-openai.js';

export class RoutingBench {
  a!: MockUpstream;
  b!: MockUpstream;
  /** How far the gateway's clock runs ahead of the wall clock. */
  offsetMs = 0;
  private running: TestGateway | null = null;

  /** The gateway the test started. */
  get gw(): TestGateway {
    if (!this.running) throw new Error('No gateway started in this test');
    return this.running;
  }

  async start(yaml: string, options: TestGatewayOptions = {}): Promise<TestGateway> {
    this.running = await startTestGateway(yaml, { clock: () => Date.now() + this.offsetMs, ...options });
    return this.running;
  }

  /** A chat completion as the master key, answered as it comes (no client retries). */
  chat = (model: string, content = 'hi', extra: Record<string, unknown> = {}): Promise<Response> =>
    fetch(`${this.gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content }], ...extra }),
    });

  async reset(): Promise<void> {
    await this.running?.close();
    this.running = null;
    this.offsetMs = 0;
    this.a.setFailing(null);
    this.b.setFailing(null);
  }
}

/** How many requests `upstream` received for `model`. */
export const served = (upstream: MockUpstream, model: string): number => upstream.requests.filter((r) => r.body?.model === model).length;

/** A RoutingBench for this file: upstreams started once, reset after each test, closed at the end. */
export function routingBench(): RoutingBench {
  const bench = new RoutingBench();
  beforeAll(async () => {
    [bench.a, bench.b] = await Promise.all([startMockOpenAI(), startMockOpenAI()]);
  });
  afterEach(() => bench.reset());
  afterAll(async () => {
    await Promise.all([bench.a?.close(), bench.b?.close()]);
  });
  return bench;
}
