// The admin UI's Playground (POST /ui/playground): a chat as the master key through the same
// pipeline as any client's, plus what a person needs next to each answer — the model and
// deployment that served it, tokens and latency (a summary event after the stream) — and, on
// failure, the status, model, deployment and the next step, said plainly without internal ids.
import type { PlaygroundFailure, PlaygroundSummary } from '../../../shared/api.js';
import type { ErrorCode } from '../../../shared/errors.js';
import type { GatewayError } from '../../core/errors.js';
import { chatDialect } from '../../dialects/chat/index.js';
import type { InboundDialect } from '../../dialects/types.js';
import type { AttemptFailure } from '../../router/failures.js';
import type { RequestContext, RequestOutcome } from '../http/context.js';
import { deploymentLabel, failureReason, withoutSecrets } from './attempt-record.js';
import { proxy, type ProxyDeps } from './proxy.js';

export async function playground(deps: ProxyDeps, ctx: RequestContext): Promise<RequestOutcome> {
  const startedAt = performance.now();
  // Loopgate's own errors are said by the HTTP layer once proxy() has returned what it knows.
  let known: RequestOutcome | null = null;
  const dialect: InboundDialect = { ...chatDialect, errorBody: (error) => failureBody(known, error.status, error.code, ownMessage(known, error)) };
  known = await proxy(deps, dialect, ctx, {
    streamUsage: true,
    epilogue: (usage, firstByteMs, outcome) => {
      const deployment = outcome.deployment!;
      const summary: PlaygroundSummary = {
        object: 'loopgate.summary',
        requested: outcome.model ?? '',
        model: outcome.attempts.at(-1)?.group ?? deployment.modelName,
        deployment: deploymentLabel(deployment),
        deploymentId: deployment.id,
        attempts: outcome.attempts.length,
        usage,
        latencyMs: round(performance.now() - startedAt),
        timeToFirstByteMs: round(firstByteMs),
        logId: ctx.id,
      };
      return `data: ${JSON.stringify(summary)}\n\n`;
    },
    failureBody: (status, failure, outcome) => failureBody(outcome, status, 'upstream', upstreamMessage(outcome, failure)),
  });
  return known;
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** Loopgate's own error (timeout, unreachable, unknown model), deployments named, not numbered. */
function ownMessage(outcome: RequestOutcome | null, error: GatewayError): string {
  let message = error.message;
  for (const attempt of outcome?.attempts ?? []) message = message.split(`"${attempt.deployment}"`).join(attempt.deploymentLabel);
  return withoutSecrets(message, outcome?.deployment ?? null);
}

function upstreamMessage(outcome: RequestOutcome, failure: AttemptFailure): string {
  const label = outcome.deployment ? deploymentLabel(outcome.deployment) : 'The upstream';
  const reason = failureReason(failure, outcome.deployment).replace(/^\d{3}: /, '');
  return `${label} answered ${failure.response?.status ?? 502}: ${reason}`;
}

function hintFor(status: number, code: ErrorCode): string {
  if (code === 'model_not_found') return 'Add this model in Models & routing, or pick another one.';
  if (code === 'timeout') return 'The upstream took too long: try again, or raise the timeout in Models & routing.';
  if (code === 'upstream_unreachable') return "Loopgate could not reach the upstream: check the provider's API base and that the server is running.";
  if (code === 'budget_exceeded') return 'The budget is spent: raise it, or wait for it to reset.';
  // Loopgate's own 401: nothing was sent, the deployment has no key (an upstream's 401 comes as `upstream`).
  if (code === 'authentication') return 'Nothing was sent upstream: this deployment has no API key yet. Set it as said, then try again.';
  if (code === 'rate_limit' || status === 429) return 'The upstream is limiting requests: wait a moment, or add another deployment to this model.';
  if (status === 401 || status === 403) return "The upstream refused the API key: check the provider's key in Providers.";
  if (status === 404) return "The upstream does not know this model: check the deployment's provider model in Models & routing.";
  if (status >= 500 || code === 'upstream') return 'The upstream failed: try again, or add a fallback in Models & routing.';
  if (status >= 400 && status < 500) return 'The request was refused: check the message and the model settings.';
  return 'Try again; the request log has the details.';
}

function failureBody(outcome: RequestOutcome | null, status: number, code: ErrorCode, said: string): string {
  const hint = hintFor(status, code);
  const failure: PlaygroundFailure = {
    message: `${said} ${hint}`,
    code,
    status,
    model: outcome?.model ?? null,
    deployment: outcome?.deployment ? deploymentLabel(outcome.deployment) : null,
    deploymentId: outcome?.deployment?.id ?? null,
    hint,
  };
  return JSON.stringify({ error: failure });
}
