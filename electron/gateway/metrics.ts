// Prometheus metrics for `/metrics`. A registry per gateway so several can live in one process.
import { Counter, Histogram, Registry } from 'prom-client';
import type { TokenUsage } from '../providers/types.js';

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

  record(model: string, status: number, seconds: number, usage: TokenUsage | null): void {
    this.requests.inc({ model, status: String(status) });
    this.latency.observe({ model }, seconds);
    if (usage) {
      this.tokens.inc({ model, kind: 'prompt' }, usage.promptTokens);
      this.tokens.inc({ model, kind: 'completion' }, usage.completionTokens);
    }
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
