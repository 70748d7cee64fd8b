// One attempt as the request log keeps it: which deployment, how it came about, and why it failed
// (short, with anything that looks like a secret masked).
import type { LogAttemptView } from '../../../shared/api.js';
import type { DeploymentConfig } from '../../core/deployment.js';
import { toGatewayError } from '../../core/errors.js';
import { redactCredentials } from '../../core/redact.js';
import { upstreamErrorMessage } from '../../dialects/types.js';
import type { AttemptTurn } from '../../router/attempts.js';
import { AttemptFailure } from '../../router/failures.js';
import type { RequestOutcome } from '../http/context.js';

/** A readable name for a deployment: its family and upstream model (ids are the app's). */
export function deploymentLabel(deployment: DeploymentConfig): string {
  return `${deployment.family}/${deployment.upstreamModel}`;
}

export function startAttempt(outcome: RequestOutcome, deployment: DeploymentConfig, turn: AttemptTurn): LogAttemptView {
  const attempt: LogAttemptView = {
    number: turn.number,
    deployment: deployment.id,
    deploymentLabel: deploymentLabel(deployment),
    group: turn.group,
    via: turn.via,
    fallbackKind: turn.fallbackKind,
    outcome: 'ok',
    status: null,
    errorCode: null,
    failureKind: null,
    reason: null,
    latencyMs: 0,
  };
  outcome.attempts.push(attempt);
  return attempt;
}

export function failAttempt(attempt: LogAttemptView, error: unknown, deployment: DeploymentConfig): void {
  attempt.outcome = 'failed';
  if (error instanceof AttemptFailure) {
    attempt.status = error.response?.status ?? null;
    attempt.errorCode = error.error?.code ?? 'upstream';
    attempt.failureKind = error.kind;
    attempt.reason = failureReason(error, deployment);
  } else {
    const failure = toGatewayError(error);
    attempt.errorCode = failure.code;
    attempt.reason = withoutSecrets(failure.message, deployment);
  }
}

const MAX_REASON = 200;
/** Long opaque tokens: too broad for an answer a client reads, right for a one-line reason. */
const LONG_TOKEN = /\b[A-Za-z0-9_+/=-]{40,}/g;

/** Text for the log and the app: secrets masked (the deployment's own credentials first), at most 200 characters. */
export function withoutSecrets(text: string, deployment: DeploymentConfig | null): string {
  const out = redactCredentials(text, deployment).replace(LONG_TOKEN, '***').replace(/\s+/g, ' ').trim();
  return out.length > MAX_REASON ? `${out.slice(0, MAX_REASON - 1)}…` : out;
}

/** Why an attempt failed, short: the upstream's status and message, or Loopgate's own error. */
export function failureReason(failure: AttemptFailure, deployment: DeploymentConfig | null): string {
  if (!failure.response) return withoutSecrets(failure.error?.message ?? 'failed', deployment);
  const { message } = upstreamErrorMessage(failure.response.text);
  return withoutSecrets(`${failure.response.status}: ${message}`, deployment);
}
