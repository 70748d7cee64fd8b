// The route test: a request (a scenario's sample in a dialect, or one pasted with its headers)
// sent to `routing.explain`, which answers with the decision the gateway would make for it with
// the saved routes: the route, its group, the deployment, and each route's verdict. One instance.
import type { KeyView } from '../../../shared/api.js';
import type { RouteDialect, RouteExplanation, RouteSetting } from '../../../shared/routes.js';
import { call } from './api.js';
import { app } from './app.svelte.js';
import { keyName } from './keys.svelte.js';
import { headerText, parseHeaders, sampleRequest, type SampleKind } from './route-samples.js';

/** The long-prompt threshold a sample goes over when no route names one. */
const DEFAULT_TOKENS = 60_000;

/** What a sample needs from the routes: the threshold to go over, the models a background route names. */
function sampleHints(routes: RouteSetting[]): { tokens: number; backgroundModel?: string } {
  const conditions = routes.filter((route) => route.enabled).flatMap((route) => route.when);
  const long = conditions.find((condition) => condition.kind === 'long_context');
  const background = conditions.find((condition) => condition.kind === 'background' && condition.models?.length);
  const glob = background?.kind === 'background' ? background.models?.[0] : undefined;
  return { tokens: long?.kind === 'long_context' ? long.tokens : DEFAULT_TOKENS, ...(glob ? { backgroundModel: glob.replaceAll('*', 'x') } : {}) };
}

class RouteTestState {
  sample = $state<SampleKind>('plain');
  dialect = $state<RouteDialect>('anthropic');
  /** The model a sample asks for (a background sample asks for a small one instead). */
  model = $state('');
  /** Gemini carries the model in the path: the one named there. */
  pathModel = $state('');
  body = $state('');
  headers = $state('');
  /** The key the request carries; '' for the master key. */
  keyId = $state('');
  /** Keys to pick: `label` as the app shows it, `name` as a route names it (its alias, else its id). */
  keys = $state<Array<{ id: string; label: string; name: string }>>([]);
  result = $state<RouteExplanation | null>(null);
  /** What is wrong with the body or headers as typed. */
  problem = $state<string | null>(null);
  running = $state(false);

  async loadKeys(): Promise<void> {
    try {
      const { keys } = await call('keys.list', { page: 1, size: 100 });
      this.keys = keys.map((key: KeyView) => ({ id: key.id, label: keyName(key), name: key.keyAlias ?? key.id }));
    } catch (error) {
      app.fail(error);
    }
  }

  /** Puts the chosen scenario's sample in the fields (the model, for a start, is the first group's). */
  fill(routes: RouteSetting[], groups: string[]): void {
    if (!this.model) this.model = groups[0] ?? 'gpt-4o';
    const subagent = routes.find((route) => route.enabled && route.when.some((condition) => condition.kind === 'subagent'));
    const sample = sampleRequest(this.sample, this.dialect, { model: this.model, group: subagent?.to ?? groups[0] ?? this.model, ...sampleHints(routes) });
    this.body = JSON.stringify(sample.body, null, 2);
    this.headers = headerText(sample.headers);
    this.pathModel = sample.model;
    this.result = null;
    this.problem = null;
  }

  async run(): Promise<void> {
    const headers = parseHeaders(this.headers);
    let body: unknown;
    try {
      body = JSON.parse(this.body);
    } catch (error) {
      this.problem = `The body is not JSON: ${(error as Error).message}`;
      return;
    }
    if ('error' in headers) {
      this.problem = headers.error;
      return;
    }
    this.problem = null;
    this.running = true;
    try {
      this.result = await call('routing.explain', {
        dialect: this.dialect,
        body,
        headers: headers.headers,
        ...(this.keyId ? { keyId: this.keyId } : {}),
        ...(this.dialect === 'gemini' ? { model: this.pathModel.trim() } : {}),
      });
    } catch (error) {
      this.result = null;
      app.fail(error);
    } finally {
      this.running = false;
    }
  }
}

export const routeTest = new RouteTestState();
