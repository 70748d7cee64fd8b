// Chat pivot chunks → the Responses event stream: response.created / in_progress, then per
// output item its added / delta / done events (reasoning summary, message text, function call
// arguments), and response.completed with the whole response and its usage.
import { usageFromOpenAI } from '../../core/usage.js';
import { sseEvent } from '../../core/sse.js';
import type { TokenUsage } from '../../core/usage.js';
import type { ChatChunk, ChatUsage, FinishReason } from '../../core/chat.js';
import type { ChatStreamEncoder, Json } from '../types.js';
import { callItem, finishStatus, itemId, responsesUsage, responseShell } from './response.js';

interface OpenItem {
  kind: 'reasoning' | 'message' | 'call';
  outputIndex: number;
  id: string;
  text: string;
  toolIndex?: number;
  callId?: string;
  name?: string;
}

export class ResponsesEncoder implements ChatStreamEncoder {
  usage: TokenUsage | null = null;
  private sequence = 0;
  private started = false;
  private readonly response: Json;
  private readonly output: Json[] = [];
  private open: OpenItem | null = null;
  private finish: FinishReason | null = null;
  private chatUsage: ChatUsage | null = null;

  constructor(
    request: Json,
    private readonly customTools: ReadonlySet<string>,
  ) {
    this.response = responseShell(request, itemId('resp'), Math.floor(Date.now() / 1000));
  }

  get responseId(): string {
    return String(this.response.id);
  }

  push(chunk: ChatChunk): string {
    let out = this.start();
    if (chunk.usage) {
      this.chatUsage = chunk.usage;
      this.usage = usageFromOpenAI(chunk);
    }
    const choice = chunk.choices[0];
    if (!choice) return out;
    const { delta } = choice;
    if (delta.reasoning_content) {
      out += this.ensure('reasoning');
      this.open!.text += delta.reasoning_content;
      out += this.event('response.reasoning_summary_text.delta', { item_id: this.open!.id, output_index: this.open!.outputIndex, summary_index: 0, delta: delta.reasoning_content });
    }
    if (delta.content) {
      out += this.ensure('message');
      this.open!.text += delta.content;
      out += this.event('response.output_text.delta', { item_id: this.open!.id, output_index: this.open!.outputIndex, content_index: 0, delta: delta.content, logprobs: [] });
    }
    for (const call of delta.tool_calls ?? []) {
      if (!(this.open?.kind === 'call' && this.open.toolIndex === call.index)) {
        out += this.close();
        const open: OpenItem = { kind: 'call', outputIndex: this.output.length, id: itemId('fc'), text: '', toolIndex: call.index, callId: call.id ?? itemId('call'), name: call.function?.name ?? '' };
        this.open = open;
        this.output.push({});
        out += this.event('response.output_item.added', {
          output_index: open.outputIndex,
          item: { type: 'function_call', id: open.id, call_id: open.callId, name: open.name, arguments: '', status: 'in_progress' },
        });
      }
      const args = call.function?.arguments;
      if (args) {
        this.open.text += args;
        out += this.event('response.function_call_arguments.delta', { item_id: this.open.id, output_index: this.open.outputIndex, delta: args });
      }
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  end(): string {
    let out = this.start();
    out += this.close();
    Object.assign(this.response, finishStatus(this.finish ?? 'stop'), { output: this.output, usage: responsesUsage(this.chatUsage) });
    out += this.event(this.response.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: this.response });
    return out;
  }

  /** The finished response, for the conversation store. */
  finalResponse(): Json {
    return this.response;
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return this.event('response.created', { response: this.response }) + this.event('response.in_progress', { response: this.response });
  }

  private event(type: string, data: Json): string {
    return sseEvent({ type, sequence_number: this.sequence++, ...data }, type);
  }

  private ensure(kind: 'reasoning' | 'message'): string {
    if (this.open?.kind === kind) return '';
    let out = this.close();
    const open: OpenItem = { kind, outputIndex: this.output.length, id: itemId(kind === 'message' ? 'msg' : 'rs'), text: '' };
    this.open = open;
    this.output.push({});
    if (kind === 'message') {
      out += this.event('response.output_item.added', { output_index: open.outputIndex, item: { type: 'message', id: open.id, status: 'in_progress', role: 'assistant', content: [] } });
      out += this.event('response.content_part.added', { item_id: open.id, output_index: open.outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    } else {
      out += this.event('response.output_item.added', { output_index: open.outputIndex, item: { type: 'reasoning', id: open.id, summary: [] } });
      out += this.event('response.reasoning_summary_part.added', { item_id: open.id, output_index: open.outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' } });
    }
    return out;
  }

  private close(): string {
    const open = this.open;
    if (!open) return '';
    this.open = null;
    let out = '';
    let item: Json;
    if (open.kind === 'message') {
      const part = { type: 'output_text', text: open.text, annotations: [] };
      out += this.event('response.output_text.done', { item_id: open.id, output_index: open.outputIndex, content_index: 0, text: open.text, logprobs: [] });
      out += this.event('response.content_part.done', { item_id: open.id, output_index: open.outputIndex, content_index: 0, part });
      item = { type: 'message', id: open.id, status: 'completed', role: 'assistant', content: [part] };
    } else if (open.kind === 'reasoning') {
      const part = { type: 'summary_text', text: open.text };
      out += this.event('response.reasoning_summary_text.done', { item_id: open.id, output_index: open.outputIndex, summary_index: 0, text: open.text });
      out += this.event('response.reasoning_summary_part.done', { item_id: open.id, output_index: open.outputIndex, summary_index: 0, part });
      item = { type: 'reasoning', id: open.id, summary: [part] };
    } else {
      out += this.event('response.function_call_arguments.done', { item_id: open.id, output_index: open.outputIndex, arguments: open.text });
      item = callItem(open.callId!, open.name!, open.text, this.customTools, open.id);
    }
    this.output[open.outputIndex] = item;
    return out + this.event('response.output_item.done', { output_index: open.outputIndex, item });
  }
}
