// The Playground's conversation, kept here (not in the view) so it survives switching views.
// Each answer is labelled with the model that gave it, the deployment that served it, its
// tokens and latency (the gateway's summary event after the stream); a running stream can be
// stopped; a failure says status, model, deployment and the next step (the gateway's
// PlaygroundFailure, deployments by name, no internal ids), and stays with its turn.
import type { PlaygroundFailure, PlaygroundSummary } from '../../../shared/api.js';
import { call, loadFailure } from './api.js';
import { app } from './app.svelte.js';
import { sseData } from './sse.js';

interface Turn {
  role: 'user' | 'assistant';
  content: string;
  /** Assistant turns: who answered and how it went. */
  model?: string;
  deployment?: string | null;
  tokens?: { prompt: number; completion: number } | null;
  latencyMs?: number;
  stopped?: boolean;
  /** Why this answer did not come (kept when the next message is sent). */
  failure?: Failure;
}

interface Failure {
  status: number | null;
  model: string;
  deployment: string | null;
  message: string;
  next: string;
}

interface Chunk {
  object?: string;
  choices?: Array<{ delta?: { content?: string } }>;
  error?: Partial<PlaygroundFailure> & { message: string };
}

/** A failure as the gateway explained it, or (no answer at all) as the renderer can. */
function failureOf(model: string, status: number | null, error: Partial<PlaygroundFailure> & { message: string }): Failure {
  const next = error.hint ?? (status === null ? 'Check that Loopgate is running, then send again.' : 'Try again; the request log has the details.');
  const message = error.hint && error.message.endsWith(error.hint) ? error.message.slice(0, -error.hint.length).trim() : error.message;
  return { status: error.status ?? status, model: error.model ?? model, deployment: error.deployment ?? null, message, next };
}

class Playground {
  turns = $state<Turn[]>([]);
  model = $state('');
  models = $state<string[]>([]);
  /** False until the model list arrived: no "No models to talk to" before we know. */
  modelsLoaded = $state(false);
  /** Why the model list could not be loaded (none yet); null once it is. */
  modelsError = $state<string | null>(null);
  input = $state('');
  busy = $state(false);
  private controller: AbortController | null = null;

  async loadModels(): Promise<void> {
    try {
      const deployments = await call('models.list', {});
      this.models = [...new Set(deployments.map((d) => d.modelName))];
      if (!this.models.includes(this.model)) this.model = this.models[0] ?? '';
      this.modelsLoaded = true;
      this.modelsError = null;
    } catch (error) {
      if (!this.modelsLoaded) this.modelsError = loadFailure(error);
      app.fail(error);
    }
  }

  clear(): void {
    this.turns = [];
  }

  stop(): void {
    this.controller?.abort();
  }

  /** Streams the reply through the gateway itself, as a tool would see it. */
  async send(): Promise<void> {
    const model = this.model;
    if (!this.input.trim() || !model || this.busy) return;
    this.busy = true;
    const history = [...this.turns.filter((t) => t.content).map(({ role, content }) => ({ role, content })), { role: 'user' as const, content: this.input }];
    this.turns = [...this.turns, { role: 'user', content: this.input }, { role: 'assistant', content: '', model, deployment: null, tokens: null }];
    const answer = this.turns[this.turns.length - 1]!;
    this.input = '';
    const controller = new AbortController();
    this.controller = controller;
    const started = performance.now();
    let status: number | null = null;
    try {
      const response = await fetch('/ui/playground', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, stream: true, messages: history }),
        signal: controller.signal,
      });
      status = response.status;
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => ({}))) as { error?: Chunk['error'] };
        answer.failure = failureOf(model, status, body.error ?? { message: `The gateway answered ${response.status}.` });
      } else {
        for await (const data of sseData(response.body)) {
          if (!data || data === '[DONE]') continue;
          const chunk = JSON.parse(data) as Chunk | PlaygroundSummary;
          if (chunk.object === 'loopgate.summary') {
            const summary = chunk as PlaygroundSummary;
            answer.model = summary.model === summary.requested ? summary.model : `${summary.requested} → ${summary.model}`;
            answer.deployment = summary.deployment;
            answer.tokens = summary.usage ? { prompt: summary.usage.promptTokens, completion: summary.usage.completionTokens } : null;
            answer.latencyMs = summary.latencyMs;
            continue;
          }
          const { error, choices } = chunk as Chunk;
          if (error) {
            answer.failure = failureOf(model, status, error);
            break;
          }
          answer.content += choices?.[0]?.delta?.content ?? '';
        }
      }
    } catch {
      if (controller.signal.aborted) answer.stopped = true;
      else answer.failure = failureOf(model, null, { message: "Loopgate isn't responding." });
    } finally {
      answer.latencyMs ??= performance.now() - started;
      this.busy = false;
      this.controller = null;
    }
  }
}

export const playground = new Playground();
