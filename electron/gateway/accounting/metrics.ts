// Prometheus metrics for `/metrics`. A registry per gateway so several can live in one process.
import { Counter, Histogram, Registry } from 'prom-client';
import type { TokenUsage } from '../../core/usage.js';

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'loopgate_requests_total',
    help: 'Requests answered, by model and HTTP status.',
    labelNames: ['model', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'loopgate_request_duration_seconds',
    help: 'Time from request received to response finished, by model.',
    labelNames: ['model'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: 'loopgate_tokens_total',
    help: 'Tokens reported by upstreams, by model and kind (prompt, completion).',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });

  /** Labelled children, looked up once per label set: prom-client hashes labels on every call otherwise. */
  private readonly children = new Map<string, { requests: Map<number, { inc(): void }>; latency: { observe(v: number): void }; prompt: { inc(v: number): void }; completion: { inc(v: number): void } }>();

  record(model: string, status: number, seconds: number, usage: TokenUsage | null): void {
    let child = this.children.get(model);
    if (!child) {
      child = {
        requests: new Map(),
        latency: this.latency.labels(model),
        prompt: this.tokens.labels(model, 'prompt'),
        completion: this.tokens.labels(model, 'completion'),
      };
      this.children.set(model, child);
    }
    let counter = child.requests.get(status);
    if (!counter) {
      counter = this.requests.labels(model, String(status));
      child.requests.set(status, counter);
    }
    counter.inc();
    child.latency.observe(seconds);
    if (usage) {
      child.prompt.inc(usage.promptTokens);
      child.completion.inc(usage.completionTokens);
    }
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
