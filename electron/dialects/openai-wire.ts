// The OpenAI wire format on the client side: shaping a client's body for an OpenAI-compatible
// upstream (usage always asked for), and relaying its stream back with usage read on the way.
import { StringDecoder } from 'node:string_decoder';
import type { EndpointKind } from '../core/deployment.js';
import { isRecord, usageFromOpenAI, type TokenUsage } from '../core/usage.js';
import type { SseEvent } from '../core/sse.js';
import { ObservedStream } from './observed-stream.js';

export interface PreparedBody {
  body: string;
  stream: boolean;
  /** We asked upstream for a usage chunk the client did not ask for; drop it on the way back. */
  stripUsageChunk: boolean;
}

export function prepareOpenAIBody(kind: EndpointKind, client: Record<string, unknown>, upstreamModel: string, clientText: string | null = null): PreparedBody {
  // Only chat and completions streams carry a usage chunk to ask for (an image stream reports usage in its last event).
  const stream = (kind === 'chat' || kind === 'completions') && client.stream === true;
  const options = isRecord(client.stream_options) ? client.stream_options : null;
  const clientWantsUsage = options?.include_usage === true;
  const stripUsageChunk = stream && !clientWantsUsage;
  // Nothing to change: the client's bytes go upstream as they came.
  if (clientText !== null && !stripUsageChunk && client.model === upstreamModel) return { body: clientText, stream, stripUsageChunk };
  const upstream: Record<string, unknown> = { ...client, model: upstreamModel };
  // Usage is how spend is counted, so every stream asks for it.
  if (stripUsageChunk) upstream.stream_options = { ...options, include_usage: true };
  return { body: JSON.stringify(upstream), stream, stripUsageChunk };
}

const HAS_USAGE_OBJECT = /"usage"\s*:\s*\{/;
/** An event's end: a blank line, LF or CRLF. */
const EVENT_END = /\r?\n\r?\n/g;

/**
 * Passes the client's bytes through as they come and reads usage on the way. When asked to
 * strip the usage-only chunk, it holds text back to whole events and sends each one's own
 * text: eventsource-parser hands back data, not the bytes it came from, so the cutting stays
 * here and the parser reads one event at a time.
 */
export class OpenAIStreamRelay extends ObservedStream {
  usage: TokenUsage | null = null;
  private usageOnly = false;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly stripUsageChunk: boolean) {
    super();
  }

  override push(chunk: Buffer): Buffer | string {
    if (!this.stripUsageChunk) return super.push(chunk);
    this.pending += this.decoder.write(chunk);
    let kept = '';
    let start = 0;
    for (const boundary of this.pending.matchAll(EVENT_END)) {
      const end = boundary.index + boundary[0].length;
      const event = this.pending.slice(start, end);
      if (!this.isUsageOnly(event)) kept += event;
      start = end;
    }
    this.pending = this.pending.slice(start);
    return kept;
  }

  /** Whatever the upstream left unterminated at the end of the stream. */
  override end(): string {
    if (!this.stripUsageChunk) return super.end();
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    return this.isUsageOnly(rest, true) ? '' : rest;
  }

  /** Only an event that mentions usage is worth parsing; the rest pass as they are. */
  private isUsageOnly(text: string, last = false): boolean {
    if (!HAS_USAGE_OBJECT.test(text)) return false;
    this.usageOnly = false;
    for (const event of this.sse.read(text)) this.observe(event);
    if (last) for (const event of this.sse.end()) this.observe(event);
    return this.usageOnly;
  }

  /** Records usage, and notes whether the event is the usage-only chunk (no choices). */
  protected observe({ data }: SseEvent): void {
    if (!HAS_USAGE_OBJECT.test(data)) return;
    try {
      const parsed = JSON.parse(data) as { choices?: unknown };
      const usage = usageFromOpenAI(parsed);
      if (usage) this.usage = usage;
      this.usageOnly = usage !== null && Array.isArray(parsed.choices) && parsed.choices.length === 0;
    } catch {
      // not JSON: nothing to count
    }
  }
}
