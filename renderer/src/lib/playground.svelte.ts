// The Playground's conversation, kept here (not in the view) so it survives switching views.
// Each answer is labelled with the model that gave it, the deployment that served it, its
// tokens and latency; a running stream can be stopped; a failure says status, model,
// deployment and what to do next, in words (no internal ids).
import type { DeploymentView } from '../../../shared/api.js';
import { call } from './api.js';
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
}

interface PlaygroundFailure {
  status: number | null;
  model: string;
  deployment: string | null;
  message: string;
  next: string;
}

interface Chunk {
  model?: string;
  choices?: Array<{ delta?: { content?: string } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message: string; code?: string };
}

/** Ids people never chose (deployment ids, request ids) are left out of what is said. */
function withoutIds(text: string): string {
  return text
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '')
    .replace(/"?\b(?:dep|req|chatcmpl|lg)[-_][A-Za-z0-9_-]{6,}\b"?/g, '')
    .replace(/\(\s*\)|\s+([.,;:])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** What a person can do about a failure, by what failed. */
function nextStep(status: number | null, message: string): string {
  const text = message.toLowerCase();
  if (status === null) return 'Check that Loopgate is running, then send again.';
  if (status === 401 || status === 403 || /api key|unauthori[sz]ed|authentication/.test(text)) return 'The upstream refused the API key — check the provider under Providers.';
  if (status === 404 || /no such model|not found|unknown model/.test(text)) return 'Check that the model exists under Models & routing and on the provider.';
  if (status === 429) return 'The upstream is rate-limiting: wait a moment, or add another deployment to the group.';
  if (status === 400) return 'The upstream refused the request: check the model supports chat, or turn on drop_params.';
  if (status === 408 || status === 504 || /timeout|timed out/.test(text)) return 'The upstream took too long: try again, or raise the timeout under Models & routing.';
  if (status >= 500) return 'The upstream is failing or unreachable: check the provider (Providers → Test) or add a fallback.';
  return 'Try again; the request log has the details.';
}

class Playground {
  turns = $state<Turn[]>([]);
  model = $state('');
  models = $state<string[]>([]);
  input = $state('');
  busy = $state(false);
  failure = $state<PlaygroundFailure | null>(null);
  private deployments = new Map<string, string>();
  private controller: AbortController | null = null;

  async loadModels(): Promise<void> {
    try {
      const [deployments, providers] = await Promise.all([call('models.list', {}), call('providers.list', {})]);
      const names = new Map(providers.map((p) => [p.id, p.name]));
      this.deployments = new Map(deployments.map((d: DeploymentView) => [d.id, `${(d.providerId && names.get(d.providerId)) ?? d.provider} · ${d.upstreamModel}`]));
      this.models = [...new Set(deployments.map((d) => d.modelName))];
      if (!this.models.includes(this.model)) this.model = this.models[0] ?? '';
    } catch (error) {
      app.fail(error);
    }
  }

  clear(): void {
    this.turns = [];
    this.failure = null;
  }

  stop(): void {
    this.controller?.abort();
  }

  /** Which deployment a failed request last tried, from the request log (by name, not id). */
  private async lastTried(model: string): Promise<string | null> {
    try {
      const [entry] = await call('logs.list', { model, status: 'error', limit: 1 });
      if (!entry) return null;
      const details = await call('logs.get', { id: entry.id });
      const last = details.attempts.at(-1);
      if (last) return this.deployments.get(last.deployment) ?? last.deploymentLabel;
      return entry.deployment ? (this.deployments.get(entry.deployment) ?? null) : null;
    } catch {
      return null;
    }
  }

  /** Streams the reply through the gateway itself, as a tool would see it. */
  async send(): Promise<void> {
    const model = this.model;
    if (!this.input.trim() || !model || this.busy) return;
    this.failure = null;
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
        body: JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, messages: history }),
        signal: controller.signal,
      });
      status = response.status;
      const deploymentId = response.headers.get('x-loopgate-deployment');
      answer.deployment = deploymentId ? (this.deployments.get(deploymentId) ?? null) : null;
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new Error(body.error?.message ?? `The gateway answered ${response.status}.`);
      }
      for await (const data of sseData(response.body)) {
        if (!data || data === '[DONE]') continue;
        const chunk = JSON.parse(data) as Chunk;
        if (chunk.error) throw new Error(chunk.error.message);
        if (chunk.usage) answer.tokens = { prompt: chunk.usage.prompt_tokens ?? 0, completion: chunk.usage.completion_tokens ?? 0 };
        answer.content += chunk.choices?.[0]?.delta?.content ?? '';
      }
      answer.latencyMs = performance.now() - started;
    } catch (failure) {
      answer.latencyMs = performance.now() - started;
      if (controller.signal.aborted) {
        answer.stopped = true;
      } else {
        const message = withoutIds((failure as Error).message.replace(/"?\b(dep_[A-Za-z0-9_-]+)\b"?/g, (id: string, bare: string) => (this.deployments.has(bare) ? `“${this.deployments.get(bare)}”` : id)));
        this.failure = { status, model, deployment: answer.deployment ?? null, message, next: nextStep(status, message) };
        if (!answer.content) this.turns = this.turns.filter((turn) => turn !== answer);
        if (status !== null && !this.failure.deployment) {
          const tried = await this.lastTried(model);
          if (this.failure) this.failure = { ...this.failure, deployment: tried };
        }
      }
    } finally {
      this.busy = false;
      this.controller = null;
    }
  }
}

export const playground = new Playground();
