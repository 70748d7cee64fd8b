// The alert engine: reads what happened (each counted request, and a sweep of the deployments'
// health, the database and Redis every few seconds), passes it through the crossing state
// machines (crossings.ts) and hands each alert that fires to the app, the desktop notifiers the
// shell adds, and the webhook. Nothing here runs on a request's path but a few map lookups.
import { randomUUID } from 'node:crypto';
import type { AlertEntry, AlertEvent, AlertSettings } from '../../../shared/alerts.js';
import type { Logger } from '../../core/logger.js';
import type { DeploymentHealth } from '../../router/index.js';
import type { RequestLogEntry } from '../../store/request-log.js';
import { ConditionEdges, ThresholdCrossings } from './crossings.js';
import type { WebhookSender } from './webhook.js';

/** What the engine reads of a key. */
export interface AlertKey {
  id: string;
  keyAlias: string | null;
  spend: number;
  maxBudget: number | null;
}

/** What the engine watches, as the composition root hands it in. */
export interface AlertSources {
  key(id: string): AlertKey | null;
  health(): DeploymentHealth[];
  databaseAvailable(): boolean;
  /** null: no Redis configured. */
  redisAvailable(): boolean | null;
}

export type AlertNotifier = (alert: AlertEntry) => void;

export interface AlertEngineDeps {
  sources: AlertSources;
  settings(): AlertSettings;
  webhook: WebhookSender;
  logger: Logger;
  clock: () => number;
  /** How often health, the database and Redis are looked at. */
  sweepMs?: number;
}

const RECENT = 50;
const DEFAULT_SWEEP_MS = 5_000;
/** A deployment whose last error is this recent counts as failing. */
const RECENT_ERROR_MS = 60_000;
const MINUTE_MS = 60_000;

type Draft = Omit<AlertEntry, 'id' | 'time'>;

export class AlertEngine {
  private readonly thresholds = new ThresholdCrossings();
  private readonly conditions = new ConditionEdges();
  private readonly notifiers = new Set<AlertNotifier>();
  /** Deployment id → since when it has been cooling or failing. */
  private readonly unhealthySince = new Map<string, number>();
  private recent: AlertEntry[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: AlertEngineDeps) {}

  /** Adds a target (the app's events, the desktop); returns what removes it. */
  addNotifier(notifier: AlertNotifier): () => void {
    this.notifiers.add(notifier);
    return () => void this.notifiers.delete(notifier);
  }

  /** The recent alerts, newest first. */
  list(): AlertEntry[] {
    return [...this.recent];
  }

  start(): void {
    this.timer ??= setInterval(() => this.sweep(), this.deps.sweepMs ?? DEFAULT_SWEEP_MS).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.deps.webhook.close();
  }

  /** One counted request (accounting, after its cost is on the key): budget thresholds, a block, a fallback. */
  requestCounted(entry: RequestLogEntry): void {
    // An MCP tool call spends nothing and reaches no deployment.
    if (entry.mcp) return;
    const settings = this.deps.settings();
    if (entry.keyId !== null) this.keyRequest(entry, entry.keyId, settings);
    this.fallbacks(entry, settings);
  }

  /** Looks at the deployments, the database and Redis. */
  sweep(): void {
    const settings = this.deps.settings();
    const now = this.deps.clock();
    this.outage(settings, 'database_unavailable', !this.deps.sources.databaseAvailable(), 'The database is unavailable', 'Usage and request-log writes are queued until it is back; traffic goes on.');
    const redis = this.deps.sources.redisAvailable();
    if (redis !== null) this.outage(settings, 'redis_unavailable', !redis, 'Redis is unavailable', 'Rate limits, cooldowns and the cache are per instance until it is back.');
    for (const deployment of this.deps.sources.health()) this.deployment(deployment, settings, now);
  }

