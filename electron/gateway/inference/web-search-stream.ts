// A searched answer as a stream: in the dialect's server-tool events where it has them,
// otherwise the final answer through the dialect's own stream encoder (chunks of one reply).
import { chunkMaker } from '../../core/chat.js';
import type { InboundDialect, Json, SearchRun } from '../../dialects/types.js';

export function answerSearchStream(dialect: InboundDialect, run: SearchRun, body: Json): string {
  if (dialect.searchStream) return dialect.searchStream(run, body);
  const { final } = run;
  const choice = final.choices[0];
  const chunk = chunkMaker(final.model, final.created);
  const encoder = dialect.streamEncoder(body);
  let out = encoder.push(chunk(final.id, { role: 'assistant', content: choice?.message.content ?? '', ...(choice?.message.reasoning_content ? { reasoning_content: choice.message.reasoning_content } : {}) }));
  const calls = choice?.message.tool_calls ?? [];
  if (calls.length) out += encoder.push(chunk(final.id, { tool_calls: calls.map((call, index) => ({ index, id: call.id, type: 'function' as const, function: call.function })) }));
  out += encoder.push({ ...chunk(final.id, {}, choice?.finish_reason ?? 'stop'), usage: final.usage ?? null });
  return out + encoder.end();
}
