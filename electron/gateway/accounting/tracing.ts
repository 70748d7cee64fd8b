// OpenTelemetry traces, only when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT, its
// traces-only variant, or general_settings.otel_endpoint): one span per model request after the
// GenAI semantic conventions, a child per upstream attempt, the client's W3C traceparent as
// parent and each attempt's own traceparent sent upstream. Unset, nothing is loaded and a
// request pays one null check.
import { context, trace, SpanKind, SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { LogAttemptView } from '../../../shared/api.js';
import type { DeploymentConfig } from '../../core/deployment.js';
import type { TokenUsage } from '../../core/usage.js';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** What a finished request tells its span. */
interface TracedEnd {
  status: number;
  usage: TokenUsage | null;
  deployment: DeploymentConfig | null;
  cost: number;
  failure: { code: string; message: string } | null;
}

/** One request's span. */
export interface RequestTrace {
  /** A child span for one upstream attempt; `traceparent` is what the upstream is sent. */
  attempt(deployment: DeploymentConfig): AttemptTrace;
  end(end: TracedEnd): void;
}

interface AttemptTrace {
  readonly traceparent: string;
  end(attempt: LogAttemptView): void;
}

export interface Tracing {
  start(clientHeaders: Headers, callType: string, model: string): RequestTrace;
  /** Sends what is still buffered; called on close. */
  shutdown(): Promise<void>;
}

/** gen_ai.operation.name for each inbound API. */
const OPERATION: Record<string, string> = {
  chat: 'chat',
  anthropic: 'chat',
  responses: 'chat',
  gemini: 'chat',
  playground: 'chat',
  completions: 'text_completion',
  embeddings: 'embeddings',
};

/** gen_ai.provider.name (the conventions' well-known values) for each provider family. */
const PROVIDER: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  vertex_ai: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  azure: 'azure.ai.openai',
  mistral: 'mistral_ai',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x_ai',
  perplexity: 'perplexity',
};

/** The OTLP/HTTP endpoint for traces, or null when tracing is off. */
export function tracesEndpoint(env: Readonly<Record<string, string | undefined>>, configured: string | null): string | null {
  const tracesOnly = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (tracesOnly) return tracesOnly;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || configured?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : null;
}

/** Loads the SDK only when an endpoint is set. */
export async function createTracing(endpoint: string | null, version: string): Promise<Tracing | null> {
  if (endpoint === null) return null;
  const [{ TracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { W3CTraceContextPropagator }] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
  ]);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'loopgate', 'service.version': version }),
    // Batched and sent off the request path; a collector that hangs delays no request.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: endpoint, timeoutMillis: 5_000 }), scheduledDelayMillis: 1_000 })],
  });
  const tracer = provider.getTracer('loopgate', version);
  const propagator = new W3CTraceContextPropagator();
  const headerGetter = {
    keys: (carrier: Headers) => Object.keys(carrier),
    get: (carrier: Headers, key: string) => carrier[key.toLowerCase()],
  };
  const traceparentOf = (parent: Context): string => {
    const carrier: Record<string, string> = {};
    propagator.inject(parent, carrier, { set: (target: Record<string, string>, key: string, value: string) => void (target[key] = value) });
    return carrier.traceparent ?? '';
  };
  return {
    start: (clientHeaders, callType, model) => new SpanOfRequest(tracer, propagator.extract(context.active(), clientHeaders, headerGetter), callType, model, traceparentOf),
    shutdown: () => provider.shutdown(),
  };
}

class SpanOfRequest implements RequestTrace {
  private readonly span: Span;
  private readonly context: Context;
  private readonly operation: string;

  constructor(
    private readonly tracer: Tracer,
    parent: Context,
    callType: string,
    model: string,
    private readonly traceparentOf: (context: Context) => string,
  ) {
    const operation = OPERATION[callType] ?? callType;
    this.operation = operation;
    this.span = tracer.startSpan(`${operation} ${model}`, { kind: SpanKind.SERVER, attributes: { 'gen_ai.operation.name': operation, 'gen_ai.request.model': model, 'loopgate.call_type': callType } }, parent);
    this.context = trace.setSpan(parent, this.span);
  }

  attempt(deployment: DeploymentConfig): AttemptTrace {
    const span = this.tracer.startSpan(
      `${this.operation} ${deployment.upstreamModel}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'gen_ai.request.model': deployment.upstreamModel, 'gen_ai.provider.name': providerName(deployment), 'loopgate.deployment': deployment.id, 'server.address': deployment.apiBase.hostname },
      },
      this.context,
    );
    return {
      traceparent: this.traceparentOf(trace.setSpan(this.context, span)),
      end: (attempt) => {
        span.setAttributes({ 'loopgate.attempt': attempt.number, 'loopgate.via': attempt.via, 'loopgate.group': attempt.group });
        if (attempt.status !== null) span.setAttribute('http.response.status_code', attempt.status);
        if (attempt.outcome === 'failed') {
          span.setAttribute('error.type', attempt.errorCode ?? 'upstream');
          span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.reason ?? '' });
        }
        span.end();
      },
    };
  }

  end({ status, usage, deployment, cost, failure }: TracedEnd): void {
    const span = this.span;
    span.setAttribute('http.response.status_code', status);
    span.setAttribute('loopgate.cost_usd', cost);
    if (deployment) span.setAttributes({ 'gen_ai.response.model': deployment.upstreamModel, 'gen_ai.provider.name': providerName(deployment) });
    if (usage) {
      span.setAttributes({ 'gen_ai.usage.input_tokens': usage.promptTokens, 'gen_ai.usage.output_tokens': usage.completionTokens });
      if (usage.cacheReadTokens) span.setAttribute('gen_ai.usage.cache_read.input_tokens', usage.cacheReadTokens);
      if (usage.cacheWriteTokens) span.setAttribute('gen_ai.usage.cache_creation.input_tokens', usage.cacheWriteTokens);
      if (usage.reasoningTokens) span.setAttribute('gen_ai.usage.reasoning.output_tokens', usage.reasoningTokens);
    }
    if (failure || status >= 400) {
      span.setAttribute('error.type', failure?.code ?? String(status));
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure?.message ?? '' });
    }
    span.end();
  }
}

function providerName(deployment: DeploymentConfig): string {
  return PROVIDER[deployment.family] ?? deployment.family;
}