  private keyRequest(entry: RequestLogEntry, keyId: string, settings: AlertSettings): void {
    const key = this.deps.sources.key(keyId);
    if (!key) return;
    const name = key.keyAlias ?? key.id;
    if (entry.errorCode === 'budget_exceeded') {
      if (this.conditions.set(`blocked:${keyId}`, true) && settings.events.includes('budget_blocked')) {
        this.fire({ kind: 'budget_blocked', severity: 'critical', title: `Key ${name} is blocked by its budget`, message: entry.errorMessage ?? 'Its budget is spent.', view: 'logs', params: { key: keyId } });
      }
    } else if (entry.status < 400) {
      this.conditions.set(`blocked:${keyId}`, false);
    }
    if (key.maxBudget === null || key.maxBudget <= 0) return;
    const percent = (spend: number): number => (spend / key.maxBudget!) * 100;
    const crossed = this.thresholds.observe(`budget:${keyId}`, percent(key.spend - entry.cost), percent(key.spend), settings.keyThresholds[keyId] ?? settings.budgetThresholds);
    const highest = Math.max(...crossed);
    if (crossed.length === 0) return;
    // One request crossing 80 and 100 at once says the higher.
    this.fire({
      kind: 'budget_threshold',
      severity: highest >= 100 ? 'critical' : 'warning',
      title: `Key ${name} has spent ${highest}% of its budget`,
      message: `$${key.spend.toFixed(4)} of $${key.maxBudget}.`,
      view: 'logs',
      params: { key: keyId },
    });
  }

  /** A request served by a fallback group alerts once per group and fallback, until the group serves one of its own again. */
  private fallbacks(entry: RequestLogEntry, settings: AlertSettings): void {
    const attempts = entry.attempts ?? [];
    const served = attempts.find((attempt) => attempt.outcome === 'ok');
    // The name the client asked for: a group all cooling down has no attempt of its own.
    const asked = entry.model ?? attempts[0]?.group ?? null;
    if (asked === null || entry.status >= 400) return;
    if (!served || served.via !== 'fallback') {
      for (const subject of this.conditions.activeUnder(`fallback:${asked}\u0000`)) this.conditions.set(subject, false);
      return;
    }
    if (!this.conditions.set(`fallback:${asked}\u0000${served.group}`, true) || !settings.events.includes('fallback')) return;
    this.fire({
      kind: 'fallback',
      severity: 'warning',
      title: `Requests for ${asked} fall back to ${served.group}`,
      message: attempts.find((attempt) => attempt.outcome === 'failed')?.reason ?? 'Its deployments failed.',
      view: 'logs',
      params: { model: entry.model ?? asked },
    });
  }

  private deployment(health: DeploymentHealth, settings: AlertSettings, now: number): void {
    const cooling = health.state === 'cooling';
    const lastErrorAt = health.last_error_at === null ? null : Date.parse(health.last_error_at);
    const failing = cooling || (lastErrorAt !== null && now - lastErrorAt < RECENT_ERROR_MS);
    const label = `${health.model_name} (${health.provider}, ${health.id})`;
    const why = health.last_error ?? 'no answer';
    if (this.conditions.set(`cooldown:${health.id}`, cooling) && settings.events.includes('deployment_cooldown')) {
      this.fire({ kind: 'deployment_cooldown', severity: 'warning', title: `Deployment ${label} cooled down`, message: `It failed too often: ${why}`, view: 'models', params: {} });
    }
    if (!failing) this.unhealthySince.delete(health.id);
    else if (!this.unhealthySince.has(health.id)) this.unhealthySince.set(health.id, now);
    const since = this.unhealthySince.get(health.id);
    const long = since !== undefined && now - since >= settings.failingMinutes * MINUTE_MS;
    if (this.conditions.set(`failing:${health.id}`, long) && settings.events.includes('deployment_failing')) {
      this.fire({ kind: 'deployment_failing', severity: 'critical', title: `Deployment ${label} has been failing for ${settings.failingMinutes} min`, message: why, view: 'models', params: {} });
    }
  }

  private outage(settings: AlertSettings, kind: AlertEvent, down: boolean, title: string, message: string): void {
    if (this.conditions.set(kind, down) && settings.events.includes(kind)) this.fire({ kind, severity: 'critical', title, message, view: 'overview', params: {} });
  }

  private fire(draft: Draft): void {
    const alert: AlertEntry = { id: randomUUID(), time: this.deps.clock(), ...draft };
    this.recent = [alert, ...this.recent].slice(0, RECENT);
    this.deps.logger.log('warn', `Alert: ${alert.title}`, { alert: alert.kind });
    for (const notifier of this.notifiers) {
      try {
        notifier(alert);
      } catch (error) {
        this.deps.logger.log('warn', `an alert target failed: ${String(error)}`, { alert: alert.id });
      }
    }
    const webhook = this.deps.settings().webhook;
    if (webhook) this.deps.webhook.send(alert, webhook);
  }
}
