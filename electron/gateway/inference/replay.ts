// A cache hit said to the client: the stored answer whole, or a stream replayed chunk by chunk.
import { drained, sendJson, setAnswerHeader, writeHead, type RequestContext } from '../http/context.js';
import type { Timing } from './relay.js';
import { responseIdOf } from './response-id.js';

/** A cache hit: the stored answer, a stream replayed chunk by chunk; returns the answer's id. */
export async function replay(ctx: RequestContext, hit: { stream: boolean; contentType: string; chunks: string[] }, timing: Timing): Promise<string | null> {
  setAnswerHeader(ctx, 'x-loopgate-cache', 'hit');
  setAnswerHeader(ctx, 'x-loopgate-overhead-ms', (performance.now() - timing.startedAt).toFixed(2));
  const responseId = responseIdOf(hit.chunks[0] ?? '');
  if (!hit.stream) {
    sendJson(ctx, 200, hit.chunks.join(''));
    return responseId;
  }
  writeHead(ctx, 200, { 'content-type': hit.contentType, 'cache-control': 'no-cache' });
  for (const chunk of hit.chunks) {
    if (!ctx.res.write(chunk)) await drained(ctx.res);
  }
  ctx.res.end();
  return responseId;
}
