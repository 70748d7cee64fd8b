// OpenTelemetry (issue 26): with an OTLP endpoint set, each model request is one span after the
// GenAI semantic conventions with a child per upstream attempt, exported to a real OTLP/HTTP
// receiver on loopback; the client's traceparent is the parent, and each upstream gets its
// attempt's. Without an endpoint nothing is loaded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiModel, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startMockOpenAI, type MockUpstream } from '../helpers/mock-openai.js';
import { serve, type MockServer } from '../helpers/mock-server.js';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number };
}

let collector: MockServer;
let failing: MockUpstream;
let healthy: MockUpstream;
let gw: TestGateway;

const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN = 'b7ad6b7169203331';

function spans(): OtlpSpan[] {
  return collector.requests.flatMap((request) => {
    const resourceSpans = (request.body.resourceSpans ?? []) as Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
    return resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  });
}

function attribute(span: OtlpSpan, key: string): string | number | undefined {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  if (!value) return undefined;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue;
}

beforeAll(async () => {
  collector = await serve((_path, _query, _headers, _body, _raw, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  failing = await startMockOpenAI();
  failing.setFailing(500);
  healthy = await startMockOpenAI();
  gw = await startTestGateway(
    `model_list:${openaiModel('traced', 'gpt-4o', failing.apiBase)}${openaiModel('backup', 'gpt-4o-mini', healthy.apiBase)}
router_settings:
  num_retries: 0
  fallbacks: [{ traced: [backup] }]
general_settings:
  otel_endpoint: ${collector.url}
`,
  );
});

afterAll(async () => {
  await gw?.close();
  await collector?.close();
  await failing?.close();
  await healthy?.close();
});

describe('one span per request, a child per attempt', () => {
  it('a request that falls back exports its span with the GenAI attributes, two attempt children, and the client as parent', async () => {
    const answer = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test-master-key', 'content-type': 'application/json', traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
      body: JSON.stringify({ model: 'traced', messages: [{ role: 'user', content: 'trace me' }] }),
    });
    expect(answer.status).toBe(200);
    await answer.text();
    await expect.poll(() => spans().filter((span) => span.traceId === CLIENT_TRACE).length, { timeout: 10_000 }).toBe(3);

    const traced = spans().filter((span) => span.traceId === CLIENT_TRACE);
    const request = traced.find((span) => span.parentSpanId === CLIENT_SPAN)!;
    expect(request.name).toBe('chat traced');
    expect(attribute(request, 'gen_ai.operation.name')).toBe('chat');
    expect(attribute(request, 'gen_ai.request.model')).toBe('traced');
    expect(attribute(request, 'gen_ai.response.model')).toBe('gpt-4o-mini');
    expect(attribute(request, 'gen_ai.provider.name')).toBe('openai');
    expect(attribute(request, 'gen_ai.usage.input_tokens')).toBeGreaterThan(0);
    expect(attribute(request, 'gen_ai.usage.output_tokens')).toBeGreaterThan(0);
    expect(attribute(request, 'http.response.status_code')).toBe(200);

    const attempts = traced.filter((span) => span.parentSpanId === request.spanId).sort((a, b) => Number(attribute(a, 'loopgate.attempt')) - Number(attribute(b, 'loopgate.attempt')));
    expect(attempts.map((span) => [span.name, attribute(span, 'http.response.status_code'), attribute(span, 'loopgate.via')])).toEqual([
      ['chat gpt-4o', 500, 'first'],
      ['chat gpt-4o-mini', 200, 'fallback'],
    ]);
    expect(attempts[0]!.status?.code).toBe(2);
    expect(attribute(attempts[0]!, 'error.type')).toBeDefined();

    // Each upstream was sent its own attempt's traceparent, in the client's trace.
    expect(failing.requests.at(-1)!.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${attempts[0]!.spanId}-01`);
    expect(healthy.requests.at(-1)!.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${attempts[1]!.spanId}-01`);
  });

  it('a request without a traceparent starts a trace of its own', async () => {
    const before = new Set(spans().map((span) => span.traceId));
    const answer = await gw.client().chat.completions.create({ model: 'backup', messages: [{ role: 'user', content: 'new trace' }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    await expect.poll(() => spans().some((span) => !before.has(span.traceId) && span.name === 'chat backup' && span.parentSpanId === undefined), { timeout: 10_000 }).toBe(true);
  });
});

describe('without an endpoint', () => {
  it('tracing is off: no tracer, and the client traceparent still travels upstream unchanged', async () => {
    const plain = await startTestGateway(`model_list:${openaiModel('backup', 'gpt-4o-mini', healthy.apiBase)}\n`);
    try {
      expect(plain.app.proxy.tracing).toBeNull();
      const traceparent = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;
      const answer = await fetch(`${plain.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-test-master-key', 'content-type': 'application/json', traceparent },
        body: JSON.stringify({ model: 'backup', messages: [{ role: 'user', content: 'untraced' }] }),
      });
      expect(answer.status).toBe(200);
      expect(healthy.requests.at(-1)!.headers.traceparent).toBe(traceparent);
    } finally {
      await plain.close();
    }
  });
});
