// The OpenAI wire format on the client side: shaping a client's body for an OpenAI-compatible
// upstream (usage always asked for), and relaying its stream back with usage read on the way.
import { StringDecoder } from 'node:string_decoder';
import type { EndpointKind } from '../core/deployment.js';
import { isRecord, usageFromOpenAI, type TokenUsage } from '../core/usage.js';

export interface PreparedBody {
  body: string;
  stream: boolean;
  /** We asked upstream for a usage chunk the client did not ask for; drop it on the way back. */
  stripUsageChunk: boolean;
}

export function prepareOpenAIBody(kind: EndpointKind, client: Record<string, unknown>, upstreamModel: string): PreparedBody {
  const stream = kind !== 'embeddings' && client.stream === true;
  const options = isRecord(client.stream_options) ? client.stream_options : null;
  const clientWantsUsage = options?.include_usage === true;
  const stripUsageChunk = stream && !clientWantsUsage;
  const upstream: Record<string, unknown> = { ...client, model: upstreamModel };
  // Usage is how spend is counted, so every stream asks for it.
  if (stripUsageChunk) upstream.stream_options = { ...options, include_usage: true };
  return { body: JSON.stringify(upstream), stream, stripUsageChunk };
}

const EVENT_BOUNDARY = /\r?\n\r?\n/;
const HAS_USAGE_OBJECT = /"usage"\s*:\s*\{/;

export class OpenAIStreamRelay {
  usage: TokenUsage | null = null;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly stripUsageChunk: boolean) {}

  /** Bytes to send the client now. Without stripping, the chunk itself passes untouched. */
  push(chunk: Buffer): Buffer | string {
    this.pending += this.decoder.write(chunk);
    const lastBoundary = lastBoundaryEnd(this.pending);
    if (lastBoundary === -1) return this.stripUsageChunk ? '' : chunk;
    const complete = this.pending.slice(0, lastBoundary);
    this.pending = this.pending.slice(lastBoundary);
    const kept = this.scan(complete);
    return this.stripUsageChunk ? kept : chunk;
  }

  /** Whatever the upstream left unterminated at the end of the stream. */
  end(): string {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    if (!rest.trim()) return '';
    const kept = this.scan(rest);
    // Without stripping, push() already sent these bytes as they came.
    return this.stripUsageChunk ? kept : '';
  }

  private scan(text: string): string {
    let kept = '';
    for (const event of text.split(EVENT_BOUNDARY)) {
      if (!event) continue;
      if (HAS_USAGE_OBJECT.test(event) && this.readUsage(event) && this.stripUsageChunk) continue;
      kept += `${event}\n\n`;
    }
    return kept;
  }

  /** Records usage; true when the event is the usage-only chunk (no choices). */
  private readUsage(event: string): boolean {
    const data = eventData(event);
    if (data === null) return false;
    try {
      const parsed = JSON.parse(data) as { choices?: unknown };
      const usage = usageFromOpenAI(parsed);
      if (usage) this.usage = usage;
      return usage !== null && Array.isArray(parsed.choices) && parsed.choices.length === 0;
    } catch {
      return false;
    }
  }
}

function lastBoundaryEnd(text: string): number {
  const lf = text.lastIndexOf('\n\n');
  const crlf = text.lastIndexOf('\r\n\r\n');
  if (lf === -1 && crlf === -1) return -1;
  return lf >= crlf ? lf + 2 : crlf + 4;
}

function eventData(event: string): string | null {
  const lines = event.split(/\r?\n/).filter((line) => line.startsWith('data:'));
  if (lines.length === 0) return null;
  return lines.map((line) => line.slice(line[5] === ' ' ? 6 : 5)).join('\n');
}
