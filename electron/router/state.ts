// What the router knows about each deployment right now: requests in flight, recent failures
// and cooldown, latency, and the last minute's requests and tokens.
import type { DeploymentConfig } from '../core/deployment.js';
import { SlidingWindow } from './window.js';

const MINUTE_MS = 60_000;
/** Weight of the newest sample in the latency average. */
const LATENCY_SMOOTHING = 0.3;

export interface DeploymentHealth {
  id: string;
  model_name: string;
  provider: string;
  api_base: string;
  state: 'healthy' | 'cooling' | 'disabled';
  cooling_until: string | null;
  last_error: string | null;
  last_error_at: string | null;
  in_flight: number;
  requests_last_minute: number;
  latency_ms: number | null;
}

export class DeploymentState {
  inFlight = 0;
  coolingUntil = 0;
  lastError: { message: string; at: number } | null = null;
  latencyMs: number | null = null;
  private failures: number[] = [];
  private readonly requests = new SlidingWindow(MINUTE_MS);
  private readonly tokens = new SlidingWindow(MINUTE_MS);

  constructor(private current: DeploymentConfig) {}

  get config(): DeploymentConfig {
    return this.current;
  }

  /** Its state as /health and the app show it. */
  health(now: number): DeploymentHealth {
    const cooling = this.isCooling(now);
    return {
      id: this.current.id,
      model_name: this.current.modelName,
      provider: this.current.family,
      api_base: this.current.apiBase.origin,
      state: !this.current.enabled ? 'disabled' : cooling ? 'cooling' : 'healthy',
      cooling_until: cooling ? new Date(this.coolingUntil).toISOString() : null,
      last_error: this.lastError?.message ?? this.current.unavailable?.message ?? null,
      last_error_at: this.lastError ? new Date(this.lastError.at).toISOString() : null,
      in_flight: this.inFlight,
      requests_last_minute: this.requestsLastMinute(now),
      latency_ms: this.latencyMs === null ? null : Math.round(this.latencyMs),
    };
  }

  /** A routing change swaps the settings; what was learnt about the deployment stays. */
  reconfigure(config: DeploymentConfig): this {
    this.current = config;
    return this;
  }

  isCooling(now: number): boolean {
    return this.coolingUntil > now;
  }

  started(now: number): void {
    this.inFlight++;
    this.requests.add(now);
  }

  ended(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  succeeded(latencyMs: number, tokens: number, now: number): void {
    this.latencyMs = this.latencyMs === null ? latencyMs : this.latencyMs * (1 - LATENCY_SMOOTHING) + latencyMs * LATENCY_SMOOTHING;
    if (tokens > 0) this.tokens.add(now, tokens);
  }

  /** Counts a failure; true when it tips the deployment over `allowedFails` in the last minute. */
  failed(message: string, now: number, allowedFails: number): boolean {
    this.lastError = { message, at: now };
    this.failures = this.failures.filter((time) => time > now - MINUTE_MS);
    this.failures.push(now);
    return this.failures.length > allowedFails;
  }

  coolFor(ms: number, now: number): void {
    this.coolingUntil = Math.max(this.coolingUntil, now + ms);
    this.failures = [];
  }

  recover(): void {
    this.coolingUntil = 0;
    this.failures = [];
    this.lastError = null;
  }

  requestsLastMinute(now: number): number {
    return this.requests.count(now);
  }

  tokensLastMinute(now: number): number {
    return this.tokens.sum(now);
  }

  /** When this deployment next has room under its rpm/tpm, if it is at a limit now. */
  headroomAt(now: number): number {
    const rpm = this.config.rpm;
    const tpm = this.config.tpm;
    let at = now;
    if (rpm !== null && this.requests.count(now) >= rpm) at = Math.max(at, (this.requests.oldest(now) ?? now) + MINUTE_MS);
    if (tpm !== null && this.tokens.sum(now) >= tpm) at = Math.max(at, (this.tokens.oldest(now) ?? now) + MINUTE_MS);
    return at;
  }
}
