// One upstream call of the web-search loop (web-search.ts): a whole chat answer, never a stream,
// with the relay's failure rules (an unreachable or refusing upstream is the router's to retry).
import type { ChatCompletion } from '../../core/chat.js';
import type { UpstreamRequest } from '../../core/deployment.js';
import { GatewayError } from '../../core/errors.js';
import { redactCredentials } from '../../core/redact.js';
import { familyOf } from '../../providers/index.js';
import { AttemptFailure } from '../../router/failures.js';
import { parseJson, type AttemptScope } from './relay.js';
import { callDeployment, upstreamFailure } from './upstream.js';

export async function callForCompletion(scope: AttemptScope, request: UpstreamRequest): Promise<ChatCompletion> {
  const { deps, ctx, deployment, timing } = scope;
  const sentAt = performance.now();
  let text: string;
  let status: number;
  let headers: Record<string, string | string[] | undefined>;
  try {
    const upstream = await callDeployment(deps.pools, deployment, request, { clientHeaders: ctx.req.headers, requestId: ctx.id, stream: false, signal: ctx.signal });
    status = upstream.statusCode;
    headers = upstream.headers;
    text = await upstream.body.text();
  } catch (error) {
    throw AttemptFailure.fromError(upstreamFailure(error, deployment));
  } finally {
    timing.upstreamMs += performance.now() - sentAt;
  }
  // An upstream may repeat the key it was sent; from here on it is masked.
  if (status >= 400) throw AttemptFailure.fromResponse(status, headers, redactCredentials(text, deployment));
  const parsed = parseJson(text);
  if (!parsed) throw AttemptFailure.fromError(new GatewayError('upstream', `The upstream deployment "${deployment.id}" answered with something that is not JSON.`));
  return familyOf(deployment).chatResponse(parsed, deployment);
}
