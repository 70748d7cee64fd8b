// The optional webhook: each alert POSTed as JSON (or Slack's `{ "text": ... }`), off the
// request path. Alerts wait in a bounded queue (the oldest go when it is full) and are sent one
// at a time, each try under a timeout, retried with backoff; a receiver that hangs or fails
// delays only the alerts behind it, never a request.
import { request } from 'undici';
import type { AlertEntry, AlertWebhook } from '../../../shared/alerts.js';
import type { Logger } from '../../core/logger.js';

const MAX_QUEUED = 100;
const TRIES = 4;
const FIRST_BACKOFF_MS = 500;

export interface WebhookOptions {
  logger: Logger;
  /** The wait before try n + 1 (n from 1); doubling from half a second by default. */
  backoffMs?: (tries: number) => number;
}

/** The body a receiver gets. */
function webhookBody(alert: AlertEntry, format: AlertWebhook['format']): unknown {
  if (format === 'slack') return { text: `*${alert.title}*\n${alert.message}` };
  return { source: 'loopgate', ...alert, time: new Date(alert.time).toISOString() };
}

export class WebhookSender {
  private readonly queue: Array<{ alert: AlertEntry; webhook: AlertWebhook }> = [];
  private sending = false;
  private closed = false;
  private dropped = 0;
  private readonly backoffMs: (tries: number) => number;
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly options: WebhookOptions) {
    this.backoffMs = options.backoffMs ?? ((tries) => FIRST_BACKOFF_MS * 2 ** (tries - 1));
  }

  /** Queues the alert and returns at once. */
  send(alert: AlertEntry, webhook: AlertWebhook): void {
    if (this.closed) return;
    this.queue.push({ alert, webhook });
    if (this.queue.length > MAX_QUEUED) {
      this.queue.shift();
      if (this.dropped++ === 0) this.options.logger.log('warn', `The alert webhook is not keeping up: the oldest queued alerts are dropped`);
    }
    if (!this.sending) void this.drain();
  }

  /** Stops sending; a try under way is aborted. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const controller of this.inFlight) controller.abort();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      for (let next = this.queue.shift(); next && !this.closed; next = this.queue.shift()) await this.deliver(next.alert, next.webhook);
    } finally {
      this.sending = false;
    }
  }

  private async deliver(alert: AlertEntry, webhook: AlertWebhook): Promise<void> {
    const body = JSON.stringify(webhookBody(alert, webhook.format));
    for (let tries = 1; tries <= TRIES && !this.closed; tries++) {
      const failure = await this.post(webhook, body);
      if (failure === null) return;
      if (tries === TRIES) {
        this.options.logger.log('warn', `The alert webhook did not take an alert after ${TRIES} tries: ${failure}`, { alert: alert.id });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.backoffMs(tries)).unref());
    }
  }

  /** One try; null when the receiver took it (2xx), else why not. */
  private async post(webhook: AlertWebhook, body: string): Promise<string | null> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), webhook.timeoutSeconds * 1000).unref();
    try {
      const response = await request(webhook.url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: controller.signal });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300 ? null : `HTTP ${response.statusCode}`;
    } catch (error) {
      return controller.signal.aborted ? `no answer within ${webhook.timeoutSeconds} s` : String(error);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }
}
