// Replay: a request the log captured is sent again, as the master key, through the gateway's own
// route for its API (the same admission, routing, retries and accounting as any client's), to
// the model group asked for; its row is marked as a replay of the original. The answer comes back
// masked like a captured one, beside the original's in the app's Logs.
import { z } from 'zod';
import type { ReplayResult } from '../../shared/api.js';
import { GatewayError } from '../core/errors.js';
import { redactCredentials } from '../core/redact.js';
import type { RequestLogEntry } from '../store/request-log.js';
import { notFound } from './errors.js';
import type { MasterSender } from './ports.js';
import { MAX_LENGTH, parseInput, text } from './validation.js';

export const replaySchema = z.strictObject({ id: text(MAX_LENGTH.id).min(1), group: text(MAX_LENGTH.name).min(1) });

/** Each API's route (the `/v1` form); Gemini names the model in the path. */
const PATHS: Record<string, string> = {
  chat: '/v1/chat/completions',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
  images: '/v1/images/generations',
  moderations: '/v1/moderations',
  anthropic: '/v1/messages',
  responses: '/v1/responses',
};

export interface ReplayDeps {
  /** The captured row (within retention), or not_found. */
  entry: (id: string) => Promise<RequestLogEntry | null>;
  send: MasterSender;
  /** The groups requests can name now. */
  groups: () => string[];
}

export class ReplayService {
  constructor(private readonly deps: ReplayDeps) {}

  async replay(input: { id: string; group: string }): Promise<ReplayResult> {
    const { id, group } = parseInput(replaySchema, input);
    const entry = await this.deps.entry(id);
    if (!entry) throw notFound('log entry');
    if (!this.deps.groups().includes(group)) throw new GatewayError('model_not_found', `There is no model group "${group}".`, { param: 'group' });
    const { path, body } = requestFor(entry, group);
    const startedAt = performance.now();
    const answer = await this.deps.send({ path, body: JSON.stringify(body), replayOf: id });
    return { id: answer.requestId, group, status: answer.status, body: redactCredentials(answer.body, null), latencyMs: Math.round((performance.now() - startedAt) * 100) / 100 };
  }
}

/** The route and body that send `entry`'s captured request to `group`. */
function requestFor(entry: RequestLogEntry, group: string): { path: string; body: Record<string, unknown> } {
  if (entry.requestBody === null) throw new GatewayError('invalid_request', 'This request was not captured: turn capture on (Logs settings, or the key’s) to replay requests.', { param: 'id' });
  let body: unknown;
  try {
    body = JSON.parse(entry.requestBody);
  } catch {
    throw new GatewayError('invalid_request', 'The captured request was cut (longer than the capture limit) and cannot be replayed.', { param: 'id' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The captured request is not a JSON object.', { param: 'id' });
  const fields = body as Record<string, unknown>;
  if (entry.callType === 'gemini') {
    const { model: _model, stream, alt, ...rest } = fields;
    const method = stream === true ? `streamGenerateContent${alt === 'json' ? '' : '?alt=sse'}` : 'generateContent';
    return { path: `/v1beta/models/${encodeURIComponent(group)}:${method}`, body: rest };
  }
  const path = entry.callType === null ? undefined : PATHS[entry.callType];
  if (!path) throw new GatewayError('invalid_request', `Requests to this API (${entry.callType ?? 'unknown'}) cannot be replayed.`, { param: 'id' });
  return { path, body: { ...fields, model: group } };
}
